"""The standard battery over every page and endpoint of the alliance app (issue 18 item 6).

Checklist — ``alliance/urls.py`` and ``alliance/api_urls.py``:

| route                                 | methods  | anon | 405  | outsider 404          | read-only 403          | bad input                 | queries |
| ------------------------------------- | -------- | ---- | ---- | --------------------- | ---------------------- | ------------------------- | ------- |
| /alliance/                            | GET      | here | here | —                     | here                   | input_hygiene             | here    |
| /alliance/new/                        | GET POST | here | here | —                     | routes_not_tested      | here                      |         |
| /alliance/import/                     | GET POST | here | here | —                     | import_and_certificate | import_and_certificate    |         |
| /alliance/export/                     | GET      | here | here | —                     | here                   | input_hygiene             |         |
| /alliance/<pk>/                       | GET      | here | here | here                  | —                      | —                         |         |
| /alliance/<pk>/certificate/           | GET      | here | here | member_policy         | —                      | —                         |         |
| /alliance/events/                     | GET POST | here | here | —                     | here                   | here (far future: no 500) | here    |
| /alliance/events/<id>/agreements/     | POST     | here | here | here                  | here                   | here (30 February)        |         |
| /alliance/visits/                     | GET      | here | here | —                     | here                   | —                         | here    |
| /alliance/visits/<case>/log/          | POST     | here | here | volunteer_visits      | —                      | volunteer_visits + here   |         |
| /alliance/visits/<case>/worried/      | POST     | here | here | here (404, was 403)   | —                      | —                         |         |
| /alliance/case/<case>/                | GET POST | here | here | routes_not_tested     | cases battery          | here                      | here    |
| /api/v1/members/, events/, volunteer-logs/ | API | here | here | here                  | here                   | here                      | api/    |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.models import ConferenceAgreement, Event, Member, VolunteerAssignment, VolunteerLog
from alliance.services import volunteer_assign
from notifications.models import Notification
from tests import battery
from tests.factories import EventFactory, MemberFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
WRITTEN = (Member, Event, ConferenceAgreement, VolunteerAssignment, VolunteerLog, Notification)


@pytest.fixture
def world(cast):
    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="陪伴写作业")
    conference = EventFactory(kind="joint_conference", title="联席会议")
    return {"case": cast.case.pk, "member": cast.referrer.member.pk, "event": conference.pk}


ROUTES = [
    ("GET", "/alliance/"),
    ("GET POST", "/alliance/new/"),
    ("GET POST", "/alliance/import/"),
    ("GET", "/alliance/export/"),
    ("GET", "/alliance/{member}/"),
    ("GET", "/alliance/{member}/certificate/"),
    ("GET POST", "/alliance/events/"),
    ("POST", "/alliance/events/{event}/agreements/"),
    ("GET", "/alliance/visits/"),
    ("POST", "/alliance/visits/{case}/log/"),
    ("POST", "/alliance/visits/{case}/worried/"),
    ("GET POST", "/alliance/case/{case}/"),
]


def _stored() -> dict:
    return {**battery.rows(*WRITTEN), "members": list(Member.objects.order_by("pk").values_list("pk", "name", "phone"))}


test_anonymous_is_sent_to_login_and_nothing_is_written, test_wrong_method_is_405_and_nothing_is_written = (
    battery.route_battery(
        ROUTES,
        stored=_stored,
        body={"name": "匿名", "minutes": "30", "message": "匿名", "department": "匿名"},
        actor="manager",
        actors={path: "volunteer" for _, path in ROUTES if "/visits/" in path},
    )
)


API_ROUTES = ["/api/v1/members/", "/api/v1/events/", "/api/v1/volunteer-logs/"]


@pytest.mark.parametrize("url", API_ROUTES)
def test_api_anonymous_is_401_and_nothing_is_written(world, api_for, url):
    before = _stored()
    assert api_for(None).get(url).status_code == 401
    assert api_for(None).post(url, {"name": "匿名", "title": "匿名", "minutes": 30}, format="json").status_code == 401
    assert _stored() == before


def test_api_wrong_methods_are_405(world, cast, api_for):
    api = api_for(cast.manager)
    log = VolunteerLog.objects.create(member=cast.volunteer.member, case=cast.case, date=TODAY, minutes=30)
    with battery.nothing_written(_stored):
        answers = {
            "DELETE member": api.delete(f"/api/v1/members/{world['member']}/").status_code,
            "PATCH event": api.patch(f"/api/v1/events/{world['event']}/", {"title": "改"}, format="json").status_code,
            "DELETE event": api.delete(f"/api/v1/events/{world['event']}/").status_code,
            "PATCH log": api.patch(f"/api/v1/volunteer-logs/{log.pk}/", {"minutes": 1}, format="json").status_code,
            "DELETE log": api.delete(f"/api/v1/volunteer-logs/{log.pk}/").status_code,
        }
        battery.assert_all(answers, 405)
    log.refresh_from_db()
    assert log.minutes == 30


@pytest.mark.parametrize("role", ["referrer", "pledger", "funder"])
@pytest.mark.parametrize("url", API_ROUTES)
def test_api_roles_outside_the_staff_get_403(world, cast, api_for, role, url):
    before = _stored()
    api = api_for(cast.by_role()[role])
    assert api.get(url).status_code == 403
    assert api.post(url, {"name": "外人", "title": "外人", "minutes": 30}, format="json").status_code == 403
    assert _stored() == before


def test_api_volunteer_sees_only_her_own_logs(world, cast, api_for):
    other = MemberFactory(is_volunteer=True, is_referrer=False)
    VolunteerLog.objects.create(member=other, case=cast.case, date=TODAY, minutes=20)
    mine = VolunteerLog.objects.create(member=cast.volunteer.member, case=cast.case, date=TODAY, minutes=40)
    response = api_for(cast.volunteer).get("/api/v1/volunteer-logs/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_api_bad_input_is_400_and_nothing_is_written(world, cast, api_for):
    api = api_for(cast.worker)
    far = (TODAY + dt.timedelta(days=800)).isoformat()
    bodies = {
        "member without a name": ("/api/v1/members/", {"sector": "wf_director"}),
        "member with a bad phone": ("/api/v1/members/", {"name": "新成员", "sector": "wf_director", "phone": "12"}),
        "event of no kind": ("/api/v1/events/", {"kind": "party", "date": TODAY.isoformat(), "title": "聚会"}),
        "event on no day": ("/api/v1/events/", {"kind": "training", "date": battery.NOT_A_DAY, "title": "培训"}),
        "event in two years": ("/api/v1/events/", {"kind": "training", "date": far, "title": "培训"}),
    }
    with battery.nothing_written(_stored):
        battery.assert_all(
            {label: api.post(url, body, format="json").status_code for label, (url, body) in bodies.items()}, 400
        )


# --- pages: who may not, outsiders, bad input --------------------------------------------------------


@pytest.mark.parametrize("role", ["referrer", "pledger", "volunteer", "funder"])
@pytest.mark.parametrize("url", ["/alliance/", "/alliance/export/", "/alliance/events/", "/alliance/import/"])
def test_roles_outside_the_staff_get_403_on_the_directory_pages(cast, client_for, role, url):
    assert client_for(cast.by_role()[role]).get(url).status_code == 403


@pytest.mark.parametrize("role", ["worker", "manager", "referrer", "pledger", "funder"])
def test_only_a_volunteer_has_a_visits_page(cast, client_for, role):
    assert client_for(cast.by_role()[role]).get("/alliance/visits/").status_code == 403


def test_a_volunteer_account_without_a_member_gets_403_on_the_visits_page(cast, client_for):
    loose = UserFactory(role="volunteer", member=None)
    assert client_for(loose).get("/alliance/visits/").status_code == 403


def test_staff_may_not_post_an_agreement_and_nothing_is_written(world, cast, client_for):
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        response = client_for(user).post(f"/alliance/events/{world['event']}/agreements/", {"department": "民政"})
        assert response.status_code == 403, user.role
    assert not ConferenceAgreement.objects.exists()


def test_an_agreement_on_an_event_that_does_not_exist_is_404(cast, client_for):
    assert (
        client_for(cast.worker).post("/alliance/events/999999/agreements/", {"department": "民政"}).status_code == 404
    )
    assert not ConferenceAgreement.objects.exists()


def test_a_member_page_is_404_for_another_member_and_for_none(cast, client_for):
    member = cast.other_referrer.member
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        response = client_for(user).get(f"/alliance/{member.pk}/")
        assert response.status_code == 404, user.role
        assert member.phone not in response.content.decode()
    assert client_for(cast.worker).get("/alliance/999999/").status_code == 404


def test_staff_open_a_member_page(cast, client_for):
    response = client_for(cast.worker).get(f"/alliance/{cast.pledger.member.pk}/")
    assert response.status_code == 200
    assert response.context["member"] == cast.pledger.member


def test_the_worried_button_on_a_visit_not_hers_is_404_and_tells_no_one(world, cast, client_for):
    other_case = make_case(lead_worker=cast.worker)
    before = _stored()
    response = client_for(cast.volunteer).post(f"/alliance/visits/{other_case.pk}/worried/", {"message": "担心"})
    assert response.status_code == 404
    for user in (cast.worker, cast.referrer):
        assert client_for(user).post(f"/alliance/visits/{cast.case.pk}/worried/", {"message": "x"}).status_code == 404
    assert _stored() == before


def test_the_worried_button_tells_the_lead_worker(world, cast, client_for):
    response = client_for(cast.volunteer).post(f"/alliance/visits/{cast.case.pk}/worried/", {"message": "孩子哭了"})
    assert response.status_code == 302 and response["Location"] == "/alliance/visits/"
    told = Notification.objects.get(user=cast.worker, kind="volunteer_concern")
    assert "孩子哭了" in told.text


def test_a_member_added_on_the_page_is_stored(cast, client_for):
    body = {"name": "周老师", "kind": "individual", "sector": "school", "location": cast.village.pk}
    body |= {"is_referrer": "on", "phone": "13911112222"}
    response = client_for(cast.worker).post("/alliance/new/", body)
    assert response.status_code == 302 and response["Location"] == "/alliance/"
    member = Member.objects.get(name="周老师")
    assert (member.sector, member.location, member.is_referrer, member.phone) == (
        "school",
        cast.village,
        True,
        "13911112222",
    )


@pytest.mark.parametrize(
    ("field", "value"), [("phone", "12345"), ("sector", "mafia"), ("joined_on", battery.NOT_A_DAY), ("name", "")]
)
def test_a_bad_member_comes_back_with_what_was_typed_and_nothing_is_written(cast, client_for, field, value):
    body = {
        "name": "周老师",
        "kind": "individual",
        "sector": "school",
        "location": cast.village.pk,
        "phone": "13911112222",
    }
    body[field] = value
    before = _stored()
    response = client_for(cast.worker).post("/alliance/new/", body)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    if field != "name":
        assert "周老师" in response.content.decode()
    assert _stored() == before


def test_an_event_is_stored_with_its_members(cast, client_for):
    body = {
        "kind": "director_meeting",
        "date": TODAY.isoformat(),
        "title": "月度例会",
        "members": [cast.referrer.member.pk],
    }
    assert client_for(cast.worker).post("/alliance/events/", body).status_code == 302
    event = Event.objects.get(title="月度例会")
    assert (event.kind, event.date, event.created_by) == ("director_meeting", TODAY, cast.worker)
    assert list(event.members.all()) == [cast.referrer.member]


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", battery.NOT_A_DAY), ("kind", "party"), ("date", (TODAY + dt.timedelta(days=800)).isoformat())],
)
def test_a_bad_event_is_the_form_again_with_what_was_typed(cast, client_for, field, value):
    body = {"kind": "training", "date": TODAY.isoformat(), "title": "识别困境儿童培训"}
    body[field] = value
    before = _stored()
    response = client_for(cast.worker).post("/alliance/events/", body)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "识别困境儿童培训" in response.content.decode()
    assert _stored() == before


def test_an_agreement_is_stored(world, cast, client_for):
    body = {"department": "民政局", "agreed_action": "申请低保", "follow_up_on": TODAY.isoformat(), "attended": "on"}
    assert client_for(cast.worker).post(f"/alliance/events/{world['event']}/agreements/", body).status_code == 302
    agreement = ConferenceAgreement.objects.get()
    assert (agreement.department, agreement.agreed_action, agreement.follow_up_on, agreement.attended) == (
        "民政局",
        "申请低保",
        TODAY,
        True,
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"department": "民政局", "follow_up_on": battery.NOT_A_DAY}, "Enter a real date, for example 2026-03-01."),
        ({"department": "  "}, "Name the department."),
    ],
)
def test_a_bad_agreement_is_refused_in_chinese(world, cast, client_for, body, message):
    response = client_for(cast.worker).post(f"/alliance/events/{world['event']}/agreements/", body)
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh(message)]
    assert not ConferenceAgreement.objects.exists()


def test_an_agreement_on_a_training_is_refused(cast, client_for):
    training = EventFactory(kind="training")
    response = client_for(cast.worker).post(f"/alliance/events/{training.pk}/agreements/", {"department": "民政局"})
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Agreements belong to a joint conference.")]
    assert not ConferenceAgreement.objects.exists()


def test_a_visit_dated_on_no_day_keeps_what_she_typed(world, cast, client_for):
    body = {"date": battery.NOT_A_DAY, "minutes": "40", "note": "一起读绘本"}
    response = client_for(cast.volunteer).post(f"/alliance/visits/{cast.case.pk}/log/", body)
    assert response.status_code == 200
    failed = response.context["failed"]
    assert (failed["note"], failed["minutes"], failed["date"]) == ("一起读绘本", "40", battery.NOT_A_DAY)
    assert failed["errors"] == [battery.zh("Give the date of the visit.")]
    assert not VolunteerLog.objects.exists()


def test_assigning_a_volunteer_on_the_case_panel_is_stored(cast, client_for):
    body = {"member": cast.volunteer.member.pk, "brief": "每周陪伴一次"}
    response = client_for(cast.worker).post(f"/alliance/case/{cast.case.pk}/", body)
    assert response.status_code == 302 and response["Location"] == f"/cases/{cast.case.pk}/"
    assignment = VolunteerAssignment.objects.get(case=cast.case)
    assert (assignment.member, assignment.brief, assignment.is_active) == (cast.volunteer.member, "每周陪伴一次", True)


@pytest.mark.parametrize("member", ["", "abc", "999999", "a-referrer"])
def test_assigning_someone_who_is_no_volunteer_is_refused(cast, client_for, member):
    value = str(cast.referrer.member.pk) if member == "a-referrer" else member
    response = client_for(cast.worker).post(f"/alliance/case/{cast.case.pk}/", {"member": value})
    assert response.status_code == 302
    assert battery.messages_of(response) == [battery.zh("Choose a volunteer.")]
    assert not VolunteerAssignment.objects.exists()


# --- exact query counts of the list pages, at two sizes -----------------------------------------------


def _members(cast, n: int) -> None:
    for _ in range(n):
        MemberFactory(location=cast.village, is_pledger=True, is_volunteer=True)


def _events(cast, n: int) -> None:
    for _ in range(n):
        event = EventFactory(kind="joint_conference")
        event.members.add(cast.referrer.member)
        ConferenceAgreement.objects.create(event=event, department="民政局")


def _visits(cast, n: int) -> None:
    for _ in range(n):
        case = make_case(lead_worker=cast.worker)
        volunteer_assign(actor=cast.worker, case=case, member=cast.volunteer.member, brief="陪伴")
        VolunteerLog.objects.create(member=cast.volunteer.member, case=case, date=TODAY, minutes=30)


def _panel_rows(cast, n: int) -> None:
    for _ in range(n):
        member = MemberFactory(location=cast.village, is_volunteer=True, is_referrer=False)
        volunteer_assign(actor=cast.worker, case=cast.case, member=member, brief="陪伴")
        VolunteerLog.objects.create(member=member, case=cast.case, date=TODAY, minutes=30)


# page -> (who, how rows are made, the context key counted, the pinned number of queries)
LIST_PAGES = {
    "/alliance/": ("worker", _members, "members", 5),
    "/alliance/events/": ("worker", _events, "events", 8),
    "/alliance/visits/": ("volunteer", _visits, "assignments", 9),
    "/alliance/case/{case}/": ("worker", _panel_rows, "assignments", 8),
}


test_list_page_query_count_is_the_same_at_two_sizes = battery.list_page_battery(LIST_PAGES, more=5)
