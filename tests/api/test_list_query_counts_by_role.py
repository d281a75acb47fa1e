"""The list endpoints pinned in test_list_query_counts.py are read there by staff; the other roles' lists take
other paths (a social worker's own cases, a referrer's own referrals, a pledger's anonymised requests, a
volunteer's logs), so each is pinned here too: the same exact number of queries at two sizes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api_battery import api_list_sizes
from tests.factories import (
    ActivityFactory,
    EventFactory,
    PledgeFactory,
    PledgeRequestFactory,
    ReferralFactory,
    VolunteerLogFactory,
    make_case,
)

pytestmark = pytest.mark.django_db


def _own_cases(cast: Any) -> Callable[[int], Any]:
    return lambda n: [make_case(lead_worker=cast.worker) for _ in range(n)]


def _own_referrals(cast: Any) -> Callable[[int], Any]:
    member = cast.referrer.member
    return lambda n: [
        ReferralFactory(location=cast.village, created_by=cast.referrer, referrer_member=member) for _ in range(n)
    ]


def _own_pledges(cast: Any) -> Callable[[int], Any]:
    return lambda n: [PledgeFactory(member=cast.pledger.member) for _ in range(n)]


def _requests_of_him(cast: Any) -> Callable[[int], Any]:
    return lambda n: [
        PledgeRequestFactory(case=cast.case, requested_by=cast.worker, pledge=PledgeFactory(member=cast.pledger.member))
        for _ in range(n)
    ]


def _her_logs(cast: Any) -> Callable[[int], Any]:
    return lambda n: [VolunteerLogFactory(member=cast.volunteer.member, case=cast.case) for _ in range(n)]


def _case_events(cast: Any) -> Callable[[int], Any]:
    return lambda n: [EventFactory(kind="joint_conference", case=cast.case, created_by=cast.worker) for _ in range(n)]


def _her_activities(cast: Any) -> Callable[[int], Any]:
    return lambda n: [ActivityFactory(case=cast.case, recorded_by=cast.worker) for _ in range(n)]


# (url, who reads it, how n rows are made, the pinned number of queries per request)
LISTS = [
    ("/api/v1/cases/", "worker", _own_cases, 5),  # + how many grants she holds (which plan), once
    ("/api/v1/activities/", "worker", _her_activities, 3),  # count, page, the audit row
    ("/api/v1/referrals/", "referrer", _own_referrals, 3),  # count, page, the audit row
    ("/api/v1/pledges/", "pledger", _own_pledges, 2),  # count, page
    ("/api/v1/pledge-requests/", "pledger", _requests_of_him, 3),  # count, page, the audit row
    ("/api/v1/volunteer-logs/", "volunteer", _her_logs, 3),  # count, page, the audit row
    ("/api/v1/events/", "worker", _case_events, 3),  # count, page, the members (prefetch)
]


@pytest.mark.parametrize(("url", "role", "make", "queries"), LISTS, ids=[f"{u} as {r}" for u, r, _, _ in LISTS])
def test_the_roles_own_list_costs_the_same_queries_at_two_sizes(
    url, role, make, queries, cast, api_for, django_assert_num_queries
):
    api_list_sizes(django_assert_num_queries, api_for(getattr(cast, role)), url, make=make(cast), queries=queries)
