"""Retention (issue 15): a closed case file is anonymised once it is no longer needed — by default
when the child turns 18 plus 5 years, or 5 years after closure if that is later
(``SHOUHU["RETENTION"]``). What identifies the child or the family goes (names, ID and phone
numbers, free text, documents); what the reports count stays (dates, place, sex, birth date,
categories, risk, activities' kinds, dates and durations), so the figures of past periods do not
change. Each anonymised file gets one audit row; the task is idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import (
    Activity,
    Assessment,
    CarePlan,
    CarePlanAction,
    Case,
    CaseDocument,
    CaseFlag,
    CaseStatus,
    Child,
    ClosureRequest,
    Entitlement,
    HouseholdMember,
)
from core.audit import audit_log
from core.models import AuditAction

ANONYMISED = "（已匿名）"


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention_ends(case: Case, child: Child) -> dt.date | None:
    """The day a closed case may be anonymised (None while it is open)."""
    if case.status != CaseStatus.CLOSED or case.closed_on is None:
        return None
    rules: dict[str, Any] = settings.SHOUHU.get("RETENTION", {})
    after_closure = _years_after(case.closed_on, int(rules.get("YEARS_AFTER_CLOSURE", 5)))
    if child.birth_date is None:
        return after_closure
    after_adulthood = _years_after(child.birth_date, 18 + int(rules.get("YEARS_AFTER_18", 5)))
    return max(after_closure, after_adulthood)


def cases_due_for_anonymising(today: dt.date) -> list[int]:
    """Closed, not yet anonymised, past retention — and no open case on the same child."""
    candidates = (
        Case.objects.filter(status=CaseStatus.CLOSED, anonymised_at__isnull=True, closed_on__isnull=False)
        .exclude(child__cases__status__in=[s for s in CaseStatus.values if s != CaseStatus.CLOSED])
        .select_related("child")
    )
    # a coarse filter in SQL (closed at least the shorter period ago), the exact rule in Python
    years = int(settings.SHOUHU.get("RETENTION", {}).get("YEARS_AFTER_CLOSURE", 5))
    candidates = candidates.filter(closed_on__lte=_years_after(today, -years))
    return [c.pk for c in candidates.iterator() if (end := retention_ends(c, c.child)) is not None and end <= today]


@transaction.atomic
def case_anonymise(*, case_id: int, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    case = Case.objects.select_for_update().select_related("child").get(pk=case_id)
    end = retention_ends(case, case.child)
    if case.anonymised_at is not None or end is None or end > today:
        return False
    child = case.child
    Child.objects.filter(pk=child.pk).update(name=ANONYMISED, id_number="", grade="", search_key="")
    HouseholdMember.objects.filter(child=child).delete()
    Activity.objects.filter(case=case).update(summary=ANONYMISED, participants="")
    Assessment.objects.filter(case=case).update(
        safety_notes="",
        health_notes="",
        education_notes="",
        economic_notes="",
        psychological_notes="",
        family_notes="",
        summary="",
        review_comment="",
    )
    CarePlan.objects.filter(case=case).update(goals=ANONYMISED)
    CarePlanAction.objects.filter(plan__case=case).update(description=ANONYMISED, actor_name="")
    ClosureRequest.objects.filter(case=case).update(reason=ANONYMISED, outcome="", comment="")
    CaseFlag.objects.filter(case=case).update(message=ANONYMISED)
    Entitlement.objects.filter(case=case).update(note="")
    for document in CaseDocument.objects.filter(case=case):
        document.file.delete(save=False)
        document.delete()
    case.history.all().update(closure_reason=ANONYMISED)
    Case.objects.filter(pk=case.pk).update(closure_reason=ANONYMISED, household_label="", anonymised_at=timezone.now())
    for hook in ANONYMISE_HOOKS:  # other apps' copies (the referral that opened the case, …)
        hook(case)
    audit_log(action=AuditAction.UPDATE, user=None, obj=case, detail={"retention": "anonymised"})
    return True


# Apps above cases register what they keep about a case: hook(case) blanks it.
ANONYMISE_HOOKS: list[Any] = []


def retention_sweep(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return sum(case_anonymise(case_id=pk, today=today) for pk in cases_due_for_anonymising(today))
