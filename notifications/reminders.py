"""Reminder sweeps: what is due is computed from the database, one query per rule, and each reminder
is written at most once per item, due date and recipient (unique dedupe key in PostgreSQL).

A sweep can run twice, overlap with another, crash half-way or be retried: the unique constraint
on (user, dedupe_key) with ``ignore_conflicts`` makes every insert idempotent. When the item is
done, the sweep marks its open reminders resolved.

This module is the registry and the runner; the rules belong to the apps whose data they read.
Each app lists its own in ``<app>/reminders.py`` with ``@reminder_rule("name")`` (and
``@reminder_resolver`` for marking done what was dealt with); ``NotificationsConfig.ready``
imports every app's ``reminders`` module, so notifications itself imports none of those apps.

Watermarks: each rule's last run is stored (``SweepWatermark``). A rule (or resolver) that takes a
``since`` argument is given it on a re-run and selects only what can have become due since: items
whose due date fell after ``since.today`` (the range the clock moved over) or whose rows were written
after ``since.changed_after``. ``since`` is None, and the rule looks at everything, on the first run,
when the clock went back, when ``full=True`` and once a day (``REMINDER_FULL_SWEEP_HOURS``), which
catches what no row's time shows (a user reactivated, a manager added, a rule's setting changed).
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BigIntegerField, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from accounts.roles import Role
from notifications.models import Notification, SweepWatermark

log = logging.getLogger(__name__)

# name -> (rule, which clock argument it takes: ``today=`` a date or ``now=`` a datetime)
RULES: dict[str, tuple[Callable[..., int], Literal["today", "now"]]] = {}
RESOLVERS: list[Callable[..., int]] = []


@dataclass(frozen=True)
class Since:
    """A rule's previous run: everything due by ``now`` was reminded then; rows written after
    ``changed_after`` may have changed what is due."""

    now: dt.datetime
    changed_after: dt.datetime

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)


def takes_since(function: Callable[..., Any]) -> bool:
    return "since" in inspect.signature(function).parameters


def reminder_rule(
    name: str, *, clock: Literal["today", "now"] = "today"
) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Register a rule: ``rule(today=date)`` (or ``rule(now=datetime)``) inserts what is due, returns how many."""

    def register(rule: Callable[..., int]) -> Callable[..., int]:
        RULES[name] = (rule, clock)
        return rule

    return register


def reminder_resolver(resolver: Callable[..., int]) -> Callable[..., int]:
    """Register ``resolver(open_reminders=QuerySet, now=datetime)``: resolves open reminders now dealt with."""
    RESOLVERS.append(resolver)
    return resolver


def insert_rows(rows: list[Notification]) -> int:
    """Insert what is not there yet; returns the number of reminders that were due (new or not)."""
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def active_managers(organisation_id: int | None = None) -> list[int]:
    """The managers told about what waits too long (referrals, overdue visits, caseload pace): of one
    organisation when ``organisation_id`` is given."""
    from accounts.models import User

    managers = User.objects.filter(role=Role.MANAGER, is_active=True)
    if organisation_id is not None:
        managers = managers.filter(organisation_id=organisation_id)
    return list(managers.values_list("pk", flat=True))


