"""The funder PDF's further sections: figures per month, outcomes of closed cases and of referrals,
staffing, this period against the one before, and a breakdown by town.

Counted with database aggregates like ``reports.figures`` and in the same scope; for a funder the
whole result goes through ``reports.suppression.suppress`` (counts from 1 to 2 hidden, the second cell
of a breakdown with one hidden cell too). Only counts, sums and town names leave this module: a town
is a key by its id (never a village, never a person).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf, TruncMonth, TruncYear

from alliance.models import VolunteerLog
from cases.choices import RISK_ORDER, ClosureCode, rank
from cases.models import Activity, ActivityKind, Case, RiskChange
from core.figure_scope import EVERYTHING, FigureScope
from core.models import Contract, LocationKind
from reports import figures

# Up to this many months a period is shown month by month; a longer one (a pilot of several years) by year.
MONTHLY_UP_TO = 24
REFERRAL_OUTCOMES = ("accepted", "referred_on", "declined", "pending")


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length that ends the day before ``start``."""
    prev_end = start - dt.timedelta(days=1)
    return prev_end - (end - start), prev_end


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def buckets(start: dt.date, end: dt.date) -> tuple[str, list[str]]:
    """``("month", ["2026-01", ...])`` or, for a period over ``MONTHLY_UP_TO`` months, ``("year", ["2014", ...])``."""
    if _months(start, end) <= MONTHLY_UP_TO:
        keys, year, month = [], start.year, start.month
        while (year, month) <= (end.year, end.month):
            keys.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return "month", keys
    return "year", [f"{year:04d}" for year in range(start.year, end.year + 1)]


def _per_bucket(rows: QuerySet[Any], field: str, unit: str, keys: list[str]) -> dict[str, int]:
    trunc = TruncMonth(field) if unit == "month" else TruncYear(field)
    fmt = "%Y-%m" if unit == "month" else "%Y"
    counted = {row["b"].strftime(fmt): row["n"] for row in rows.annotate(b=trunc).values("b").annotate(n=Count("pk"))}
    return {key: counted.get(key, 0) for key in keys}


def _cases(contract: Contract | None, scope: FigureScope) -> QuerySet[Case]:
    cases = Case.objects.filter(scope.cases())
    return cases.filter(contract=contract) if contract is not None else cases


def _referrals(scope: FigureScope) -> QuerySet[Any]:
    from referrals.models import Referral

    return Referral.objects.filter(scope.organisations())


def _visits(start: dt.date, end: dt.date, contract: Contract | None, scope: FigureScope) -> QuerySet[Activity]:
    visits = Activity.objects.filter(kind=ActivityKind.HOME_VISIT, date__gte=start, date__lte=end)
    visits = visits.filter(scope.cases("case__"))
    return visits.filter(case__contract=contract) if contract is not None else visits


def monthly_figures(
    start: dt.date, end: dt.date, contract: Contract | None = None, scope: FigureScope = EVERYTHING
) -> dict[str, dict[str, int]]:
    """Cases opened and closed, referrals received and home visits, per month (or year) of the period."""
    unit, keys = buckets(start, end)
    cases = _cases(contract, scope)
    return {
        "opened": _per_bucket(cases.filter(opened_on__gte=start, opened_on__lte=end), "opened_on", unit, keys),
        "closed": _per_bucket(cases.filter(closed_on__gte=start, closed_on__lte=end), "closed_on", unit, keys),
        "referrals": _per_bucket(
            _referrals(scope).filter(received_on__gte=start, received_on__lte=end), "received_on", unit, keys
        ),
        "home_visits": _per_bucket(_visits(start, end, contract, scope), "date", unit, keys),
    }


