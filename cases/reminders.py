"""The cases app's reminders: home visits due by risk level, quiet cases, care plan reviews and
actions due, and a contract's caseload lagging behind its target (registered with notifications)."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.roles import Role
from cases.choices import CaseStatus
from cases.models import Activity, ActivityKind, Case
from cases.models.casework import ActionStatus, CarePlan, CarePlanAction
from core.models import Contract
from notifications.models import Notification
from notifications.reminders import (
    Since,
    active_managers,
    insert_rows,
    insert_select,
    reminded_object_pk,
    reminder_resolver,
    reminder_rule,
)
from notifications.rendering import worded


@reminder_rule("visits_due")
def visits_due(*, today: dt.date, since: Since | None = None) -> int:
    """A home visit is due by risk level; a week overdue it is escalated to the managers too.

    On a re-run (``since``) only cases whose due date the clock has passed since, or that were
    written since (a visit recorded, the risk level, the lead worker or the status changed), are read.
    """
    # The next visit due is stored on the case and indexed (open cases): no per-case subquery.
    due = Case.objects.exclude(status=CaseStatus.CLOSED).filter(lead_worker__is_active=True, next_visit_due__lte=today)
    overdue = due.filter(next_visit_due__lte=today - dt.timedelta(days=7))
    if since is not None:
        changed = Q(updated_at__gt=since.changed_after)
        due = due.filter(Q(next_visit_due__gt=since.today) | changed)
        overdue = overdue.filter(Q(next_visit_due__gt=since.today - dt.timedelta(days=7)) | changed)
    columns = ("pk", "number", "lead_worker_id", "next_visit_due", "organisation_id")
    inserted = insert_select(
        source=due.values(*columns),
        kind="visit_due",
        text=gettext_lazy("Home visit due for case %(n)s (since %(d)s)."),
        tokens={"%(n)s": "s.number", "%(d)s": "s.next_visit_due"},
        link_name="cases:detail",
        object_type="case",
        key="'visit:' || s.pk || ':' || s.next_visit_due",
    )
    inserted += insert_select(
        source=overdue.values(*columns),
        kind="visit_overdue",
        text=gettext_lazy("Home visit for case %(n)s is more than a week overdue."),
        tokens={"%(n)s": "s.number"},
        link_name="cases:detail",
        object_type="case",
        key="'visit-overdue:' || s.pk || ':' || s.next_visit_due",
        user_column="m.id",
        # The case's own organisation's managers only.
        join="JOIN (SELECT id, organisation_id FROM accounts_user WHERE role = %s AND is_active) AS m"
        " ON m.organisation_id = s.organisation_id",
        join_params=[Role.MANAGER],
    )
    return inserted


@reminder_rule("cases_quiet")
def cases_quiet(*, today: dt.date, since: Since | None = None) -> int:
    """No activity for 30 days, once a month per case. A re-run on the same day reads only the cases
    written since (reopened, reassigned); when the day moved, every open case is read again (which
    case's last activity crossed the 30 days is not indexed)."""
    recent = Activity.objects.filter(case=OuterRef("pk"), date__gt=today - dt.timedelta(days=30))
    quiet = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(lead_worker__is_active=True, opened_on__lte=today - dt.timedelta(days=30))
        .exclude(Exists(recent))
    )
    if since is not None and since.today == today:
        quiet = quiet.filter(updated_at__gt=since.changed_after)
    return insert_select(
        source=quiet.values("pk", "number", "lead_worker_id"),
        kind="case_quiet",
        text=gettext_lazy("Case %(n)s has had no activity for 30 days."),
        tokens={"%(n)s": "s.number"},
        link_name="cases:detail",
        object_type="case",
        key=f"'quiet:' || s.pk || ':{today:%Y-%m}'",
    )


PLAN_REVIEW = gettext_noop("The care plan of case %(n)s is due for review (%(d)s).")
PLAN_ACTION = gettext_noop("A care plan action of case %(n)s is due (%(d)s).")


@reminder_rule("care_plans_due")
def care_plans_due(*, today: dt.date) -> int:
    """Care plan reviews and plan actions reaching their due date → the lead worker."""
    reviews = (
        CarePlan.objects.filter(is_current=True, review_on__lte=today, case__lead_worker__is_active=True)
        .exclude(case__status=CaseStatus.CLOSED)
        .values_list("pk", "case_id", "case__number", "case__lead_worker_id", "review_on")
    )
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
    due = [
        ("plan_review", PLAN_REVIEW, "plan-review", reviews),
        ("plan_action_due", PLAN_ACTION, "plan-action", actions),
    ]
    rows = [
        Notification(
            user_id=worker,
            kind=kind,
            link=reverse("cases:detail", args=[case_id]),
            object_type="case",
            object_id=str(case_id),
            **worded(gettext_lazy(message), {"n": number, "d": str(due_on)}),
            dedupe_key=f"{key}:{pk}:{due_on}",
        )
        for kind, message, key, found in due
        for pk, case_id, number, worker, due_on in found
    ]
    return insert_rows(rows)


@reminder_rule("caseload_pace")
def caseload_pace(*, today: dt.date) -> int:
    """Monthly, to managers: a running contract whose cases lag behind its target pro rata."""
    rows: list[Notification] = []
    for contract in Contract.objects.filter(start__lte=today, end__gte=today):
        managers = active_managers(contract.organisation_id)
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
                    **worded(
                        gettext_lazy("%(c)s: %(n)s cases so far, %(e)s expected by now against the target %(t)s."),
                        {"c": contract.name, "n": opened, "e": int(expected), "t": contract.caseload_target},
                    ),
                    dedupe_key=f"pace:{contract.pk}:{today:%Y-%m}",
                )
                for manager_id in managers
            ]
    return insert_rows(rows)


@reminder_resolver
def visits_done(*, open_reminders: QuerySet[Notification], now: dt.datetime, since: Since | None = None) -> int:
    """A home visit recorded after the reminder resolves it. On a re-run only the reminders of cases
    written since are read (recording a home visit writes the case's stored dates)."""
    visited = Activity.objects.filter(
        case_id=reminded_object_pk(), kind=ActivityKind.HOME_VISIT, created_at__gte=OuterRef("created_at")
    )
    reminders = open_reminders.filter(kind__in=["visit_due", "visit_overdue"])
    if since is not None:
        written = Case.objects.filter(updated_at__gt=since.changed_after).annotate(key=Cast("pk", CharField()))
        reminders = reminders.filter(object_id__in=written.values("key"))
    return reminders.filter(Exists(visited)).update(resolved_at=now)
