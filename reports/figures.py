"""Every figure of the funder report, computed with database aggregates (no loop over cases).

The summary's keys and rules are fixed by shared/api-v1.md ("Reports"). Anonymised by
construction: only counts, means and sums leave this module.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from alliance.models import Event, EventKind, Member
from alliance.selectors import volunteer_minutes
from cases.models import Activity, ActivityKind, Case, Entitlement, EntitlementKind, EntitlementStatus
from core.figure_scope import EVERYTHING, FigureScope
from core.models import Contract
from resources.models import Pledge, PledgeKind, PledgeRequest, PledgeRequestStatus

TWO = Decimal("0.01")


def _pct(part: int, whole: int) -> float:
    return float((Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)) if whole else 0.0


def _money(value: Decimal | None) -> str:
    return str((value or Decimal("0")).quantize(TWO, ROUND_HALF_UP))


def cases_in_period(
    start: dt.date, end: dt.date, contract: Contract | None = None, scope: FigureScope = EVERYTHING
) -> QuerySet[Case]:
    """Cases open on any day of the period (in scope)."""
    cases = Case.objects.filter(opened_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    cases = cases.filter(scope.cases())
    if contract is not None:
        cases = cases.filter(contract=contract)
    return cases


def _counts(cases: QuerySet[Case], expression: Any, *, empty: str = "unknown") -> dict[str, int]:
    rows = cases.annotate(key=Coalesce(expression, Value(empty))).values("key").annotate(n=Count("pk")).order_by("key")
    return {(row["key"] or empty): row["n"] for row in rows}


def _contracts(scope: FigureScope) -> QuerySet[Contract]:
    contracts = Contract.objects.filter(scope.organisations())
    if scope.contract_ids is not None:
        contracts = contracts.filter(pk__in=scope.contract_ids)
    return contracts


def case_figures(
    start: dt.date, end: dt.date, contract: Contract | None = None, scope: FigureScope = EVERYTHING
) -> dict[str, Any]:
    cases = cases_in_period(start, end, contract, scope)
    totals = cases.aggregate(
        total=Count("pk"),
        opened=Count("pk", filter=Q(opened_on__gte=start, opened_on__lte=end)),
        closed=Count("pk", filter=Q(closed_on__gte=start, closed_on__lte=end)),
        active_at_end=Count("pk", filter=Q(closed_on__isnull=True) | Q(closed_on__gt=end)),
        through_alliance=Count("pk", filter=Q(referral__channel="alliance")),
        through_wf_directors=Count("pk", filter=Q(referral__referrer_member__sector="wf_director")),
        mean_age=Avg(ExpressionWrapper(F("opened_on") - F("child__birth_date"), output_field=DurationField())),
    )
    if contract is not None:
        target = contract.caseload_target
    else:
        target = _contracts(scope).filter(start__lte=end, end__gte=start).aggregate(t=Sum("caseload_target"))["t"]
    mean_age = totals["mean_age"]
    age = float(Decimal(mean_age.days / 365.25).quantize(Decimal("0.1"), ROUND_HALF_UP)) if mean_age else None
    return {
        "total": totals["total"],
        "opened": totals["opened"],
        "closed": totals["closed"],
        "active_at_end": totals["active_at_end"],
        "caseload_target": target,
        "through_alliance": totals["through_alliance"],
        "through_alliance_pct": _pct(totals["through_alliance"], totals["total"]),
        "through_wf_directors": totals["through_wf_directors"],
        "through_wf_directors_pct": _pct(totals["through_wf_directors"], totals["total"]),
        "by_referral_source": _counts(
            cases, Coalesce(F("referral__referrer_member__sector"), F("referral__channel")), empty="outreach"
        ),
        "by_presenting_issue": _counts(cases, F("presenting_issues__0")),
        "by_family_situation": _counts(cases.exclude(family_situation=""), F("family_situation"))
        | ({"unknown": n} if (n := cases.filter(family_situation="").count()) else {}),
        "by_category": _counts(cases.exclude(category=""), F("category"))
        | ({"unknown": n} if (n := cases.filter(category="").count()) else {}),
        "by_sex": _counts(cases, F("child__sex")),
        "by_age_band": age_bands(cases),
        "average_age": age,
    }


AGE_BANDS = [("0-5", 0, 5), ("6-11", 6, 11), ("12-14", 12, 14), ("15-17", 15, 17), ("18+", 18, 200)]


class AgeInYears(Func):
    """Whole years between two dates (PostgreSQL AGE)."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::integer"
    output_field = IntegerField()


