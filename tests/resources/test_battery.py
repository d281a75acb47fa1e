"""The standard battery over every page and endpoint of Promise First, the resources app (issue 18 item 6).

Checklist — ``resources/urls.py`` (under /promises/) and ``resources/api_urls.py``:

| route                                  | methods | anon | 405  | outsider 404         | read-only 403      | bad input                | queries |
| -------------------------------------- | ------- | ---- | ---- | -------------------- | ------------------ | ------------------------ | ------- |
| /promises/                             | GET     | here | here | (own list) here      | here               | —                        | here    |
| /promises/all/                         | GET     | here | here | —                    | routes_not_tested  | here (unknown kind)      | here    |
| /promises/requests/<pk>/<action>/      | POST    | here | here | here                 | here (cancel)      | here + promise_first     |         |
| /promises/case/<case>/                 | GET     | here | here | cases battery        | —                  | here                     | here    |
| /promises/case/<case>/request/         | POST    | here | here | write_routes_matrix  | cases battery      | here                     |         |
| /api/v1/pledges/, pledge-requests/     | API     | here | here | promise_first        | here               | promise_first + here     | api/    |
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from resources.models import Pledge, PledgeRequest
from resources.services import request_create
from tests import battery
from tests.factories import MemberFactory, PledgeFactory, UserFactory, make_case
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


# ``pledge`` and ``asked``: the shared fixtures of tests/conftest.py.


def _stored() -> dict:
    return {
        **battery.rows(Pledge, PledgeRequest),
        "requests": list(PledgeRequest.objects.order_by("pk").values_list("pk", "status", "value", "fulfilled_on")),
        "pledges": list(Pledge.objects.order_by("pk").values_list("pk", "description", "estimated_value")),
    }


ROUTES = [
    ("GET", "/promises/"),
    ("GET", "/promises/all/"),
    ("POST", "/promises/requests/{request}/accept/"),
    ("POST", "/promises/requests/{request}/decline/"),
    ("POST", "/promises/requests/{request}/fulfil/"),
    ("POST", "/promises/requests/{request}/cancel/"),
    ("GET", "/promises/case/{case}/"),
    ("POST", "/promises/case/{case}/request/"),
]


@pytest.fixture
def world(cast, asked):
    return {"request": asked.pk, "case": cast.case.pk}


test_anonymous_is_sent_to_login_and_nothing_is_written, test_wrong_method_is_405_and_nothing_is_written = (
    battery.route_battery(
        ROUTES,
        stored=_stored,
        body={"value": "100", "need": "书包"},
        actor="worker",
        actors={path: "pledger" for _, path in ROUTES if "/requests/" in path and "cancel" not in path},
    )
)


def test_api_anonymous_is_401_and_nothing_is_written(cast, asked, api_for):
    anonymous = api_for(None)
    reads = ["/api/v1/pledges/", f"/api/v1/pledges/{asked.pledge_id}/", "/api/v1/pledge-requests/"]
    reads.append(f"/api/v1/pledge-requests/{asked.pk}/")
    writes = {"/api/v1/pledges/": {"kind": "money"}, f"/api/v1/pledge-requests/{asked.pk}/fulfil/": {"value": "10"}}
    with battery.nothing_written(_stored):
        answers = {f"GET {url}": anonymous.get(url).status_code for url in reads}
        answers |= {f"POST {url}": anonymous.post(url, body, format="json").status_code for url, body in writes.items()}
        battery.assert_all(answers, 401)


def test_api_wrong_methods_are_405(cast, asked, api_for):
    api = api_for(cast.manager)
    request_url = f"/api/v1/pledge-requests/{asked.pk}/"
    with battery.nothing_written(_stored):
        answers = {
            "DELETE pledge": api.delete(f"/api/v1/pledges/{asked.pledge_id}/").status_code,
            "PATCH request": api.patch(request_url, {"need": "x"}, format="json").status_code,
            "DELETE request": api.delete(request_url).status_code,
            "GET fulfil": api_for(cast.pledger).get(f"{request_url}fulfil/").status_code,
        }
        battery.assert_all(answers, 405)


@pytest.mark.parametrize("role", ["referrer", "volunteer", "funder"])
def test_api_roles_without_promises_see_none(cast, asked, api_for, role):
    api = api_for(cast.by_role()[role])
    before = _stored()
    for url in ("/api/v1/pledges/", "/api/v1/pledge-requests/"):
        response = api.get(url)
        assert response.status_code in (200, 403), url
        if response.status_code == 200:
            assert response.json()["results"] == [], url
    assert api.get(f"/api/v1/pledge-requests/{asked.pk}/").status_code in (403, 404)
    assert api.post(f"/api/v1/pledge-requests/{asked.pk}/fulfil/", {"value": "10"}, format="json").status_code in (
        403,
        404,
    )
    assert _stored() == before


def test_api_a_pledger_may_not_create_a_pledge_for_another_member(cast, api_for):
    other = MemberFactory(is_pledger=True, sector="enterprise")
    body = {"member": other.pk, "kind": "money", "description": "捐款", "estimated_value": "100.00"}
    body["valid_from"] = TODAY.isoformat()
    before = _stored()
    response = api_for(cast.pledger).post("/api/v1/pledges/", body, format="json")
    assert response.status_code in (400, 403)
    assert _stored() == before


@pytest.mark.parametrize("value", ["", "-5", "abc", "1.234", "100000000"])
def test_api_fulfil_with_a_bad_value_is_400_and_nothing_changes(cast, asked, api_for, value):
    before = _stored()
    response = api_for(cast.pledger).post(
        f"/api/v1/pledge-requests/{asked.pk}/fulfil/", {"value": value}, format="json"
    )
    assert response.status_code == 400
    assert _stored() == before


# --- pages: who may not, outsiders, bad input ----------------------------------------------------------


@pytest.mark.parametrize("role", ["referrer", "volunteer", "funder"])
def test_a_role_without_promises_gets_403_on_the_pages(cast, client_for, role):
    client = client_for(cast.by_role()[role])
    assert client.get("/promises/").status_code == 403
    assert client.get("/promises/all/").status_code == 403


def test_staff_on_the_members_page_are_sent_to_the_list_of_promises(cast, client_for):
    response = client_for(cast.worker).get("/promises/")
    assert response.status_code == 302 and response["Location"] == "/promises/all/"


@pytest.mark.parametrize("action", ["accept", "decline", "fulfil", "cancel"])
@pytest.mark.parametrize("who", ["another_pledger", "colleague", "referrer", "volunteer", "funder"])
def test_someone_outside_the_request_gets_404_and_nothing_changes(cast, asked, client_for, action, who):
    user = (
        UserFactory(role="pledger", member=MemberFactory(is_pledger=True, sector="enterprise"))
        if who == "another_pledger"
        else cast.by_role()[who]
    )
    before = _stored()
    response = client_for(user).post(f"/promises/requests/{asked.pk}/{action}/", {"value": "100"})
    assert response.status_code == 404
    assert _stored() == before


def test_the_member_may_not_cancel_a_request_made_of_her(cast, asked, client_for):
    before = _stored()
    assert client_for(cast.pledger).post(f"/promises/requests/{asked.pk}/cancel/").status_code == 403
    assert _stored() == before


def test_an_unknown_answer_to_a_request_is_404(cast, asked, client_for):
    before = _stored()
    assert client_for(cast.pledger).post(f"/promises/requests/{asked.pk}/approve/").status_code == 404
    assert _stored() == before


def test_the_member_accepts_then_fulfils_on_the_page(cast, asked, client_for):
    client = client_for(cast.pledger)
    assert client.post(f"/promises/requests/{asked.pk}/accept/", {"note": "周末送到"}).status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.answered_on, asked.note) == ("accepted", TODAY, "周末送到")
    body = {"value": "128.50", "fulfilled_on": TODAY.isoformat()}
    response = client.post(f"/promises/requests/{asked.pk}/fulfil/", body)
    assert response.status_code == 302 and response["Location"] == "/promises/"
    asked.refresh_from_db()
    assert (asked.status, str(asked.value), asked.fulfilled_on) == ("fulfilled", "128.50", TODAY)


def test_the_lead_worker_cancels_a_request_and_returns_to_the_case(cast, asked, client_for):
    response = client_for(cast.worker).post(f"/promises/requests/{asked.pk}/cancel/", {"note": "家里已解决"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{cast.case.pk}/"
    asked.refresh_from_db()
    assert (asked.status, asked.note) == ("cancelled", "家里已解决")


@pytest.mark.parametrize(
    ("fulfilled_on", "message"),
    [
        (battery.NOT_A_DAY, "Enter a real date, for example 2026-03-01."),
        ("下周", "Enter a real date, for example 2026-03-01."),
    ],
)
def test_a_fulfilment_on_no_day_is_refused_not_dated_today(cast, asked, client_for, fulfilled_on, message):
    before = _stored()
    body = {"value": "100", "fulfilled_on": fulfilled_on}
    response = client_for(cast.pledger).post(f"/promises/requests/{asked.pk}/fulfil/", body)
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh(message)]
    assert _stored() == before


def test_a_request_answered_twice_is_refused_the_second_time(cast, asked, client_for):
    client = client_for(cast.pledger)
    client.post(f"/promises/requests/{asked.pk}/decline/")
    before = _stored()
    response = client.post(f"/promises/requests/{asked.pk}/accept/")
    assert battery.messages_of(response)[-1] == battery.zh("This request was already answered.")
    assert _stored() == before


@pytest.mark.parametrize("pledge_value", ["", "abc", "999999", "someone-elses-invisible"])
def test_a_request_without_a_promise_she_may_use_is_refused(cast, client_for, pledge_value):
    before = _stored()
    body = {"pledge": pledge_value, "need": "书包", "what": "书包"}
    response = client_for(cast.worker).post(f"/promises/case/{cast.case.pk}/request/", body)
    assert response.status_code == 302 and response["Location"] == f"/cases/{cast.case.pk}/"
    assert battery.messages_of(response) == [battery.zh("Choose a promise.")]
    assert _stored() == before


def test_a_request_naming_the_child_is_refused_and_nothing_is_sent(cast, pledge, client_for):
    child = cast.case.child
    child.name = PLANTED_NAME
    child.save(update_fields=["name"])
    before = _stored()
    body = {"pledge": pledge.pk, "need": "书包", "what": f"给{PLANTED_NAME}买书包"}
    response = client_for(cast.worker).post(f"/promises/case/{cast.case.pk}/request/", body)
    assert response.status_code == 302
    assert battery.messages_of(response)  # the reason is said
    assert _stored() == before
    page = client_for(cast.pledger).get("/promises/")
    assert PLANTED_NAME not in page.content.decode()


def test_a_request_sent_on_the_page_is_stored(cast, pledge, client_for):
    body = {"pledge": pledge.pk, "need": "需要书包", "what": "一个书包", "urgency": "soon", "estimated_value": "80"}
    response = client_for(cast.worker).post(f"/promises/case/{cast.case.pk}/request/", body)
    assert response.status_code == 302
    request = PledgeRequest.objects.get()
    assert (request.case, request.pledge, request.status, request.requested_by) == (
        cast.case,
        pledge,
        "requested",
        cast.worker,
    )


def test_the_case_panel_names_what_in_a_need_would_identify_the_child(cast, pledge, client_for):
    child = cast.case.child
    response = client_for(cast.worker).get(f"/promises/case/{cast.case.pk}/", {"kind": "goods", "what": child.name})
    assert response.status_code == 200
    assert response.context["what_error"]
    assert response.context["what"] == child.name  # kept to fix


def test_the_list_of_promises_ignores_an_unknown_kind(cast, pledge, client_for):
    PledgeFactory(kind="money", description="助学金")
    response = client_for(cast.worker).get("/promises/all/", {"kind": "magic"})
    assert response.status_code == 200
    assert response.context["kind"] == "magic"
    assert len(list(response.context["pledges"])) == 2
    only_money = client_for(cast.worker).get("/promises/all/", {"kind": "money"})
    assert [p.description for p in only_money.context["pledges"]] == ["助学金"]


# --- exact query counts of the list pages, at two sizes -----------------------------------------------


def _my_requests(cast, n: int) -> None:
    pledge = PledgeFactory(member=cast.pledger.member, valid_from=TODAY.replace(day=1))
    for _ in range(n):
        request_create(
            actor=cast.worker, case=make_case(lead_worker=cast.worker), pledge=pledge, need="书包", what="书包"
        )


def _pledges(cast, n: int) -> None:
    for _ in range(n):
        PledgeFactory()


def _panel_requests(cast, n: int) -> None:
    pledge = PledgeFactory(member=cast.pledger.member, valid_from=TODAY.replace(day=1))
    for _ in range(n):
        request_create(actor=cast.worker, case=cast.case, pledge=pledge, need="书包", what="书包")


LIST_PAGES = {
    "/promises/": ("pledger", _my_requests, "requests", 6),
    "/promises/all/": ("worker", _pledges, "pledges", 4),
    "/promises/case/{case}/?kind=goods": ("worker", _panel_requests, "requests", 7),
}


test_list_page_query_count_is_the_same_at_two_sizes = battery.list_page_battery(LIST_PAGES, more=5)
