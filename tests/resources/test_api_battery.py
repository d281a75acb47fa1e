"""The standard battery over the Promise First API (issue 18 item 6): pledges/ and pledge-requests/ (+ fulfil).

tests/resources/test_battery.py proves the anonymous 401 of the main routes, four 405s and that a bad
value answers 400; it lets the outside roles' answer be 403 *or* 404. Here the answer is pinned for
each role, every method of every route is covered, the other pledger and the colleague get 404 naming
no child, each refusal's Chinese is read with nothing written (audit included), and each write is
re-read from the database.

| route                        | anon 401 | 405  | outsider 404             | read-only 403               | bad input (zh) | happy path |
| ---------------------------- | -------- | ---- | ------------------------ | --------------------------- | -------------- | ---------- |
| pledges/, pledges/{id}/      | here     | here | here (other pledger/org) | here (worker may not write) | here           | here       |
| pledge-requests/, {id}/      | here     | here | here (other pledger, colleague) | here (three roles)   | here           | here       |
| pledge-requests/{id}/fulfil/ | here     | here | here                     | here (three roles)          | here           | here       |
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from resources.models import Pledge, PledgeRequest
from tests.api_battery import ZH, api_id_battery, api_route_battery, hidden, refused_in_chinese, send, written
from tests.battery import nothing_written
from tests.factories import MemberFactory, PledgeFactory, UserFactory
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world(cast, asked):
    """Zhao's promise of goods, asked of him for the cast's case, which is about the planted child."""
    child = cast.case.child
    child.name = PLANTED_NAME
    child.save(update_fields=["name"])
    return {"pledge": asked.pledge_id, "request": asked.pk}


ROUTES = [
    ("GET POST", "/api/v1/pledges/"),
    ("GET PUT PATCH", "/api/v1/pledges/{pledge}/"),
    ("GET POST", "/api/v1/pledge-requests/"),
    ("GET", "/api/v1/pledge-requests/{request}/"),
    ("POST", "/api/v1/pledge-requests/{request}/fulfil/"),
]
FULFIL = {"fulfilled_on": TODAY.isoformat(), "value": "120.50", "note": "送到家"}


def _stored() -> dict:
    return {
        **written(Pledge, PledgeRequest)(),
        "pledges": list(Pledge.objects.order_by("pk").values_list("pk", "description", "is_active")),
        "requests": list(PledgeRequest.objects.order_by("pk").values_list("pk", "status", "value")),
    }


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(
    ROUTES, stored=_stored, actor="manager", actors={"/api/v1/pledge-requests/{request}/fulfil/": "pledger"}
)
test_an_id_that_names_nothing_is_404 = api_id_battery(
    ROUTES, stored=_stored, actor="manager", actors={"/api/v1/pledge-requests/{request}/fulfil/": "pledger"}
)


READS_AND_WRITES = [
    ("GET", "/api/v1/pledges/", {}),
    ("GET", "/api/v1/pledges/{pledge}/", {}),
    ("PATCH", "/api/v1/pledges/{pledge}/", {"description": "改"}),
    ("GET", "/api/v1/pledge-requests/", {}),
    ("GET", "/api/v1/pledge-requests/{request}/", {}),
    ("POST", "/api/v1/pledge-requests/{request}/fulfil/", FULFIL),
]


@pytest.mark.parametrize("role", ["referrer", "volunteer", "funder"])
def test_roles_outside_promise_first_get_403_on_every_route(world, cast, api_for, role):
    api = api_for(getattr(cast, role))
    with nothing_written(_stored):
        answers = {f"{m} {p}": send(api, m, p.format(**world), b).status_code for m, p, b in READS_AND_WRITES}
    assert answers == dict.fromkeys(answers, 403)


@pytest.fixture
def other_pledger(cast):
    member = MemberFactory(kind="organisation", sector="enterprise", location=cast.village, is_pledger=True)
    return UserFactory(role=Role.PLEDGER, member=member)


@pytest.mark.parametrize(("method", "path", "body"), READS_AND_WRITES[1:3] + READS_AND_WRITES[4:])
def test_another_pledger_gets_404_for_zhaos_promise_and_request(world, other_pledger, api_for, method, path, body):
    with nothing_written(_stored):
        hidden(send(api_for(other_pledger), method, path.format(**world), body))


def test_another_pledgers_lists_are_empty(world, other_pledger, api_for):
    for url in ("/api/v1/pledges/", "/api/v1/pledge-requests/"):
        response = api_for(other_pledger).get(url)
        assert response.status_code == 200 and response.json()["count"] == 0, url


def test_the_colleague_outside_the_case_neither_sees_nor_asks_for_it(world, cast, api_for):
    api = api_for(cast.colleague)
    hidden(api.get(f"/api/v1/pledge-requests/{world['request']}/"))
    hidden(api.post(f"/api/v1/pledge-requests/{world['request']}/fulfil/", FULFIL, format="json"))
    body = {"case": cast.case.pk, "pledge": world["pledge"], "need": "书包"}
    with nothing_written(_stored):
        response = api.post("/api/v1/pledge-requests/", body, format="json", **ZH)
    refused_in_chinese(response, "case", "No such case.")


def test_the_pledger_reads_his_request_without_the_case(world, cast, api_for):
    response = api_for(cast.pledger).get(f"/api/v1/pledge-requests/{world['request']}/")
    assert response.status_code == 200
    assert response.json()["case"] is None
    assert PLANTED_NAME not in response.content.decode()


def test_a_social_worker_reads_promises_but_may_not_rewrite_them(world, cast, api_for):
    api = api_for(cast.worker)
    assert api.get(f"/api/v1/pledges/{world['pledge']}/").status_code == 200
    with nothing_written(_stored):
        patch = api.patch(f"/api/v1/pledges/{world['pledge']}/", {"description": "改了"}, format="json")
        create = api.post(
            "/api/v1/pledges/",
            {"member": cast.pledger.member_id, "kind": "money", "description": "捐款", "valid_from": TODAY.isoformat()},
            format="json",
        )
    assert (patch.status_code, create.status_code) == (403, 403)


def test_a_pledger_may_not_ask_for_his_own_promise(world, cast, api_for):
    body = {"case": cast.case.pk, "pledge": world["pledge"], "need": "书包"}
    with nothing_written(_stored):
        assert api_for(cast.pledger).post("/api/v1/pledge-requests/", body, format="json").status_code == 403


BAD = [
    ("/api/v1/pledge-requests/{request}/fulfil/", "pledger", {**FULFIL, "value": "abc"}, "value",
     "Enter an amount in yuan, for example 150 or 150.50."),
    ("/api/v1/pledge-requests/{request}/fulfil/", "pledger", {**FULFIL, "value": "0"}, "value",
     "The amount must be more than 0 yuan."),
    ("/api/v1/pledge-requests/{request}/fulfil/", "pledger", {**FULFIL, "value": "1.234"}, "value",
     "Use at most two decimals (fen)."),
    ("/api/v1/pledge-requests/{request}/fulfil/", "pledger",
     {**FULFIL, "fulfilled_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "fulfilled_on",
     "The date cannot be in the future."),
    ("/api/v1/pledge-requests/{request}/fulfil/", "pledger",
     {**FULFIL, "fulfilled_on": (TODAY - dt.timedelta(days=40)).isoformat()}, "fulfilled_on",
     "The date cannot be before the request."),
    ("/api/v1/pledges/", "pledger", {"member": "{other}", "kind": "money", "description": "捐款",
     "valid_from": TODAY.isoformat()}, "member", "You can only change your own promises."),
    ("/api/v1/pledges/", "pledger", {"member": "{own}", "kind": "money", "description": "捐款",
     "valid_from": TODAY.isoformat(), "valid_until": (TODAY - dt.timedelta(days=1)).isoformat()}, "valid_until",
     "The end date cannot be before the start date."),
    ("/api/v1/pledge-requests/", "worker", {"case": "{case}", "pledge": "{pledge}", "need": ""}, "need",
     "This field may not be blank."),
]  # fmt: skip


@pytest.mark.parametrize(("url", "who", "body", "field", "msgid"), BAD, ids=[f"{b[3]}-{i}" for i, b in enumerate(BAD)])
def test_bad_body_is_400_in_chinese_and_nothing_is_written(world, cast, api_for, url, who, body, field, msgid):
    names = {
        "{other}": MemberFactory(is_pledger=True).pk,
        "{own}": cast.pledger.member_id,
        "{case}": cast.case.pk,
        "{pledge}": world["pledge"],
    }
    body = {k: names.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    with nothing_written(_stored):
        response = api_for(getattr(cast, who)).post(url.format(**world), body, format="json", **ZH)
    refused_in_chinese(response, field, msgid)


def test_a_fulfilled_request_is_not_fulfilled_twice(world, cast, api_for):
    url = f"/api/v1/pledge-requests/{world['request']}/fulfil/"
    assert api_for(cast.pledger).post(url, FULFIL, format="json").status_code == 200
    with nothing_written(_stored):
        again = api_for(cast.pledger).post(url, {**FULFIL, "value": "999"}, format="json", **ZH)
    refused_in_chinese(again, "non_field_errors", "Only a requested or accepted request can be fulfilled.")


def test_the_pledger_fulfils_and_the_value_is_stored_to_the_fen(world, cast, api_for):
    response = api_for(cast.pledger).post(f"/api/v1/pledge-requests/{world['request']}/fulfil/", FULFIL, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "fulfilled"
    request = PledgeRequest.objects.get(pk=world["request"])
    assert (request.status, request.value, request.fulfilled_on, request.note) == (
        "fulfilled",
        Decimal("120.50"),
        TODAY,
        "送到家",
    )


def test_the_pledger_changes_his_own_promise(world, cast, api_for):
    response = api_for(cast.pledger).patch(
        f"/api/v1/pledges/{world['pledge']}/", {"description": "书包、文具和校服"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Pledge.objects.get(pk=world["pledge"]).description == "书包、文具和校服"


def test_the_lead_worker_asks_a_promise_for_her_case(world, cast, api_for):
    pledge = PledgeFactory(member=cast.pledger.member, kind="service", description="辅导功课", valid_from=TODAY)
    body = {"case": cast.case.pk, "pledge": pledge.pk, "need": "数学辅导"}
    response = api_for(cast.worker).post("/api/v1/pledge-requests/", body, format="json")
    assert response.status_code == 201, response.content
    request = PledgeRequest.objects.get(pk=response.json()["id"])
    assert (request.case_id, request.pledge_id, request.status, request.requested_by_id) == (
        cast.case.pk,
        pledge.pk,
        "requested",
        cast.worker.pk,
    )