def age_bands(cases: QuerySet[Case]) -> dict[str, int]:
    """Children by age at opening, in bands (one query)."""
    annotated = cases.annotate(age_years=AgeInYears(F("opened_on"), F("child__birth_date")))
    aggregates = {
        label: Count("pk", filter=Q(age_years__gte=low, age_years__lte=high)) for label, low, high in AGE_BANDS
    }
    aggregates["unknown"] = Count("pk", filter=Q(child__birth_date__isnull=True))
    result = annotated.aggregate(**aggregates)
    return {k: v for k, v in result.items() if v or k != "unknown"}


def alliance_figures(start: dt.date, end: dt.date, scope: FigureScope = EVERYTHING) -> dict[str, int]:
    members = Member.objects.filter(is_active=True).filter(Q(joined_on__isnull=True) | Q(joined_on__lte=end))
    members = members.filter(scope.organisations())
    return members.aggregate(
        members=Count("pk"),
        referrers=Count("pk", filter=Q(is_referrer=True)),
        pledgers=Count("pk", filter=Q(is_pledger=True)),
        volunteers=Count("pk", filter=Q(is_volunteer=True)),
        wf_directors=Count("pk", filter=Q(sector="wf_director")),
    )


def promise_figures(
    start: dt.date, end: dt.date, contract: Contract | None = None, scope: FigureScope = EVERYTHING
) -> dict[str, Any]:
    requests = PledgeRequest.objects.filter(scope.cases("case__"))
    if contract is not None:
        requests = requests.filter(case__contract=contract)
    fulfilled = requests.filter(status=PledgeRequestStatus.FULFILLED, fulfilled_on__gte=start, fulfilled_on__lte=end)
    pledges = Pledge.objects.filter(valid_from__lte=end).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
    pledges = pledges.filter(scope.organisations("member__organisation_id"))
    value = fulfilled.aggregate(
        money=Sum("value", filter=Q(pledge__kind=PledgeKind.MONEY)),
        goods=Sum("value", filter=Q(pledge__kind=PledgeKind.GOODS)),
        service=Sum("value", filter=Q(pledge__kind=PledgeKind.SERVICE)),
        total=Sum("value"),
        requests=Count("pk"),
        members=Count("pledge__member", distinct=True),
        cases=Count("case", distinct=True),
    )
    return {
        "pledges": pledges.count(),
        "requests": requests.filter(requested_on__gte=start, requested_on__lte=end).count(),
        "fulfilled_requests": value["requests"],
        "members_fulfilled": value["members"],
        "cases_helped": value["cases"],
        "value": {k: _money(value[k]) for k in ("money", "goods", "service", "total")},
    }