def insert_select(
    *,
    source: QuerySet,
    kind: str,
    text: Any,
    tokens: dict[str, str],
    link_name: str,
    object_type: str,
    key: str,
    user_column: str = "s.lead_worker_id",
    join: str = "",
    join_params: list[Any] | None = None,
    where: str = "",
    where_params: list[Any] | None = None,
) -> int:
    """INSERT ... SELECT ... ON CONFLICT DO NOTHING: the due set never leaves PostgreSQL.

    ``text`` is the translated message; each ``tokens`` placeholder (e.g. "%(n)s") is replaced in SQL by
    a column of the source. ``key`` is an SQL expression for the dedupe key. Only what is newly due
    is selected: rows whose reminder exists already are skipped by an anti-join on the unique
    (user, dedupe_key) index before any text is built (ON CONFLICT stays for concurrent sweeps).
    """
    sql, params = source.query.sql_with_params()
    condition = where.strip()
    if condition[:5].upper() == "WHERE":
        condition = condition[5:]
    from notifications.rendering import source_of

    # ``text`` rendered now (the stored fallback) and, for a lazy message, its msgid and parameters
    # so the inbox renders it in the reader's language.
    text_sql, text_params = "%s", [str(text)]
    for placeholder, column in tokens.items():
        text_sql = f"replace({text_sql}, %s, ({column})::text)"
        text_params.append(placeholder)
    message = source_of(text) if not isinstance(text, str) else ""
    params_sql, params_params = "jsonb_build_object(", []
    for n, (placeholder, column) in enumerate(tokens.items()):
        params_sql += f"{', ' if n else ''}%s::text, ({column})::text"
        params_params.append(placeholder.removeprefix("%(").removesuffix(")s"))
    params_sql += ")"
    link = reverse(link_name, args=[987654321]).replace("987654321", "{id}")
    # The fragments are the rules' own SQL (never user input); every value travels as a parameter.
    insert = f"""
        INSERT INTO notifications_notification
            (user_id, kind, text, message, params, link, object_type, object_id, created_at, dedupe_key)
        SELECT {user_column}, %s, {text_sql}, %s, {params_sql}, replace(%s, '{{id}}', s.pk::text), %s, s.pk::text,
            now(), {key}
        FROM ({sql}) AS s {join}
        WHERE ({condition or "TRUE"}) AND NOT EXISTS (
            SELECT 1 FROM notifications_notification AS seen
            WHERE seen.user_id = {user_column} AND seen.dedupe_key = {key}
        )
        ON CONFLICT (user_id, dedupe_key) DO NOTHING
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            insert,
            [
                kind,
                *text_params,
                message,
                *params_params,
                link,
                object_type,
                *params,
                *(join_params or []),
                *(where_params or []),
            ],
        )
        return cursor.rowcount


def reminded_object_pk() -> Cast:
    """For a resolver's subquery: the reminder's ``object_id`` (text) as the key of its item, cast to
    the ids' own type (bigint) so each probe is an index lookup on the item's primary key."""
    return Cast(OuterRef("object_id"), BigIntegerField())


def resolve_done(*, now: Any, since: Since | None = None) -> int:
    """Open reminders whose item was dealt with are resolved (set-based updates, one per resolver);
    a resolver that takes ``since`` looks only at items written after the previous run."""
    open_ = Notification.objects.filter(resolved_at__isnull=True)
    return sum(
        resolver(open_reminders=open_, now=now, **({"since": since} if takes_since(resolver) else {}))
        for resolver in RESOLVERS
    )


class SweepFailed(Exception):
    """One or more rules of a sweep failed (each was logged); the others ran and committed."""

    def __init__(self, failed: dict[str, BaseException], results: dict[str, int]) -> None:
        self.failed = failed
        self.results = results
        super().__init__("reminder rule(s) failed: " + ", ".join(f"{name}: {exc!r}" for name, exc in failed.items()))


def full_sweep_every() -> dt.timedelta:
    return dt.timedelta(hours=settings.SHOUHU.get("REMINDER_FULL_SWEEP_HOURS", 24))


def change_margin() -> dt.timedelta:
    """How long before a run's start a write may have begun and still committed after its snapshot."""
    return dt.timedelta(minutes=settings.SHOUHU.get("REMINDER_CHANGE_MARGIN_MINUTES", 10))


def since_for(mark: SweepWatermark | None, *, now: dt.datetime, full: bool = False) -> Since | None:
    """The ``since`` a rule is given, or None when it must look at everything."""
    if full or mark is None or mark.swept_through > now or mark.full_at < timezone.now() - full_sweep_every():
        return None
    return Since(now=mark.swept_through, changed_after=mark.changed_after)


def record_watermark(name: str, *, now: dt.datetime, started: dt.datetime, full: bool) -> None:
    """Store the run that is about to commit. ``started`` is the app's clock when the rule's transaction
    began: the rows the rules compare with it (``updated_at``, ``created_at``) are stamped by the same
    clock, so a clock moved by the tests, or a database host whose clock differs a little, cannot make a
    write fall between two runs (the margin reaches back over writes still in flight)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {SweepWatermark._meta.db_table} (rule, swept_through, changed_after, full_at)
            VALUES (%s, %s, %s, CASE WHEN %s THEN %s ELSE '-infinity'::timestamptz END)
            ON CONFLICT (rule) DO UPDATE SET
                swept_through = EXCLUDED.swept_through,
                changed_after = EXCLUDED.changed_after,
                full_at = GREATEST(EXCLUDED.full_at, {SweepWatermark._meta.db_table}.full_at)
            """,  # noqa: S608  (the model's own table)
            [name, now, started - change_margin(), full, started],
        )


def sweep(*, now: Any = None, full: bool = False) -> dict[str, int]:
    """Run every registered rule once; returns the count of each rule.

    Each rule is independent: one failing rolls back alone (its watermark with it) and does not stop
    the others. A failure is never swallowed: it is logged, and once every rule has run ``SweepFailed``
    is raised (the Celery task fails and is seen as failed), carrying the results of the rules that
    succeeded. ``full=True`` ignores the watermarks (every rule looks at everything).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    results: dict[str, int] = {}
    failed: dict[str, BaseException] = {}
    marks = {mark.rule: mark for mark in SweepWatermark.objects.all()}
    rules: dict[str, Callable[[Since | None], int]] = {
        name: (
            lambda since, rule=rule, arg=arg: rule(
                **{arg: today if arg == "today" else now}, **({"since": since} if takes_since(rule) else {})
            )
        )
        for name, (rule, arg) in RULES.items()
    }
    rules["resolved"] = lambda since: resolve_done(now=now, since=since)
    with override(settings.LANGUAGE_CODE):
        for name, rule in rules.items():
            since = since_for(marks.get(name), now=now, full=full)
            started = timezone.now()
            try:
                with transaction.atomic():  # a failing rule rolls back alone
                    results[name] = rule(since)
                    record_watermark(name, now=now, started=started, full=since is None)
            except Exception as exc:
                log.exception("reminder rule %s failed", name)
                failed[name] = exc
    if failed:
        raise SweepFailed(failed, results)
    return results
