"""The standard battery over the referrals API (issue 18 item 6): referrals/ and its four triage actions.

tests/referrals/test_battery.py already proves the referral's anonymous 401 and a few 405s, and bad triage
bodies answering 400; here: every method of every route, the other referrer's 404 naming no child, the
referrer's 403 on triage, each bad body's Chinese message with nothing written (the audit log included),
and each triage action's outcome re-read from the database.

| route                          | anon 401 | 405  | outsider 404        | read-only 403          | bad input (zh) | happy path    |
| ------------------------------ | -------- | ---- | ------------------- | ---------------------- | -------------- | ------------- |
| referrals/                     | here     | here | (scoped list) here  | here (pledger, funder) | here           | test_referrals|
| referrals/{id}/                | here     | here | here                | —                      | —              | test_referrals|
| referrals/{id}/accept/         | here     | here | here                | here (its referrer)    | here           | here          |
| referrals/{id}/decline/        | here     | here | here                | here (its referrer)    | here           | here          |
| referrals/{id}/refer-on/       | here     | here | here                | here (its referrer)    | here           | here          |
| referrals/{id}/needs-info/     | here     | here | here                | here (its referrer)    | here           | here          |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case
from referrals.models import Referral
from tests.api_battery import ZH, api_id_battery, api_route_battery, hidden, refused_in_chinese, send, written
from tests.battery import nothing_written
from tests.factories import ReferralFactory
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world(cast):
    """A referral by Director Wang about the planted child, waiting in triage."""
    referral = ReferralFactory(
        location=cast.village,
        created_by=cast.referrer,
        referrer_member=cast.referrer.member,
        child_name=PLANTED_NAME,
        concerns=f"{PLANTED_NAME}晚上一个人在家",
    )
    return {"referral": referral.pk}


ROUTES = [
    ("GET POST", "/api/v1/referrals/"),
    ("GET", "/api/v1/referrals/{referral}/"),
    ("POST", "/api/v1/referrals/{referral}/accept/"),
    ("POST", "/api/v1/referrals/{referral}/decline/"),
    ("POST", "/api/v1/referrals/{referral}/refer-on/"),
    ("POST", "/api/v1/referrals/{referral}/needs-info/"),
]
TRIAGE = {
    "accept": {},
    "decline": {"reason": "不在服务范围"},
    "refer-on": {"service": "县儿童福利院", "note": "已电话联系"},
    "needs-info": {"question": "孩子现在和谁住？"},
}


def _stored() -> dict:
    return {
        **written(Referral, Case)(),
        "referrals": list(Referral.objects.order_by("pk").values_list("pk", "status", "case_id", "outcome_note")),
    }


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="manager")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="manager")


@pytest.mark.parametrize("action", ["", *[f"{a}/" for a in TRIAGE]])
@pytest.mark.parametrize("who", ["other_referrer", "pledger", "volunteer"])
def test_who_did_not_refer_gets_404_or_403_and_never_the_name(world, cast, api_for, action, who):
    url = f"/api/v1/referrals/{world['referral']}/{action}"
    method = "POST" if action else "GET"
    with nothing_written(_stored):
        response = send(api_for(getattr(cast, who)), method, url, TRIAGE.get(action.strip("/"), {}))
    if who == "other_referrer":
        hidden(response)
    else:  # a role that never refers: the whole endpoint is closed to it
        assert response.status_code == 403
        assert PLANTED_NAME not in response.content.decode()


def test_the_other_referrers_list_holds_nothing_of_it(world, cast, api_for):
    response = api_for(cast.other_referrer).get("/api/v1/referrals/")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert PLANTED_NAME not in response.content.decode()


@pytest.mark.parametrize("action", list(TRIAGE))
def test_the_referrer_sees_her_referral_but_may_not_triage_it(world, cast, api_for, action):
    api = api_for(cast.referrer)
    assert api.get(f"/api/v1/referrals/{world['referral']}/").status_code == 200
    with nothing_written(_stored):
        response = api.post(f"/api/v1/referrals/{world['referral']}/{action}/", TRIAGE[action], format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["funder", "pledger"])
def test_a_role_that_never_refers_may_not_submit(cast, api_for, role):
    body = {"child_name": "小明", "location": cast.village.pk, "concerns": "晚上一个人在家"}
    with nothing_written(_stored):
        response = api_for(getattr(cast, role)).post("/api/v1/referrals/", body, format="json")
    assert response.status_code == 403


def _referral(cast, **overrides):
    body = {"child_name": "小明", "location": cast.village.pk, "concerns": "晚上一个人在家", **overrides}
    return body


BAD = [
    ("", lambda cast: _referral(cast, child_name=""), "child_name", "This field may not be blank.", {}),
    ("", lambda cast: _referral(cast, urgency="tomorrow"), "urgency", '"{input}" is not a valid choice.',
     {"input": "tomorrow"}),
    ("", lambda cast: _referral(cast, child_age=40), "child_age",
     "Ensure this value is less than or equal to {max_value}.", {"max_value": 25}),
    ("", lambda cast: _referral(cast, received_on=(TODAY + dt.timedelta(days=1)).isoformat()), "received_on",
     "The date received cannot be in the future.", {}),
    ("", lambda cast: _referral(cast, location=cast.village.parent_id), "location",
     'Invalid pk "{pk_value}" - object does not exist.', {"pk_value": "{town}"}),
    ("decline/", lambda cast: {"reason": ""}, "reason", "This field may not be blank.", {}),
    ("refer-on/", lambda cast: {"note": "转走"}, "service", "This field is required.", {}),
    ("needs-info/", lambda cast: {}, "question", "This field is required.", {}),
    ("accept/", lambda cast: {"lead_worker": cast.referrer.pk}, "lead_worker",
     'Invalid pk "{pk_value}" - object does not exist.', {"pk_value": "{referrer}"}),
]  # fmt: skip


@pytest.mark.parametrize(("action", "body", "field", "msgid", "params"), BAD, ids=[f"{b[0]}{b[2]}" for b in BAD])
def test_bad_body_is_400_in_chinese_and_nothing_is_written(world, cast, api_for, action, body, field, msgid, params):
    url = f"/api/v1/referrals/{world['referral']}/{action}" if action else "/api/v1/referrals/"
    names = {"town": cast.village.parent_id, "referrer": cast.referrer.pk}
    params = {k: str(v).format(**names) for k, v in params.items()}
    with nothing_written(_stored):
        response = api_for(cast.worker).post(url, body(cast), format="json", **ZH)
    refused_in_chinese(response, field, msgid, **params)


def test_accept_opens_the_case_for_the_worker_named(world, cast, api_for):
    url = f"/api/v1/referrals/{world['referral']}/accept/"
    response = api_for(cast.manager).post(url, {"lead_worker": cast.colleague.pk}, format="json")
    assert response.status_code == 200
    referral = Referral.objects.get(pk=world["referral"])
    assert referral.status == "accepted"
    assert response.json() == {"case": referral.case_id}
    case = Case.objects.select_related("child").get(pk=referral.case_id)
    assert (case.lead_worker_id, case.child.name, case.referral_id) == (cast.colleague.pk, PLANTED_NAME, referral.pk)


@pytest.mark.parametrize(
    ("action", "status", "column", "value"),
    [
        ("decline", "declined", "outcome_note", "不在服务范围"),
        ("refer-on", "referred_on", "outcome_note", "县儿童福利院"),
        ("needs-info", "needs_info", "question", "孩子现在和谁住？"),
    ],
)
def test_each_triage_answer_is_stored(world, cast, api_for, action, status, column, value):
    response = api_for(cast.worker).post(
        f"/api/v1/referrals/{world['referral']}/{action}/", TRIAGE[action], format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == status
    referral = Referral.objects.get(pk=world["referral"])
    assert referral.status == status and referral.case_id is None
    assert value in getattr(referral, column)
    assert referral.triaged_by_id == cast.worker.pk
