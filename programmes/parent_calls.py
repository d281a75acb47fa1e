"""The remote family window: a left-behind child's weekly call with their migrant parents.

Writes (``*_record``, ``*_set``) are audited services; ``weekly_calls`` is the selector behind the
"missed this week" list. A conflict the call reveals becomes a care-plan action on the case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, CaseStatus
from core.audit import audit_log
from core.models import AuditAction
from core.services import model_create
from programmes.models import CallKind, CallTarget, ParentCall

DEFAULT_PER_WEEK = 1
FOLLOW_UP_DAYS = 7


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week holding ``day``."""
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def _follow_up(*, actor: User, case: Case, call: ParentCall) -> Any:
    """The conflict becomes an action on the current care plan (a flag on the case when it has no plan)."""
    from cases.models import CarePlan
    from cases.services import flag_add
    from cases.services.casework import careplan_action_add

    text = _("Follow up the family conflict from the parent–child call of %(d)s: %(t)s") % {
        "d": call.date.isoformat(),
        "t": call.conflict_note,
    }
    plan = CarePlan.objects.filter(case=case, is_current=True).first()
    if plan is None:
        flag_add(actor=actor, case=case, message=text[:300], due_on=call.date + dt.timedelta(days=FOLLOW_UP_DAYS))
        return None
    return careplan_action_add(
        actor=actor,
        plan=plan,
        description=text[:300],
        actor_kind="social_worker",
        actor_name=str(case.lead_worker or "")[:100],
        due_on=max(call.date, timezone.localdate()) + dt.timedelta(days=FOLLOW_UP_DAYS),
    )


@transaction.atomic
def parent_call_record(
    *,
    actor: User,
    case: Case,
    date: dt.date,
    kind: str = CallKind.VIDEO,
    duration_minutes: int = 0,
    held: bool = True,
    arranged_by: str = "",
    participants: str = "",
    note: str = "",
    conflict_note: str = "",
) -> ParentCall:
    """A call held (or arranged and missed). The caller has checked the actor may change the case."""
    if kind not in CallKind.values:
        raise ValidationError({"kind": _("Choose video or voice.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if not (0 <= duration_minutes <= 24 * 60):
        raise ValidationError({"duration_minutes": _("Minutes must be between 0 and 1440.")})
    if held and duration_minutes == 0:
        raise ValidationError({"duration_minutes": _("A call that was held lasted at least a minute.")})
    call = ParentCall(
        case=case,
        date=date,
        kind=kind,
        duration_minutes=duration_minutes if held else 0,
        held=held,
        arranged_by=arranged_by.strip()[:100],
        participants=participants.strip()[:300],
        note=note.strip()[:5000],
        conflict_note=conflict_note.strip()[:2000],
        recorded_by=actor,
    )
    model_create(actor=actor, obj=call, detail={"case": case.pk, "held": held})
    if call.conflict_note:
        action = _follow_up(actor=actor, case=case, call=call)
        if action is not None:
            call.follow_up_action = action
            call.save(update_fields=["follow_up_action", "updated_at"])
    return call


@transaction.atomic
def call_target_set(*, actor: User, case: Case, per_week: int) -> CallTarget:
    if not (0 <= per_week <= 14):
        raise ValidationError({"per_week": _("Between 0 and 14 calls a week.")})
    target, _created = CallTarget.objects.update_or_create(case=case, defaults={"per_week": per_week})
    audit_log(action=AuditAction.UPDATE, user=actor, obj=target, detail={"case": case.pk, "per_week": per_week})
    return target


def calls_visible_to(user: Any) -> QuerySet[ParentCall]:
    from cases.permissions import cases_visible_to

    return ParentCall.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related("case")


@dataclass
class WeekRow:
    case: Case
    target: int
    held: int

    @property
    def missed(self) -> int:
        return max(0, self.target - self.held)


def weekly_target_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Open cases with a weekly call target: an explicit one, else 1 for a left-behind child (0: none)."""
    explicit = CallTarget.objects.filter(case=OuterRef("pk")).values("per_week")[:1]
    default = Q(child__left_behind=True)
    return (
        cases.exclude(status=CaseStatus.CLOSED)
        .annotate(weekly_target=Subquery(explicit))
        .filter(Q(weekly_target__gt=0) | (Q(weekly_target__isnull=True) & default))
    )


def weekly_calls(cases: QuerySet[Case], *, week_start: dt.date) -> list[WeekRow]:
    """Each child's calls held in the week against their target (one query)."""
    week_end = week_start + dt.timedelta(days=6)
    rows = (
        weekly_target_cases(cases)
        .annotate(
            held_calls=Count(
                "parent_calls",
                filter=Q(parent_calls__held=True, parent_calls__date__gte=week_start, parent_calls__date__lte=week_end),
            )
        )
        .select_related("child", "lead_worker")
        .order_by("child__name", "pk")
    )
    rows_out = []
    for case in rows:
        target = getattr(case, "weekly_target", None)
        rows_out.append(WeekRow(case, DEFAULT_PER_WEEK if target is None else target, case.held_calls))
    return rows_out


def missed_this_week(cases: QuerySet[Case], *, week_start: dt.date) -> list[WeekRow]:
    return [row for row in weekly_calls(cases, week_start=week_start) if row.missed]
