"""Every list endpoint answers in a fixed number of queries, whatever the page size (no N+1), and that
number is pinned: one more query per request (even a constant one) fails here and has to be justified."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from notifications.services import notify
from tests.factories import (
    ActivityFactory,
    ContractFactory,
    EventFactory,
    LocationFactory,
    MemberFactory,
    PledgeFactory,
    PledgeRequestFactory,
    ReferralFactory,
    UserFactory,
    VolunteerLogFactory,
    make_case,
)

pytestmark = pytest.mark.django_db

N = 12


def _cases(cast: Any) -> None:
    for i in range(N):
        case = make_case(lead_worker=cast.worker, risk_level=["low", "medium", "high"][i % 3])
        ActivityFactory(case=case)
        case.flags.create(message=f"flag {i}")
        case.entitlements.create(kind="medical_aid", status="applying")
        case.entitlements.create(kind="education_aid", status="granted")


def _organisation(i: int) -> Any:
    from organisations.models import Organisation

    return Organisation.objects.create(name=f"机构{i}", kind="ngo")


def _service(cast: Any, i: int) -> Any:
    from organisations.services import service_save

    return service_save(
        actor=cast.admin, organisation=_organisation(100 + i), kind="legal_aid", name=f"服务{i}", areas=[cast.village]
    )


def _transfers(cast: Any) -> None:
    from cases.services import transfer_propose

    receiver = _organisation(999)
    UserFactory(role="manager", organisation=receiver)
    for _ in range(N):
        case = make_case(lead_worker=cast.worker)
        transfer_propose(
            actor=cast.manager, case=case, to_organisation=receiver, reason="搬家", consent_basis="not_given"
        )


# url -> (who asks, how N rows are made, the pinned number of queries per request)
# Lists of a child's records add one INSERT: the audit row naming the ids sent (issue 15).
LISTS: dict[str, tuple[str, Callable[[Any], None], int]] = {
    "/api/v1/cases/": ("manager", _cases, 4),  # + the audit row + the page's entitlements (prefetch)
    "/api/v1/activities/": (
        "manager",
        lambda cast: [ActivityFactory(case=cast.case, recorded_by=cast.worker) for _ in range(N)],
        3,  # + the audit row
    ),
    "/api/v1/referrals/": (
        "worker",
        lambda cast: [ReferralFactory(location=cast.village, referrer_member=cast.referrer.member) for _ in range(N)],
        3,  # + the audit row
    ),
    "/api/v1/members/": ("worker", lambda cast: [MemberFactory(location=cast.village) for _ in range(N)], 2),
    "/api/v1/pledges/": ("manager", lambda cast: [PledgeFactory() for _ in range(N)], 2),
    "/api/v1/pledge-requests/": (
        "manager",
        lambda cast: [PledgeRequestFactory(case=cast.case, requested_by=cast.worker) for _ in range(N)],
        3,  # + the audit row
    ),
    "/api/v1/notifications/": (
        "worker",
        lambda cast: [notify(user=cast.worker, kind="visit_due", text=f"提醒{i}", obj=cast.case) for i in range(N)],
        2,
    ),
    "/api/v1/locations/": ("manager", lambda cast: [LocationFactory(parent=cast.village.parent) for _ in range(N)], 2),
    "/api/v1/contracts/": ("manager", lambda cast: [ContractFactory() for _ in range(N)], 2),
    "/api/v1/users/": ("manager", lambda cast: [UserFactory() for _ in range(N)], 2),
    "/api/v1/events/": (
        "manager",
        lambda cast: [EventFactory() for _ in range(N)],
        3,
    ),  # + the members of each event (prefetch)
    "/api/v1/organisations/": ("worker", lambda cast: [_organisation(i) for i in range(N)], 2),
    "/api/v1/services/": ("worker", lambda cast: [_service(cast, i) for i in range(N)], 3),  # + the areas (prefetch)
    "/api/v1/transfers/": ("manager", lambda cast: _transfers(cast), 3),  # + the audit row (children's names)
    "/api/v1/volunteer-logs/": (
        "manager",
        lambda cast: [VolunteerLogFactory(member=cast.volunteer.member, case=cast.case) for _ in range(N)],
        3,  # + the audit row
    ),
}


@pytest.mark.parametrize("url", list(LISTS))
def test_list_endpoint_query_count_is_pinned_at_two_page_sizes(url, cast, api_for, django_assert_num_queries):
    role, make, expected = LISTS[url]
    make(cast)
    client = api_for(cast.by_role()[role])
    client.get(url, {"page_size": 2})  # warm-up: content types, permissions cache
    for page_size in (2, N):
        with django_assert_num_queries(expected):  # the count and the page (+ prefetches): exact
            response = client.get(url, {"page_size": page_size})
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == page_size, url
