"""Reminder sweeps: what is due is computed from the database, one query per rule, and each reminder
is written at most once per item, due date and recipient (unique dedupe key in PostgreSQL).

A sweep can run twice, overlap with another, crash half-way or be retried: the unique constraint
on (user, dedupe_key) with ``ignore_conflicts`` makes every insert idempotent. When the item is
done, the sweep marks its open reminders resolved.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Role, User
from cases.models import Activity, ActivityKind, Case, CaseStatus
from cases.selectors import with_due_dates
from notifications.models import Notification
from referrals.models import Referral, ReferralStatus
from resources.models import PledgeRequest, PledgeRequestStatus

log = logging.getLogger(__name__)


def _insert(rows: list[Notification]) -> int:
    """Insert what is not there yet; returns the number of reminders that were due (new or not)."""
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def _managers() -> list[int]:
    return list(User.objects.filter(role__in=[Role.MANAGER], is_active=True).values_list("pk", flat=True))


def _insert_select(
    *,
    source: QuerySet,
    kind: str,
    text: str,
    tokens: dict[str, str],
    link_name: str,
    object_type: str,
    key: str,
    user_column: str = "s.lead_worker_id",
    join: str = "",
    where: str = "",
    where_params: list[Any] | None = None,
) -> int:
    """INSERT ... SELECT ... ON CONFLICT DO NOTHING: the due set never leaves PostgreSQL.

    ``text`` is the translated message; each ``tokens`` placeholder (e.g. "%(n)s") is replaced in SQL by
    a column of the source. ``key`` is an SQL expression for the dedupe key.
    """
    sql, params = source.query.sql_with_params()
    text_sql, text_params = "%s", [text]
    for placeholder, column in tokens.items():
        text_sql = f"replace({text_sql}, %s, ({column})::text)"
        text_params.append(placeholder)
    link = reverse(link_name, args=[987654321]).replace("987654321", "{id}")
    insert = f"""
        INSERT INTO notifications_notification
            (user_id, kind, text, link, object_type, object_id, created_at, dedupe_key)
        SELECT {user_column}, %s, {text_sql}, replace(%s, '{{id}}', s.pk::text), %s, s.pk::text, now(), {key}
        FROM ({sql}) AS s {join} {where}
        ON CONFLICT (user_id, dedupe_key) DO NOTHING
    """
    with connection.cursor() as cursor:
        cursor.execute(insert, [kind, *text_params, link, object_type, *params, *(where_params or [])])
        return cursor.rowcount


def visits_due(*, today: dt.date) -> int:
    """A home visit is due by risk level; a week overdue it is escalated to the managers too."""
    due = (
        with_due_dates(Case.objects.exclude(status=CaseStatus.CLOSED).filter(lead_worker__is_active=True), today=today)
        .filter(next_visit_due__lte=today)
        .values("pk", "number", "lead_worker_id", "next_visit_due")
    )
    inserted = _insert_select(
        source=due,
        kind="visit_due",
        text=_("Home visit due for case %(n)s (since %(d)s)."),
        tokens={"%(n)s": "s.number", "%(d)s": "s.next_visit_due"},
        link_name="cases:detail",
        object_type="case",
        key="'visit:' || s.pk || ':' || s.next_visit_due",
    )
    inserted += _insert_select(
        source=due,
        kind="visit_overdue",
        text=_("Home visit for case %(n)s is more than a week overdue."),
        tokens={"%(n)s": "s.number"},
        link_name="cases:detail",
        object_type="case",
        key="'visit-overdue:' || s.pk || ':' || s.next_visit_due",
        user_column="m.id",
        join="CROSS JOIN (SELECT id FROM accounts_user WHERE role = 'manager' AND is_active) AS m",
        where="WHERE s.next_visit_due <= %s",
        where_params=[today - dt.timedelta(days=7)],
    )
    return inserted


def referrals_waiting(*, now: dt.datetime) -> int:
    limits = settings.SHOUHU["TRIAGE_LIMIT_HOURS"]
    late = Q()
    for urgency, hours in limits.items():
        late |= Q(urgency=urgency, received_at__lt=now - dt.timedelta(hours=hours))
    waiting = Referral.objects.filter(status=ReferralStatus.NEW).filter(late).values_list("pk", "reference")
    managers = _managers()
    rows = [
        Notification(
            user_id=manager_id,
            kind="referral_waiting",
            link=reverse("referrals:detail", args=[pk]),
            object_type="referral",
            object_id=str(pk),
            text=_("Referral %(r)s is waiting past its triage limit.") % {"r": reference},
            dedupe_key=f"referral-waiting:{pk}",
        )
        for pk, reference in waiting
        for manager_id in managers
    ]
    return _insert(rows)


def pledge_requests_unanswered(*, today: dt.date) -> int:
    waiting = PledgeRequest.objects.filter(
        status=PledgeRequestStatus.REQUESTED,
        requested_on__lte=today - dt.timedelta(days=7),
        requested_by__is_active=True,
    ).values_list("pk", "case_id", "requested_by_id", "pledge__member__name")
    rows = [
        Notification(
            user_id=worker_id,
            kind="pledge_unanswered",
            link=reverse("cases:detail", args=[case_id]),
            object_type="pledge-request",
            object_id=str(pk),
            text=_("%(m)s has not answered a request for a week.") % {"m": member},
            dedupe_key=f"pledge-unanswered:{pk}",
        )
        for pk, case_id, worker_id, member in waiting
    ]
    return _insert(rows)


def cases_quiet(*, today: dt.date) -> int:
    recent = Activity.objects.filter(case=OuterRef("pk"), date__gt=today - dt.timedelta(days=30))
    quiet = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(lead_worker__is_active=True, opened_on__lte=today - dt.timedelta(days=30))
        .exclude(Exists(recent))
        .values("pk", "number", "lead_worker_id")
    )
    return _insert_select(
        source=quiet,
        kind="case_quiet",
        text=_("Case %(n)s has had no activity for 30 days."),
        tokens={"%(n)s": "s.number"},
        link_name="cases:detail",
        object_type="case",
        key=f"'quiet:' || s.pk || ':{today:%Y-%m}'",
    )


def care_plans_due(*, today: dt.date) -> int:
    """Care plan reviews and plan actions reaching their due date → the lead worker."""
    from cases.models_work import ActionStatus, CarePlan, CarePlanAction

    reviews = (
        CarePlan.objects.filter(is_current=True, review_on__lte=today, case__lead_worker__is_active=True)
        .exclude(case__status=CaseStatus.CLOSED)
        .values_list("pk", "case_id", "case__number", "case__lead_worker_id", "review_on")
    )
    rows = [
        Notification(
            user_id=worker,
            kind="plan_review",
            link=reverse("cases:detail", args=[case_id]),
            object_type="case",
            object_id=str(case_id),
            text=_("The care plan of case %(n)s is due for review (%(d)s).") % {"n": number, "d": due},
            dedupe_key=f"plan-review:{pk}:{due}",
        )
        for pk, case_id, number, worker, due in reviews
    ]
    actions = (
        CarePlanAction.objects.filter(
            plan__is_current=True,
            due_on__lte=today,
            status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
            plan__case__lead_worker__is_active=True,
        )
        .exclude(plan__case__status=CaseStatus.CLOSED)
        .values_list("pk", "plan__case_id", "plan__case__number", "plan__case__lead_worker_id", "due_on")
    )
    rows += [
        Notification(
            user_id=worker,
            kind="plan_action_due",
            link=reverse("cases:detail", args=[case_id]),
            object_type="case",
            object_id=str(case_id),
            text=_("A care plan action of case %(n)s is due (%(d)s).") % {"n": number, "d": due},
            dedupe_key=f"plan-action:{pk}:{due}",
        )
        for pk, case_id, number, worker, due in actions
    ]
    return _insert(rows)


def directors_without_meeting(*, today: dt.date) -> int:
    """In the last week of the month: WF directors with no meeting this month → their responsible worker."""
    import calendar

    from alliance.models import Event, EventKind, Member, Sector

    last_day = calendar.monthrange(today.year, today.month)[1]
    if today.day <= last_day - 7:
        return 0
    month_start = today.replace(day=1)
    met = Event.objects.filter(
        kind=EventKind.DIRECTOR_MEETING, date__gte=month_start, date__lte=today, members=OuterRef("pk")
    )
    missing = (
        Member.objects.filter(sector=Sector.WF_DIRECTOR, is_active=True, responsible_worker__is_active=True)
        .exclude(Exists(met))
        .values_list("pk", "name", "responsible_worker_id")
    )
    rows = [
        Notification(
            user_id=worker,
            kind="director_meeting_due",
            link=reverse("alliance:events"),
            object_type="member",
            object_id=str(pk),
            text=_("No monthly meeting with %(m)s yet this month.") % {"m": name},
            dedupe_key=f"director-meeting:{pk}:{today:%Y-%m}",
        )
        for pk, name, worker in missing
    ]
    return _insert(rows)


def caseload_pace(*, today: dt.date) -> int:
    """Monthly, to managers: a running contract whose cases lag behind its target pro rata."""
    from core.models import Contract

    rows: list[Notification] = []
    managers = _managers()
    for contract in Contract.objects.filter(start__lte=today, end__gte=today):
        days = max(1, (contract.end - contract.start).days)
        expected = contract.caseload_target * (today - contract.start).days / days
        opened = Case.objects.filter(contract=contract).count()
        if opened + 1 <= expected:
            rows += [
                Notification(
                    user_id=manager_id,
                    kind="caseload_pace",
                    link=reverse("cases:caseload"),
                    object_type="contract",
                    object_id=str(contract.pk),
                    text=_("%(c)s: %(n)s cases so far, %(e)s expected by now against the target %(t)s.")
                    % {"c": contract.name, "n": opened, "e": int(expected), "t": contract.caseload_target},
                    dedupe_key=f"pace:{contract.pk}:{today:%Y-%m}",
                )
                for manager_id in managers
            ]
    return _insert(rows)


def resolve_done(*, now: dt.datetime) -> int:
    """Open reminders whose item was dealt with are resolved (set-based updates)."""
    open_ = Notification.objects.filter(resolved_at__isnull=True)
    case_id = Cast(OuterRef("object_id"), IntegerField())
    resolved = 0
    resolved += (
        open_.filter(kind__in=["visit_due", "visit_overdue"])
        .filter(
            Exists(
                Activity.objects.filter(
                    case_id=case_id, kind=ActivityKind.HOME_VISIT, created_at__gte=OuterRef("created_at")
                )
            )
        )
        .update(resolved_at=now)
    )
    resolved += (
        open_.filter(kind="referral_waiting")
        .exclude(Exists(Referral.objects.filter(pk=case_id, status=ReferralStatus.NEW)))
        .update(resolved_at=now)
    )
    resolved += (
        open_.filter(kind="pledge_unanswered")
        .exclude(Exists(PledgeRequest.objects.filter(pk=case_id, status=PledgeRequestStatus.REQUESTED)))
        .update(resolved_at=now)
    )
    return resolved


class SweepFailed(Exception):
    """One or more rules of a sweep failed (each was logged); the others ran and committed."""

    def __init__(self, failed: dict[str, BaseException], results: dict[str, int]) -> None:
        self.failed = failed
        self.results = results
        super().__init__("reminder rule(s) failed: " + ", ".join(f"{name}: {exc!r}" for name, exc in failed.items()))


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every rule once; returns the count of each rule.

    Each rule is independent: one failing rolls back alone and does not stop the others. A failure is
    never swallowed: it is logged, and once every rule has run ``SweepFailed`` is raised (the Celery task
    fails and is seen as failed), carrying the results of the rules that succeeded.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    results: dict[str, int] = {}
    failed: dict[str, BaseException] = {}
    rules = {
        "visits_due": lambda: visits_due(today=today),
        "referrals_waiting": lambda: referrals_waiting(now=now),
        "pledge_requests_unanswered": lambda: pledge_requests_unanswered(today=today),
        "cases_quiet": lambda: cases_quiet(today=today),
        "care_plans_due": lambda: care_plans_due(today=today),
        "directors_without_meeting": lambda: directors_without_meeting(today=today),
        "caseload_pace": lambda: caseload_pace(today=today),
        "resolved": lambda: resolve_done(now=now),
    }
    with override(settings.LANGUAGE_CODE):
        for name, rule in rules.items():
            try:
                with transaction.atomic():  # a failing rule rolls back alone
                    results[name] = rule()
            except Exception as exc:
                log.exception("reminder rule %s failed", name)
                failed[name] = exc
    if failed:
        raise SweepFailed(failed, results)
    return results