def outcome_figures(
    start: dt.date, end: dt.date, contract: Contract | None = None, scope: FigureScope = EVERYTHING
) -> dict[str, Any]:
    """Cases closed in the period by why they closed (``unknown``: no code given) and by how their risk
    level at closure compares with the level they first had; referrals received by what became of them."""
    closed = _cases(contract, scope).filter(closed_on__gte=start, closed_on__lte=end)
    first_change = RiskChange.objects.filter(case=OuterRef("pk")).order_by("changed_at", "pk")
    closed = closed.annotate(
        first_risk=Coalesce(NullIf(Subquery(first_change.values("from_level")[:1]), Value("")), F("risk_level"))
    ).annotate(first_rank=rank("first_risk", RISK_ORDER), last_rank=rank("risk_level", RISK_ORDER))
    # A higher rank is a lower risk (RISK_ORDER: immediate 0 ... low 3).
    counts = closed.aggregate(
        total=Count("pk"),
        reduced=Count("pk", filter=Q(last_rank__gt=F("first_rank"))),
        unchanged=Count("pk", filter=Q(last_rank=F("first_rank"))),
        raised=Count("pk", filter=Q(last_rank__lt=F("first_rank"))),
        **{code: Count("pk", filter=Q(closure_code=code)) for code in ClosureCode.values},
        unknown=Count("pk", filter=Q(closure_code="")),
    )
    by_reason = {code: counts[code] for code in ClosureCode.values}
    if counts["unknown"]:
        by_reason["unknown"] = counts["unknown"]
    received = _referrals(scope).filter(received_on__gte=start, received_on__lte=end)
    referrals = received.aggregate(
        accepted=Count("pk", filter=Q(status="accepted")),
        referred_on=Count("pk", filter=Q(status="referred_on")),
        declined=Count("pk", filter=Q(status="declined")),
        pending=Count("pk", filter=Q(status__in=("new", "needs_info"))),
    )
    return {
        "closed": counts["total"],
        "goals_met": counts[ClosureCode.GOALS_MET],
        "goals_met_pct": figures._pct(counts[ClosureCode.GOALS_MET], counts["total"]),
        "risk_reduced": counts["reduced"],
        "risk_reduced_pct": figures._pct(counts["reduced"], counts["total"]),
        "by_reason": by_reason,
        "risk": {"reduced": counts["reduced"], "unchanged": counts["unchanged"], "raised": counts["raised"]},
        "referrals": {key: referrals[key] for key in REFERRAL_OUTCOMES},
    }


def staffing_figures(
    start: dt.date, end: dt.date, contract: Contract | None = None, scope: FigureScope = EVERYTHING
) -> dict[str, Any]:
    """Social workers who led a case in the period, each one's caseload at the end of the period (largest
    first, numbered, never named), the volunteers who logged time and the volunteer hours."""
    cases = figures.cases_in_period(start, end, contract, scope).filter(lead_worker__isnull=False)
    workers = cases.values("lead_worker").distinct().count()
    at_end = cases.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    loads = sorted(
        (row["n"] for row in at_end.values("lead_worker").annotate(n=Count("pk")).order_by()),
        reverse=True,
    )
    logs = VolunteerLog.objects.filter(date__gte=start, date__lte=end).filter(scope.cases("case__"))
    if contract is not None:
        logs = logs.filter(case__contract=contract)
    total_at_end = sum(loads)
    average = (
        float((Decimal(total_at_end) / Decimal(workers)).quantize(Decimal("0.1"), ROUND_HALF_UP)) if workers else None
    )
    return {
        "workers": workers,
        "cases_led_at_end": total_at_end,
        "average_caseload": average,
        "caseload": {str(i): n for i, n in enumerate(loads, start=1)},
        "volunteers_active": logs.values("member").distinct().count(),
        "volunteer_hours": figures.activity_figures(start, end, contract, scope)["volunteer_hours"],
    }


