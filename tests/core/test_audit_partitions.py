"""The audit log partitioned by month (core migration 0009): rows kept, the chain still verifies,
the triggers hold on every partition, and partitions are made ahead of time (issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.audit import audit_log
from core.audit_chain import audit_partitions_ahead, verify_chain
from core.models import AuditAction, AuditEntry


def sql(statement: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchall() if cursor.description else []


def partitions() -> list[str]:
    return [
        name
        for (name,) in sql(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'core_auditentry'::regclass ORDER BY 1"
        )
    ]


def month_name(day: dt.date) -> str:
    return f"core_auditentry_{day:%Y_%m}"


def months_from(day: dt.date, n: int) -> list[dt.date]:
    first, out = day.replace(day=1), []
    for _ in range(n):
        out.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return out


@pytest.mark.django_db
def test_the_log_is_partitioned_and_a_row_lands_in_its_month(cast):
    assert sql("SELECT relkind FROM pg_class WHERE relname = 'core_auditentry'") == [("p",)]
    today = timezone.localdate()
    assert {month_name(m) for m in months_from(today, 4)} <= set(partitions())
    entry = audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    where = sql("SELECT tableoid::regclass::text FROM core_auditentry WHERE id = %s", [entry.pk])
    assert where == [(month_name(timezone.localtime(entry.created_at).date()),)]
    assert len(AuditEntry.objects.get(pk=entry.pk).row_hash) == 64  # chained by the trigger
    assert verify_chain().intact


@pytest.mark.django_db
def test_no_partition_can_be_updated_deleted_or_truncated(cast):
    entry = audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    partition = month_name(timezone.localtime(entry.created_at).date())
    for statement in (
        f"UPDATE {partition} SET username = 'x' WHERE id = {entry.pk}",  # noqa: S608  (test SQL)
        f"DELETE FROM {partition} WHERE id = {entry.pk}",  # noqa: S608
        f"TRUNCATE {partition}",
        "TRUNCATE core_auditentry",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql(statement)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_a_row_written_straight_into_a_partition_is_still_chained(cast):
    audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    partition = month_name(timezone.localdate())
    sql(
        f"INSERT INTO {partition} (created_at, username, action, object_type, object_id, detail, prev_hash, row_hash) "  # noqa: S608
        "VALUES (now(), 'direct', 'view', 'case', '1', '{}', 'forged', 'forged')"
    )
    row = AuditEntry.objects.get(username="direct")
    assert row.row_hash != "forged" and row.chain_seq == AuditEntry.objects.count()
    assert verify_chain().intact


@pytest.mark.django_db
def test_partitions_are_made_ahead_by_the_beat_task(settings):
    from core.tasks import audit_partitions_ahead as task

    assert "core.tasks.audit_partitions_ahead" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    far = timezone.localdate() + dt.timedelta(days=400)
    assert month_name(far) not in partitions()
    made = audit_partitions_ahead(months=2, today=far)
    assert made == [month_name(m) for m in months_from(far, 3)]
    assert set(made) <= set(partitions())
    # each new partition refuses TRUNCATE too (statement triggers are not inherited)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(f"TRUNCATE {made[-1]}")
    assert task() == [month_name(m) for m in months_from(timezone.localdate(), 4)]


def migrate_core(target: str | None) -> None:
    """Migrate core to ``target``; ``None``: every app back to its latest migration (going back in core
    also unapplies the other apps' migrations that depend on a later core one, e.g. cases 0021)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("core", target)] if target else executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_row_and_the_chain_verifiable(cast):
    # given the log as it was before partitioning, with rows of this month and of months ago
    migrate_core("0008_audit_detail_gin")
    try:
        assert sql("SELECT relkind FROM pg_class WHERE relname = 'core_auditentry'") == [("r",)]
        now = timezone.now()
        for days_ago in (400, 95, 40, 0):
            sql(
                "INSERT INTO core_auditentry (created_at, username, action, object_type, object_id, detail, "
                "prev_hash, row_hash) VALUES (%s, 'old', 'view', 'case', '7', '{\"ids\": [7]}', '', '')",
                [now - dt.timedelta(days=days_ago)],
            )
        audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
        columns = "id, created_at, chain_seq, prev_hash, row_hash, detail::text"
        before = sql(f"SELECT {columns} FROM core_auditentry ORDER BY id")  # noqa: S608
        assert verify_chain().intact and len(before) >= 5
    finally:
        # when the migrations run (0009 partitions, 0010 adds the default partition), and every app's after them
        migrate_core(None)
    # then every row is there unchanged, in the partition of its month, and the chain verifies
    assert sql(f"SELECT {columns} FROM core_auditentry ORDER BY id") == before  # noqa: S608
    months = {month_name(timezone.localtime(row[1]).date()) for row in before}
    assert months <= set(partitions()) and len(months) >= 3
    report = verify_chain()
    assert report.intact and report.rows == len(before) and report.head_seq == before[-1][2]
    # and the next row extends the same chain, with the next id
    entry = AuditEntry.objects.get(pk=audit_log(action=AuditAction.EXPORT, user=cast.manager, object_type="x").pk)
    assert entry.pk > before[-1][0] and entry.chain_seq == before[-1][2] + 1 and entry.prev_hash == before[-1][4]
    assert verify_chain().intact
    assert AuditEntry.objects.filter(detail__contains={"ids": [7]}).count() == 4  # the GIN-indexed lookup


@pytest.mark.django_db
def test_a_month_with_no_partition_lands_in_the_default_one_chained_and_append_only(cast, time_machine):
    """The beat that makes partitions ahead stopped (or the clock ran past them): audit rows still insert —
    every write of the app audits — chained and append-only, in the default partition; the month is then
    not split off over them (PostgreSQL would refuse), so they stay readable where they are."""
    far = timezone.localdate().replace(day=1) + dt.timedelta(days=800)
    assert month_name(far) not in partitions()
    time_machine.move_to(dt.datetime(far.year, far.month, 15, 10, tzinfo=dt.UTC))
    entry = audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case)
    where = sql("SELECT tableoid::regclass::text FROM core_auditentry WHERE id = %s", [entry.pk])
    assert where == [("core_auditentry_default",)]
    assert len(AuditEntry.objects.get(pk=entry.pk).row_hash) == 64 and verify_chain().intact
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("DELETE FROM core_auditentry_default")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("TRUNCATE core_auditentry_default")
    # the month's rows sit in the default partition: no partition is split off over them
    assert audit_partitions_ahead(months=0, today=far) == ["core_auditentry_default"]
    assert month_name(far) not in partitions()
    # an empty month further on still gets its own partition
    later = (far + dt.timedelta(days=40)).replace(day=1)
    assert audit_partitions_ahead(months=0, today=later) == [month_name(later)]
