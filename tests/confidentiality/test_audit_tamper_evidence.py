"""The audit log is tamper-evident: TRUNCATE is refused, every row is chained by hash, and
``manage.py audit_verify`` finds the first broken link (issue 15)."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from core.audit import audit_log
from core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def _three_rows(cast):
    return [
        audit_log(action=AuditAction.VIEW, user=cast.worker, obj=cast.case, detail={"ids": [cast.case.pk]}),
        audit_log(action=AuditAction.EXPORT, user=cast.manager, object_type="case-list", detail={"ids": [1, 2]}),
        audit_log(action=AuditAction.VIEW, user=cast.manager, obj=cast.case.child),
    ]


def _verify() -> tuple[int, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, out.getvalue()


def test_truncate_of_the_audit_log_is_refused(cast):
    _three_rows(cast)
    before = AuditEntry.objects.count()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.count() == before


def test_each_row_stores_the_hash_of_the_previous_one(cast):
    rows = _three_rows(cast)
    chain = list(AuditEntry.objects.filter(pk__in=[r.pk for r in rows]).order_by("chain_seq"))
    assert [r.chain_seq for r in chain] == list(range(chain[0].chain_seq, chain[0].chain_seq + 3))
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.row_hash and len(after.row_hash) == 64


def test_the_row_hash_is_sha256_over_the_previous_hash_and_the_row(cast):
    row = AuditEntry.objects.get(pk=_three_rows(cast)[-1].pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT concat_ws(E'\\x1f', prev_hash, chain_seq::text, id::text, "
            "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), coalesce(user_id::text, ''), "
            "username, action, object_type, object_id, coalesce(host(ip_address), ''), detail::text) "
            "FROM core_auditentry WHERE id = %s",
            [row.pk],
        )
        canonical = cursor.fetchone()[0]
    assert row.row_hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_the_application_cannot_choose_the_chain_values(cast):
    entry = AuditEntry.objects.create(action="view", prev_hash="0" * 64, row_hash="f" * 64, chain_seq=999_999)
    entry.refresh_from_db()
    assert entry.row_hash != "f" * 64 and entry.chain_seq != 999_999


def test_audit_verify_passes_on_an_untouched_log(cast):
    _three_rows(cast)
    code, out = _verify()
    assert code == 0 and "intact" in out


def _as_superuser_without_triggers(sql: str, params: list) -> None:
    """What an attacker holding the owner's account could do: switch the triggers off and rewrite."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_audit_verify_detects_a_tampered_row(cast):
    rows = _three_rows(cast)
    _as_superuser_without_triggers("UPDATE core_auditentry SET username = 'someone' WHERE id = %s", [rows[1].pk])
    code, err = _verify()
    assert code == 1
    assert f"entry id {rows[1].pk} " in err and "changed" in err


def test_audit_verify_detects_a_deleted_row(cast):
    rows = _three_rows(cast)
    _as_superuser_without_triggers("DELETE FROM core_auditentry WHERE id = %s", [rows[1].pk])
    code, err = _verify()
    assert code == 1 and f"entry id {rows[2].pk} " in err


def test_audit_verify_detects_a_rehashed_row_by_the_next_link(cast):
    rows = _three_rows(cast)
    # the attacker rewrites a row and recomputes its own hash: the next row still points at the old one
    _as_superuser_without_triggers(
        "UPDATE core_auditentry SET username = 'someone', row_hash = shouhu_audit_row_hash(prev_hash, chain_seq, id, "
        "created_at, user_id, 'someone', action, object_type, object_id, ip_address, detail) WHERE id = %s",
        [rows[1].pk],
    )
    code, err = _verify()
    assert code == 1 and f"entry id {rows[2].pk} " in err and "previous" in err


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    import threading

    from django.db import connections

    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    audit_log(action=AuditAction.VIEW, object_type="case", object_id=n * 100 + i)
                    audit_log(action=AuditAction.VIEW, object_type="child", object_id=n * 100 + i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 120
    assert sorted(AuditEntry.objects.values_list("chain_seq", flat=True)) == list(range(1, 121))
    code, out = _verify()
    assert code == 0, out


@pytest.fixture
def app_role(transactional_db):
    """A role made by db_grant_app_role (a name of its own: roles are shared by the whole cluster)."""
    import uuid

    role = f"shouhu_app_t{uuid.uuid4().hex[:8]}"
    call_command("db_grant_app_role", role=role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


def _as_role(role: str):
    import psycopg2

    params = connection.get_connection_params()
    params.pop("password", None)
    params.update(user=role)
    conn = psycopg2.connect(**{k: v for k, v in params.items() if k in ("host", "port", "dbname", "database", "user")})
    conn.autocommit = True
    return conn


def test_app_role_may_only_insert_and_read_the_audit_log(app_role):
    import psycopg2

    conn = _as_role(app_role)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "INSERT INTO core_auditentry (created_at, username, action, object_type, object_id, detail) "
                "VALUES (now(), 'app', 'view', 'case', '1', '{}') RETURNING id"
            )
            entry_id = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM core_auditentry")
            assert cursor.fetchone()[0] >= 1
            cursor.execute("SELECT count(*) FROM cases_case")  # the application's tables: read and write
            for refused in (
                "UPDATE core_auditentry SET username = 'x'",
                "DELETE FROM core_auditentry",
                "TRUNCATE core_auditentry",
                "ALTER TABLE core_auditentry DISABLE TRIGGER ALL",
                "SET session_replication_role = replica",
                "DROP TRIGGER core_auditentry_chain ON core_auditentry",
            ):
                with pytest.raises(psycopg2.Error):
                    cursor.execute(refused)
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s", [app_role]
            )
            assert cursor.fetchone()[0] == 0  # owns nothing
    finally:
        conn.close()
    assert AuditEntry.objects.filter(pk=entry_id, username="app").exists()
    code, out = _verify()
    assert code == 0, out
