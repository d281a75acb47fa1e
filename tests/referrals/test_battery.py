"""The standard battery over every page and endpoint of the referrals app (issue 18 item 6).

Checklist — ``referrals/urls.py`` and ``referrals/api_urls.py``:

| route                               | methods  | anon | 405  | outsider 404            | read-only 403        | bad input              | queries       |
| ----------------------------------- | -------- | ---- | ---- | ----------------------- | -------------------- | ---------------------- | ------------- |
| /referrals/                         | GET      | here | here | (own list) referrals    | here                 | —                      | here          |
| /referrals/new/                     | GET POST | here | here | —                       | here                 | test_referrals, here   |               |
| /referrals/queue/                   | GET      | here | here | —                       | here                 | —                      | test_referrals|
| /referrals/case/<case>/             | GET POST | here | here | test_referrals          | cases battery        | here (30 February)     |               |
| /referrals/<pk>/                    | GET      | here | here | here                    | policy               | —                      |               |
| /referrals/<pk>/thanks/             | GET      | here | here | here                    | —                    | —                      |               |
| /referrals/<pk>/answer/             | POST     | here | here | referrer_pages          | —                    | referrer_pages         |               |
| /referrals/<pk>/sent/               | GET      | here | here | referrer_pages          | —                    | —                      |               |
| /referrals/<pk>/loop/               | POST     | here | here | here                    | here                 | here (no loop: 404)    |               |
| /referrals/outgoing/<pk>/answer/    | POST     | here | here | here                    | here                 | here                   |               |
| /referrals/<pk>/<action>/           | POST     | here | here | write_routes_matrix     | policy               | here                   |               |
| /api/v1/referrals/ (+ 4 actions)    | API      | here | here | referral_visibility     | test_referrals       | here                   | api/          |
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.models import Case
from referrals.models import OutgoingAnswer, OutgoingReferral, Referral
from tests import battery
from tests.factories import ReferralFactory, UserFactory
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _outgoing(cast, **fields):
    from referrals.services import outgoing_referral_create

    return outgoing_referral_create(
        actor=cast.worker,
        case=cast.case,
        service="legal_aid",
        consent_basis="guardian",
        consent_on=TODAY,
        organisation="县法律援助中心",
        directory_service=None,
        share_identity=False,
        **fields,
    )


@pytest.fixture
def world(cast):
    referral = ReferralFactory(location=cast.village, created_by=cast.referrer, referrer_member=cast.referrer.member)
    return {"case": cast.case.pk, "referral": referral.pk, "outgoing": _outgoing(cast).pk}


ROUTES = [
    ("GET", "/referrals/"),
    ("GET POST", "/referrals/new/"),
    ("GET", "/referrals/queue/"),
    ("GET POST", "/referrals/case/{case}/"),
    ("GET", "/referrals/{referral}/"),
    ("GET", "/referrals/{referral}/thanks/"),
    ("POST", "/referrals/{referral}/answer/"),
    ("GET", "/referrals/{referral}/sent/"),
    ("POST", "/referrals/{referral}/loop/"),
    ("POST", "/referrals/outgoing/{outgoing}/answer/"),
    ("POST", "/referrals/{referral}/accept/"),
    ("POST", "/referrals/{referral}/decline/"),
    ("POST", "/referrals/{referral}/refer-on/"),
    ("POST", "/referrals/{referral}/needs-info/"),
]


def _stored() -> dict:
    return {
        **battery.rows(Referral, OutgoingReferral, OutgoingAnswer, Case),
        "referrals": list(Referral.objects.order_by("pk").values_list("pk", "status", "case_id")),
        "outgoing": list(OutgoingReferral.objects.order_by("pk").values_list("pk", "status")),
    }


test_anonymous_is_sent_to_login_and_nothing_is_written, test_wrong_method_is_405_and_nothing_is_written = (
    battery.route_battery(
        ROUTES,
        stored=_stored,
        body={"reason": "匿名", "text": "匿名", "answer": "匿名", "status": "accepted"},
        actor="manager",
    )
)


def test_api_anonymous_is_401_and_nothing_is_written(world, api_for):
    anonymous = api_for(None)
    pk = world["referral"]
    triage = {
        action: lambda action=action: anonymous.post(f"/api/v1/referrals/{pk}/{action}/", {"reason": "匿名"})
        for action in ("accept", "decline", "refer-on", "needs-info")
    }
    with battery.nothing_written(_stored):
        answers = {action: send().status_code for action, send in triage.items()}
        answers["list"] = anonymous.get("/api/v1/referrals/").status_code
        answers["detail"] = anonymous.get(f"/api/v1/referrals/{pk}/").status_code
        answers["create"] = anonymous.post("/api/v1/referrals/", {"child_name": "匿名"}, format="json").status_code
        battery.assert_all(answers, 401)


def test_api_wrong_methods_are_405(world, cast, api_for):
    api = api_for(cast.manager)
    url = f"/api/v1/referrals/{world['referral']}/"
    with battery.nothing_written(_stored):
        battery.assert_all(
            {
                "PUT": api.put(url, {}, format="json").status_code,
                "DELETE": api.delete(url).status_code,
                "GET accept": api.get(f"{url}accept/").status_code,
                "GET decline": api.get(f"{url}decline/").status_code,
            },
            405,
        )


# --- who may not: 403 for a role without the page, 404 for a record they may not see -------------------


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("pledger", "/referrals/"),
        ("volunteer", "/referrals/"),
        ("funder", "/referrals/"),
        ("referrer", "/referrals/queue/"),
        ("pledger", "/referrals/queue/"),
        ("volunteer", "/referrals/queue/"),
        ("funder", "/referrals/queue/"),
        ("pledger", "/referrals/new/"),
        ("funder", "/referrals/new/"),
    ],
)
def test_a_role_without_the_page_gets_403(cast, client_for, role, url):
    assert client_for(cast.by_role()[role]).get(url).status_code == 403


def test_staff_on_the_referrers_list_are_sent_to_the_queue(cast, client_for):
    response = client_for(cast.worker).get("/referrals/")
    assert response.status_code == 302 and response["Location"] == "/referrals/queue/"


@pytest.fixture
def planted_referral(cast):
    return ReferralFactory(
        location=cast.village, created_by=cast.referrer, referrer_member=cast.referrer.member, child_name=PLANTED_NAME
    )


@pytest.mark.parametrize("path", ["/referrals/{pk}/", "/referrals/{pk}/thanks/", "/referrals/{pk}/sent/"])
@pytest.mark.parametrize("role", ["other_referrer", "pledger", "volunteer", "funder"])
def test_someone_elses_referral_is_404_without_the_childs_name(cast, client_for, planted_referral, path, role):
    response = client_for(getattr(cast, role)).get(path.format(pk=planted_referral.pk))
    assert response.status_code == 404
    assert PLANTED_NAME not in response.content.decode()


def test_the_referrer_may_not_open_the_triage_page_of_her_own_referral(cast, client_for, planted_referral):
    response = client_for(cast.referrer).get(f"/referrals/{planted_referral.pk}/")
    assert response.status_code in (403, 404)
    assert PLANTED_NAME not in response.content.decode()


def test_another_organisations_manager_cannot_triage_our_referral(cast, client_for, planted_referral):
    from organisations.models import Organisation

    outsider = UserFactory(role="manager", organisation=Organisation.objects.create(name="别家中心", kind="ngo"))
    client = client_for(outsider)
    with battery.nothing_written(_stored):
        assert client.get(f"/referrals/{planted_referral.pk}/").status_code == 404
        for action in ("accept", "decline", "refer-on", "needs-info"):
            assert client.post(f"/referrals/{planted_referral.pk}/{action}/", {"text": "别家"}).status_code == 404
        assert PLANTED_NAME not in client.get("/referrals/queue/").content.decode()


# --- triage on the web: each action stored, bad input refused --------------------------------------


def test_accept_on_the_web_opens_a_case_for_the_chosen_worker(world, cast, client_for):
    pk = world["referral"]
    response = client_for(cast.manager).post(f"/referrals/{pk}/accept/", {"lead_worker": cast.colleague.pk})
    assert response.status_code == 302 and response["Location"] == f"/referrals/{pk}/"
    referral = Referral.objects.get(pk=pk)
    assert referral.status == "accepted"
    case = Case.objects.get(pk=referral.case_id)
    assert (case.lead_worker, case.status) == (cast.colleague, "assessment")


def test_accept_by_htmx_answers_204_with_where_to_go(world, cast, client_for):
    pk = world["referral"]
    response = client_for(cast.worker).post(f"/referrals/{pk}/accept/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == f"/referrals/{pk}/"
    assert Referral.objects.get(pk=pk).status == "accepted"


@pytest.mark.parametrize("lead", ["abc", "999999", "referrer"])
def test_accept_with_someone_who_is_no_social_worker_changes_nothing(world, cast, client_for, lead):
    value = str(cast.referrer.pk) if lead == "referrer" else lead
    before = _stored()
    response = client_for(cast.manager).post(f"/referrals/{world['referral']}/accept/", {"lead_worker": value})
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Choose an active social worker.")]
    assert _stored() == before


@pytest.mark.parametrize("link", ["999999", "child-of-a-colleagues-case"])
def test_accept_linked_to_a_child_she_may_not_see_changes_nothing(world, cast, client_for, link):
    from tests.factories import make_case

    if link != "999999":
        link = str(make_case(lead_worker=cast.colleague).child_id)
    before = _stored()
    response = client_for(cast.worker).post(f"/referrals/{world['referral']}/accept/", {"link_child": link})
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("That child is not one you may link to.")]
    assert _stored() == before


@pytest.mark.parametrize(
    ("action", "body", "status", "field", "value"),
    [
        ("decline", {"text": "不属于本项目服务范围"}, "declined", "outcome_note", "不属于本项目服务范围"),
        ("needs-info", {"text": "孩子的奶奶还在村里吗？"}, "needs_info", "question", "孩子的奶奶还在村里吗？"),
    ],
)
def test_a_triage_decision_on_the_web_is_stored(world, cast, client_for, action, body, status, field, value):
    pk = world["referral"]
    assert client_for(cast.worker).post(f"/referrals/{pk}/{action}/", body).status_code == 302
    referral = Referral.objects.get(pk=pk)
    assert (referral.status, getattr(referral, field)) == (status, value)


@pytest.mark.parametrize("action", ["decline", "needs-info", "refer-on"])
@pytest.mark.parametrize("text", ["", "   "])
def test_a_triage_decision_without_its_text_is_refused(world, cast, client_for, action, text):
    before = _stored()
    response = client_for(cast.worker).post(f"/referrals/{world['referral']}/{action}/", {"text": text})
    assert response.status_code == 302 and response["Location"] == f"/referrals/{world['referral']}/"
    assert battery.messages_of(response) == [battery.zh("Please fill in the text.")]
    assert _stored() == before


def test_an_unknown_triage_action_is_404(world, cast, client_for):
    before = _stored()
    assert client_for(cast.worker).post(f"/referrals/{world['referral']}/approve/", {"text": "x"}).status_code == 404
    assert _stored() == before


def test_the_api_triage_with_bad_input_is_400_and_changes_nothing(world, cast, api_for):
    api = api_for(cast.worker)
    url = f"/api/v1/referrals/{world['referral']}/"
    with battery.nothing_written(_stored):
        answers = {
            "decline without a reason": api.post(f"{url}decline/", {"reason": ""}, format="json"),
            "needs-info without a question": api.post(f"{url}needs-info/", {}, format="json"),
            "accept for no worker": api.post(f"{url}accept/", {"lead_worker": "x"}, format="json"),
        }
        battery.assert_all({label: response.status_code for label, response in answers.items()}, 400)


def test_a_referral_form_with_bad_input_keeps_what_was_typed(cast, client_for):
    body = {
        "child_name": "小明",
        "child_sex": "male",
        "location": cast.village.pk,
        "concerns": "晚上一个人在家",
        "urgency": "tomorrow",
        "submission_key": "k-bad",
        "age": "9",
    }
    response = client_for(cast.referrer).post("/referrals/new/", body)
    assert response.status_code == 200
    assert "urgency" in response.context["form"].errors
    html = response.content.decode()
    assert "小明" in html and "晚上一个人在家" in html
    assert not Referral.objects.filter(child_name="小明").exists()


# --- the loop of an outgoing referral ---------------------------------------------------------------------


def test_the_worker_records_the_outside_organisations_answer(world, cast, client_for):
    body = {"status": "accepted", "note": "已受理", "answered_on": TODAY.isoformat()}
    response = client_for(cast.worker).post(f"/referrals/outgoing/{world['outgoing']}/answer/", body)
    assert response.status_code == 302 and response["Location"] == f"/cases/{cast.case.pk}/"
    outgoing = OutgoingReferral.objects.get(pk=world["outgoing"])
    assert (outgoing.status, outgoing.answered_on) == ("accepted", TODAY)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"status": "accepted", "answered_on": battery.NOT_A_DAY}, "Enter a real date, for example 2026-03-01."),
        ({"status": "accepted", "answered_on": "昨天"}, "Enter a real date, for example 2026-03-01."),
        ({"status": "accepted", "answered_on": "2999-01-01"}, "The date cannot be in the future."),
    ],
)
def test_an_outgoing_answer_on_no_day_is_refused_and_nothing_changes(world, cast, client_for, body, message):
    before = _stored()
    response = client_for(cast.worker).post(f"/referrals/outgoing/{world['outgoing']}/answer/", body)
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh(message)]
    assert _stored() == before


def test_an_outgoing_answer_by_someone_outside_the_case_is_404(world, cast, client_for):
    before = _stored()
    for user in (cast.colleague, cast.referrer, cast.funder):
        response = client_for(user).post(f"/referrals/outgoing/{world['outgoing']}/answer/", {"status": "accepted"})
        assert response.status_code == 404, user.role
    assert _stored() == before


def test_an_outgoing_answer_on_a_closed_case_is_403(world, cast, client_for):
    from cases.services import case_close

    case_close(actor=cast.manager, case=cast.case, closed_on=TODAY, closure_reason="目标达成", closure_code="goals_met")
    before = _stored()
    response = client_for(cast.worker).post(f"/referrals/outgoing/{world['outgoing']}/answer/", {"status": "accepted"})
    assert response.status_code == 403
    assert _stored() == before


@pytest.mark.parametrize("field", ["follow_up_on", "consent_on"])
def test_a_referral_out_dated_on_no_day_is_refused(cast, client_for, field):
    body = {
        "service": "legal_aid",
        "consent_basis": "guardian",
        "consent_on": TODAY.isoformat(),
        field: battery.NOT_A_DAY,
    }
    before = _stored()
    response = client_for(cast.worker).post(f"/referrals/case/{cast.case.pk}/", body)
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Enter a real date, for example 2026-03-01.")]
    assert _stored() == before


def test_a_referral_out_to_a_service_not_in_her_directory_is_refused(cast, client_for):
    body = {"service": "legal_aid", "consent_basis": "guardian", "consent_on": TODAY.isoformat()}
    before = _stored()
    response = client_for(cast.worker).post(f"/referrals/case/{cast.case.pk}/", {**body, "directory_service": "999"})
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Choose a service from the directory.")]
    assert _stored() == before


def test_a_loop_answer_on_a_referral_that_came_from_no_loop_is_404(world, cast, client_for):
    before = _stored()
    response = client_for(cast.manager).post(f"/referrals/{world['referral']}/loop/", {"status": "in_progress"})
    assert response.status_code == 404
    assert _stored() == before


def test_a_loop_answer_by_the_referrer_is_refused(world, cast, client_for):
    before = _stored()
    response = client_for(cast.referrer).post(f"/referrals/{world['referral']}/loop/", {"status": "in_progress"})
    assert response.status_code in (403, 404)
    assert _stored() == before


# --- exact query counts of the referrer's list, at two sizes -------------------------------------------


def _mine(cast, n: int) -> None:
    for _ in range(n):
        ReferralFactory(location=cast.village, created_by=cast.referrer, referrer_member=cast.referrer.member)


def _in_and_out(cast, n: int) -> None:
    for _ in range(n):
        _outgoing(cast)
        ReferralFactory(location=cast.village, case=cast.case, status="accepted")


# page -> (who, how rows are made, the context key counted, the pinned number of queries)
LIST_PAGES = {
    "/referrals/": ("referrer", _mine, "referrals", 5),
    "/referrals/case/{case}/": ("worker", _in_and_out, "outgoing", 9),
}


test_list_page_query_count_is_the_same_at_two_sizes = battery.list_page_battery(LIST_PAGES, more=10)
