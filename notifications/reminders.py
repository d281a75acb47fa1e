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
from django.db.models import Exists, IntegerField, OuterRef, Q
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


def visits_due(*, today: dt.date) -> int:
    """A home visit is due by risk level; a week overdue it is escalated to the managers too."""
    due = (
        with_due_dates(Case.objects.exclude(status=CaseStatus.CLOSED).filter(lead_worker__is_active=True), today=today)
        .filter(next_visit_due__lte=today)
        .values_list("pk", "number", "lead_worker_id", "next_visit_due")
    )
    managers = _managers()
    rows: list[Notification] = []
    for case_id, number, worker_id, due_on in due.iterator(chunk_size=5000):
        link = reverse("cases:detail", args=[case_id])
        rows.append(Notification(
            user_id=worker_id, kind="visit_due", link=link, object_type="case", object_id=str(case_id),
            text=_("Home visit due for case %(n)s (since %(d)s).") % {"n": number, "d": due_on},
            dedupe_key=f"visit:{case_id}:{due_on}",
        ))
        if today - due_on >= dt.timedelta(days=7):
            rows.extend(Notification(
                user_id=manager_id, kind="visit_overdue", link=link, object_type="case", object_id=str(case_id),
                text=_("Home visit for case %(n)s is more than a week overdue.") % {"n": number},
                dedupe_key=f"visit-overdue:{case_id}:{due_on}",
            ) for manager_id in managers)
    return _insert(rows)


def referrals_waiting(*, now: dt.datetime) -> int:
    limits = settings.SHOUHU["TRIAGE_LIMIT_HOURS"]
    late = Q()
    for urgency, hours in limits.items():
        late |= Q(urgency=urgency, received_at__lt=now - dt.timedelta(hours=hours))
    waiting = Referral.objects.filter(status=ReferralStatus.NEW).filter(late).values_list("pk", "reference")
    managers = _managers()
    rows = [
        Notification(user_id=manager_id, kind="referral_waiting", link=reverse("referrals:detail", args=[pk]),
                     object_type="referral", object_id=str(pk),
                     text=_("Referral %(r)s is waiting past its triage limit.") % {"r": reference},
                     dedupe_key=f"referral-waiting:{pk}")
        for pk, reference in waiting for manager_id in managers
    ]
    return _insert(rows)


def pledge_requests_unanswered(*, today: dt.date) -> int:
    waiting = PledgeRequest.objects.filter(
        status=PledgeRequestStatus.REQUESTED, requested_on__lte=today - dt.timedelta(days=7),
        requested_by__is_active=True,
    ).values_list("pk", "case_id", "requested_by_id", "pledge__member__name")
    rows = [
        Notification(user_id=worker_id, kind="pledge_unanswered", link=reverse("cases:detail", args=[case_id]),
                     object_type="pledge-request", object_id=str(pk),
                     text=_("%(m)s has not answered a request for a week.") % {"m": member},
                     dedupe_key=f"pledge-unanswered:{pk}")
        for pk, case_id, worker_id, member in waiting
    ]
    return _insert(rows)


def cases_quiet(*, today: dt.date) -> int:
    recent = Activity.objects.filter(case=OuterRef("pk"), date__gt=today - dt.timedelta(days=30))
    quiet = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(lead_worker__is_active=True, opened_on__lte=today - dt.timedelta(days=30))
        .exclude(Exists(recent))
        .values_list("pk", "number", "lead_worker_id")
    )
    month = today.strftime("%Y-%m")
    rows = [
        Notification(user_id=worker_id, kind="case_quiet", link=reverse("cases:detail", args=[pk]), object_type="case",
                     object_id=str(pk), text=_("Case %(n)s has had no activity for 30 days.") % {"n": number},
                     dedupe_key=f"quiet:{pk}:{month}")
        for pk, number, worker_id in quiet.iterator(chunk_size=5000)
    ]
    return _insert(rows)


def resolve_done(*, now: dt.datetime) -> int:
    """Open reminders whose item was dealt with are resolved (set-based updates)."""
    open_ = Notification.objects.filter(resolved_at__isnull=True)
    case_id = Cast(OuterRef("object_id"), IntegerField())
    resolved = 0
    resolved += open_.filter(kind__in=["visit_due", "visit_overdue"]).filter(Exists(Activity.objects.filter(
        case_id=case_id, kind=ActivityKind.HOME_VISIT, created_at__gte=OuterRef("created_at")))).update(resolved_at=now)
    resolved += open_.filter(kind="referral_waiting").exclude(Exists(Referral.objects.filter(
        pk=case_id, status=ReferralStatus.NEW))).update(resolved_at=now)
    resolved += open_.filter(kind="pledge_unanswered").exclude(Exists(PledgeRequest.objects.filter(
        pk=case_id, status=PledgeRequestStatus.REQUESTED))).update(resolved_at=now)
    return resolved


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every rule once. Each rule is independent: one failing does not stop the others."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    results: dict[str, Any] = {}
    rules = {
        "visits_due": lambda: visits_due(today=today),
        "referrals_waiting": lambda: referrals_waiting(now=now),
        "pledge_requests_unanswered": lambda: pledge_requests_unanswered(today=today),
        "cases_quiet": lambda: cases_quiet(today=today),
        "resolved": lambda: resolve_done(now=now),
    }
    with override(settings.LANGUAGE_CODE):
        for name, rule in rules.items():
            try:
                results[name] = rule()
            except Exception:
                log.exception("reminder rule %s failed", name)
                results[name] = -1
    return results