def headline_figures(
    start: dt.date, end: dt.date, contract: Contract | None = None, scope: FigureScope = EVERYTHING
) -> dict[str, Any]:
    """The figures compared with the previous period (one flat section: no breakdown)."""
    cases = figures.cases_in_period(start, end, contract, scope).aggregate(
        total=Count("pk"),
        opened=Count("pk", filter=Q(opened_on__gte=start, opened_on__lte=end)),
        closed=Count("pk", filter=Q(closed_on__gte=start, closed_on__lte=end)),
    )
    promise = figures.promise_figures(start, end, contract, scope)
    return {
        "cases_total": cases["total"],
        "cases_opened": cases["opened"],
        "cases_closed": cases["closed"],
        "referrals_received": _referrals(scope).filter(received_on__gte=start, received_on__lte=end).count(),
        "home_visits": _visits(start, end, contract, scope).count(),
        "fulfilled_requests": promise["fulfilled_requests"],
        "volunteer_hours": figures.activity_figures(start, end, contract, scope)["volunteer_hours"],
        "value_total": promise["value"]["total"],
    }


def _town(prefix: str) -> SqlCase:
    """The id of the town a location lies in (itself, its parent or its grandparent), else null."""
    return SqlCase(
        When(**{f"{prefix}kind": LocationKind.TOWN}, then=F(f"{prefix}id")),
        When(**{f"{prefix}parent__kind": LocationKind.TOWN}, then=F(f"{prefix}parent_id")),
        When(**{f"{prefix}parent__parent__kind": LocationKind.TOWN}, then=F(f"{prefix}parent__parent_id")),
        default=Value(None),
        output_field=IntegerField(),
    )


def _by_town(rows: QuerySet[Any], prefix: str) -> dict[str, int]:
    counted = rows.annotate(town=_town(prefix)).values("town").annotate(n=Count("pk")).order_by("town")
    return {("unknown" if row["town"] is None else str(row["town"])): row["n"] for row in counted}


def town_figures(
    start: dt.date, end: dt.date, contract: Contract | None = None, scope: FigureScope = EVERYTHING
) -> dict[str, dict[str, int]]:
    """Per town (keyed by its id; ``unknown`` where no town is recorded): cases served in the period,
    referrals received and home visits. Every town that has any of the three has all three."""
    result = {
        "cases": _by_town(figures.cases_in_period(start, end, contract, scope), "child__location__"),
        "referrals": _by_town(_referrals(scope).filter(received_on__gte=start, received_on__lte=end), "location__"),
        "home_visits": _by_town(_visits(start, end, contract, scope), "case__child__location__"),
    }
    towns = sorted({town for counts in result.values() for town in counts}, key=lambda t: (t == "unknown", t))
    return {figure: {town: counts.get(town, 0) for town in towns} for figure, counts in result.items()}


def report_sections(
    start: dt.date,
    end: dt.date,
    contract: Contract | None = None,
    *,
    for_funder: bool = False,
    scope: FigureScope = EVERYTHING,
) -> dict[str, Any]:
    """Every further section of the PDF; for a funder suppressed as the summary is (``"suppressed"``
    lists the hidden paths). ``previous`` is the headline of the period of the same length before."""
    from reports.suppression import suppress

    prev_start, prev_end = previous_period(start, end)
    exact: dict[str, Any] = {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "unit": buckets(start, end)[0]},
        "previous_period": {"start": prev_start.isoformat(), "end": prev_end.isoformat()},
        "monthly": monthly_figures(start, end, contract, scope),
        "outcomes": outcome_figures(start, end, contract, scope),
        "staffing": staffing_figures(start, end, contract, scope),
        "current": headline_figures(start, end, contract, scope),
        "previous": headline_figures(prev_start, prev_end, contract, scope),
        "by_town": town_figures(start, end, contract, scope),
        "suppressed": [],
    }
    if not for_funder:
        return exact
    result = suppress(exact)
    staffing = result["staffing"]
    if staffing["average_caseload"] is not None and (
        staffing["workers"] is None or staffing["cases_led_at_end"] is None
    ):
        staffing["average_caseload"] = None  # the average would give the hidden count back
        result["suppressed"] = sorted([*result["suppressed"], "staffing.average_caseload"])
    return result
