"""Group-services figures for the funder report and the dashboard: database aggregates, counts only.

The five keys ``programmes, sessions, children_reached, attendances, parent_child_calls`` are fixed by
shared/api-v1.md; the others are added (the contract allows more keys).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum

from cases.models import Case
from core.figure_scope import EVERYTHING, FigureScope
from core.models import Contract
from programmes.models import ParentCall, ProgrammeKind, ProgrammeSession
from programmes.roster import outside_figures
from programmes.selectors import tutor_minutes
from programmes.stock import distributed_figures

SUPPRESS_BELOW = 3
# Figures that count people or things that could point at a child; averages, hours and money are not counts.
NOT_COUNTS = {"average_attendance", "tutor_hours", "goods_value", "parent_child_calls_pct"}


def _one_decimal(value: Decimal | float) -> float:
    return float(Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _weeks(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The Monday–Sunday weeks whose Monday falls in the period."""
    monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    weeks = []
    while monday <= end:
        weeks.append((monday, monday + dt.timedelta(days=6)))
        monday += dt.timedelta(days=7)
    return weeks


def calls_target(
    start: dt.date, end: dt.date, contract: Contract | None = None, *, scope: FigureScope = EVERYTHING
) -> int:
    """Calls due in the period: each week, every open case's weekly target (1 for a left-behind child).

    The target is joined (one LEFT JOIN, not a subquery per case and per condition) and each case's weeks
    are counted by bisection over the period's sorted weeks, not by walking them."""
    cases = (
        Case.objects.filter(opened_on__lte=end)
        .filter(scope.cases())
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .annotate(weekly_target=F("call_target__per_week"))
        .filter(Q(weekly_target__gt=0) | Q(weekly_target__isnull=True, child__left_behind=True))
    )
    if contract is not None:
        cases = cases.filter(contract=contract)
    weeks = _weeks(start, end)
    mondays, sundays = [mon for mon, _sun in weeks], [sun for _mon, sun in weeks]
    total = 0
    for opened_on, closed_on, target in cases.values_list("opened_on", "closed_on", "weekly_target"):
        per_week = 1 if target is None else target
        # weeks ending on or after the opening, less those starting after the closing
        open_weeks = len(weeks) - bisect_left(sundays, opened_on)
        if closed_on is not None:
            open_weeks -= len(weeks) - bisect_right(mondays, closed_on)
        total += per_week * max(open_weeks, 0)
    return total


def programme_figures(
    start: dt.date, end: dt.date, contract: Contract | None = None, *, scope: FigureScope = EVERYTHING
) -> dict[str, Any]:
    """Group services in the period, of the programmes run by the organisations in ``scope``; the
    children reached and the parent calls are those of the cases in scope, plus the children on a roster
    without a case (the register's, ``programmes.roster``) unless the figures are a contract's — those
    children belong to no contract."""
    sessions = ProgrammeSession.objects.filter(date__gte=start, date__lte=end).filter(
        scope.organisations("programme__organisation_id")
    )
    attendance = ProgrammeSession.attendees.through.objects.filter(programmesession__in=sessions).filter(
        scope.cases("case__")
    )
    calls = ParentCall.objects.filter(date__gte=start, date__lte=end, held=True).filter(scope.cases("case__"))
    if contract is not None:
        attendance = attendance.filter(case__contract=contract)
        calls = calls.filter(case__contract=contract)
    totals = sessions.aggregate(
        programmes=Count("programme", distinct=True),
        sessions=Count("pk", distinct=True),
        taken=Count("pk", filter=Q(attendance_taken=True), distinct=True),
        guardians=Sum("guardians_present"),
    )
    reach = attendance.aggregate(attendances=Count("pk"), children=Count("case", distinct=True))
    if contract is None and scope.contract_ids is None:
        others = outside_figures(sessions)
        reach = {
            "attendances": reach["attendances"] + others.attendances,
            "children": reach["children"] + others.children,
        }
    by_kind = {
        row["programme__kind"]: row
        for row in sessions.values("programme__kind")
        .annotate(programmes=Count("programme", distinct=True), sessions=Count("pk"))
        .order_by("programme__kind")
    }
    held, target = calls.count(), calls_target(start, end, contract, scope=scope)
    goods = distributed_figures(start, end, scope=scope)
    return {
        "programmes": totals["programmes"],
        "sessions": totals["sessions"],
        "children_reached": reach["children"],
        "attendances": reach["attendances"],
        "parent_child_calls": held,
        "programmes_by_kind": {k: by_kind[k]["programmes"] for k in ProgrammeKind.values if k in by_kind},
        "sessions_by_kind": {k: by_kind[k]["sessions"] for k in ProgrammeKind.values if k in by_kind},
        "average_attendance": _one_decimal(Decimal(reach["attendances"]) / totals["taken"]) if totals["taken"] else 0.0,
        "guardian_attendances": totals["guardians"] or 0,
        "tutor_hours": _one_decimal(Decimal(tutor_minutes(start=start, end=end, sessions=sessions)) / 60),
        "parent_child_calls_target": target,
        "parent_child_calls_pct": _one_decimal(Decimal(held * 100) / target) if target else 0.0,
        "books_distributed": goods["books"],
        "goods_distributed": goods["goods"],
        "goods_value": goods["value"],
    }


def suppressed(figures: dict[str, Any]) -> dict[str, Any]:
    """For funders: every count from 1 to 2 reads "<3" (zero and larger counts stay exact)."""

    def hide(key: str, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: hide(k, v) for k, v in value.items()}
        if key in NOT_COUNTS or isinstance(value, bool) or not isinstance(value, int):
            return value
        return f"<{SUPPRESS_BELOW}" if 0 < value < SUPPRESS_BELOW else value

    return {key: hide(key, value) for key, value in figures.items()}
