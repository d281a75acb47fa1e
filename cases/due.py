"""The case's stored last home visit and next visit due: one formula, one place.

    last_home_visit = the latest home visit's date (None if there was none)
    next_visit_due  = (last_home_visit or opened_on) + the visit interval of the case's risk level

The case and activity services call ``refresh_due_dates`` after every write that can change
either; the count of open flags is kept by ``refresh_open_flags`` on every flag save or delete; ``drifted_case_ids`` / ``repair_due_dates`` (command ``repair_due_dates``) find and fix
anything written around them (a bulk import, an admin edit, a changed interval setting).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

HOME_VISIT = "home_visit"


def visit_interval_days() -> SqlCase:
    days = settings.SHOUHU["VISIT_INTERVAL_DAYS"]
    return SqlCase(
        *[When(risk_level=level, then=Value(n)) for level, n in days.items()],
        default=Value(30),
        output_field=IntegerField(),
    )


def interval_for(risk_level: str) -> int:
    return settings.SHOUHU["VISIT_INTERVAL_DAYS"].get(risk_level, 30)


def _open_flags(flag_model: Any) -> Any:
    return Coalesce(
        Subquery(
            flag_model.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True)
            .order_by()
            .values("case")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _expressions(case_model: Any, activity_model: Any) -> dict[str, Any]:
    last = Subquery(
        activity_model.objects.filter(case=OuterRef("pk"), kind=HOME_VISIT).order_by("-date").values("date")[:1],
        output_field=DateField(),
    )
    return {
        "computed_last": last,
        "computed_due": ExpressionWrapper(
            Coalesce(last, F("opened_on")) + visit_interval_days(), output_field=DateField()
        ),
    }


def _models() -> tuple[Any, Any]:
    from cases.models import Activity, Case

    return Case, Activity


def refresh_open_flags(case_ids: Iterable[int] | QuerySet | None = None, *, flag_model: Any = None) -> int:
    """Recompute the stored count of open flags (called on every flag save and delete)."""
    from cases.models import Case, CaseFlag

    cases = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=case_ids)
    return cases.update(open_flag_count=_open_flags(flag_model or CaseFlag))


def refresh_due_dates(
    case_ids: Iterable[int] | QuerySet | None = None, *, models: tuple[Any, Any] | None = None
) -> int:
    """Recompute the stored dates of these cases (all when None) in one UPDATE; returns rows touched.

    ``updated_at`` moves with them: the reminder sweep's re-run finds a case whose visit became due
    again by it (``notifications.reminders``' watermark)."""
    case_model, activity_model = models or _models()
    cases = case_model.objects.all()
    if case_ids is not None:
        cases = cases.filter(pk__in=case_ids)
    expr = _expressions(case_model, activity_model)
    return cases.update(
        last_home_visit=expr["computed_last"], next_visit_due=expr["computed_due"], updated_at=timezone.now()
    )


def drifted_case_ids(*, limit: int | None = None) -> list[int]:
    """Cases whose stored dates or open-flag count differ from what the activities and flags say."""
    from cases.models import CaseFlag

    case_model, activity_model = _models()
    expr = _expressions(case_model, activity_model)
    never = Value(dt.date.min, output_field=DateField())
    drift = (
        case_model.objects.annotate(
            stored_last=Coalesce("last_home_visit", never),
            stored_due=Coalesce("next_visit_due", never),
            computed_flags=_open_flags(CaseFlag),
            **expr,
        )
        .annotate(computed_last_or_never=Coalesce("computed_last", never))
        .filter(
            ~Q(stored_last=F("computed_last_or_never"))
            | ~Q(stored_due=F("computed_due"))
            | ~Q(open_flag_count=F("computed_flags"))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(drift[:limit] if limit else drift)


def repair_due_dates() -> int:
    """Fix every drifted case; returns how many were wrong."""
    ids = drifted_case_ids()
    for start in range(0, len(ids), 10_000):
        refresh_due_dates(ids[start : start + 10_000])
        refresh_open_flags(ids[start : start + 10_000])
    return len(ids)