def activity_figures(
    start: dt.date, end: dt.date, contract: Contract | None = None, scope: FigureScope = EVERYTHING
) -> dict[str, Any]:
    visits = Activity.objects.filter(kind=ActivityKind.HOME_VISIT, date__gte=start, date__lte=end)
    visits = visits.filter(scope.cases("case__"))
    if contract is not None:
        visits = visits.filter(case__contract=contract)
    held = Event.objects.filter(date__gte=start, date__lte=end)
    if scope.organisation_ids is not None:  # events entered by the organisation's staff
        held = held.filter(created_by__organisation_id__in=scope.organisation_ids)
    events = held.aggregate(
        trainings=Count("pk", filter=Q(kind=EventKind.TRAINING)),
        director_meetings=Count("pk", filter=Q(kind=EventKind.DIRECTOR_MEETING)),
        joint_conferences=Count("pk", filter=Q(kind=EventKind.JOINT_CONFERENCE)),
    )
    minutes = volunteer_minutes(start=start, end=end)  # visit logs and group-session tutors
    return {
        "home_visits": visits.count(),
        **events,
        "volunteer_hours": float((Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1"), ROUND_HALF_UP)),
    }


def referral_figures(start: dt.date, end: dt.date, scope: FigureScope = EVERYTHING) -> dict[str, Any]:
    """Referrals received in the period and the mean time to triage, in hours (one query)."""
    from referrals.models import Referral

    received = Referral.objects.filter(received_on__gte=start, received_on__lte=end).filter(scope.organisations())
    rows = received.aggregate(
        received=Count("pk"),
        through_alliance=Count("pk", filter=Q(channel="alliance")),
        triage=Avg(
            ExpressionWrapper(F("triaged_at") - F("received_at"), output_field=DurationField()),
            filter=Q(triaged_at__isnull=False),
        ),
    )
    hours = round(rows["triage"].total_seconds() / 3600, 1) if rows["triage"] else None
    return {
        "received": rows["received"],
        "through_alliance": rows["through_alliance"],
        "average_hours_to_triage": hours,
    }


CLAIMED = (EntitlementStatus.APPLYING, EntitlementStatus.GRANTED)


def entitlement_figures(
    start: dt.date, end: dt.date, contract: Contract | None = None, scope: FigureScope = EVERYTHING
) -> dict[str, dict[str, int]]:
    """Per entitlement kind, the cases of the period (as ``case_figures`` counts them) whose family
    has claimed it (applying or granted) and those granted it, as the entitlement stands now. Every
    kind is listed, zeros included (one query)."""
    cases = cases_in_period(start, end, contract, scope)
    rows = (
        Entitlement.objects.filter(case__in=cases.values("pk"))
        .values("kind")
        .annotate(
            claimed=Count("case", filter=Q(status__in=CLAIMED), distinct=True),
            granted=Count("case", filter=Q(status=EntitlementStatus.GRANTED), distinct=True),
        )
        .order_by("kind")
    )
    found = {row["kind"]: row for row in rows}
    kinds = list(EntitlementKind.values)
    return {
        figure: {kind: found[kind][figure] if kind in found else 0 for kind in kinds}
        for figure in ("claimed", "granted")
    }


def summary(
    start: dt.date,
    end: dt.date,
    contract: Contract | None = None,
    *,
    for_funder: bool = False,
    scope: FigureScope = EVERYTHING,
) -> dict[str, Any]:
    """The funder report's figures as in shared/api-v1.md, counted inside ``scope`` (the caller's
    organisation, or the contracts a funder funds). ``for_funder``: counts from 1 to 2 are ``None``
    and listed in ``"suppressed"`` (reports.suppression); otherwise every figure is exact."""
    from programmes.figures import programme_figures
    from reports.suppression import suppress
    from workforce.figures import workforce_figures

    group_work = programme_figures(start, end, contract, scope=scope)
    promise = promise_figures(start, end, contract, scope)
    amount = (
        contract.amount
        if contract is not None
        else _contracts(scope).filter(start__lte=end, end__gte=start).aggregate(a=Sum("amount"))["a"]
    )
    total_value = Decimal(promise["value"]["total"])
    ratio = float((total_value / amount).quantize(TWO, ROUND_HALF_UP)) if amount else None
    exact: dict[str, Any] = {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "contract": {"id": contract.pk, "name": contract.name, "funder": contract.funder} if contract else None,
        "cases": case_figures(start, end, contract, scope),
        "alliance": alliance_figures(start, end, scope),
        "promise_first": promise,
        "activities": activity_figures(start, end, contract, scope),
        "referrals": referral_figures(start, end, scope),
        "programmes": group_work,
        "workforce": workforce_figures(start, end, scope=scope),
        "entitlements": entitlement_figures(start, end, contract, scope),
        "funding": {"contract_amount": _money(amount) if amount is not None else None, "community_value_ratio": ratio},
        "suppressed": [],
    }
    return suppress(exact) if for_funder else exact
