"""The standard battery over the Alliance API (issue 18 item 6): members/, events/, volunteer-logs/.

tests/alliance/test_battery.py proves the list routes' anonymous 401, some 405s, the outside roles' 403 on
the lists and that bad bodies answer 400; here: every method of every route (details included), another
organisation's 404 on each detail, the Chinese of each refusal with nothing written (audit included), and
the writes re-read from the database.

| route                    | anon 401 | 405  | outsider 404          | read-only 403              | bad input (zh) | happy path |
| ------------------------ | -------- | ---- | --------------------- | -------------------------- | -------------- | ---------- |
| members/, members/{id}/  | here     | here | here (other org)      | here (three outside roles)| here           | here       |
| events/, events/{id}/    | here     | here | here (other org)      | here (three outside roles)| here           | here       |
| volunteer-logs/, {id}/   | here     | here | here (colleague, vol.)| here (referrer, pledger)   | here           | here       |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from alliance.models import Event, Member, VolunteerLog
from alliance.services import volunteer_assign
from tests.api_battery import ZH, api_id_battery, api_route_battery, hidden, refused_in_chinese, send, written
from tests.battery import nothing_written
from tests.factories import EventFactory, MemberFactory, UserFactory
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world(cast):
    """Sun is assigned to the cast's case (about the planted child) and has logged a visit to it."""
    child = cast.case.child
    child.name = PLANTED_NAME
    child.save(update_fields=["name"])
    volunteer_assign(actor=cast.worker, case=cast.case, member=cast.volunteer.member, brief="陪伴写作业")
    log = VolunteerLog.objects.create(
        member=cast.volunteer.member, case=cast.case, date=TODAY, minutes=45, note=f"{PLANTED_NAME}在写作业"
    )
    event = EventFactory(kind="training", title="识别培训", created_by=cast.manager)
    conference = EventFactory(kind="joint_conference", title="联席会议", case=cast.case, created_by=cast.worker)
    return {"member": cast.referrer.member.pk, "event": event.pk, "log": log.pk, "conference": conference.pk}


ROUTES = [
    ("GET POST", "/api/v1/members/"),
    ("GET PUT PATCH", "/api/v1/members/{member}/"),
    ("GET POST", "/api/v1/events/"),
    ("GET", "/api/v1/events/{event}/"),
    ("GET POST", "/api/v1/volunteer-logs/"),
    ("GET", "/api/v1/volunteer-logs/{log}/"),
]


def _stored() -> dict:
    return {
        **written(Member, Event, VolunteerLog)(),
        "members": list(Member.objects.order_by("pk").values_list("pk", "name", "phone", "sector")),
    }


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="manager")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="manager")


def _other_manager():
    from organisations.models import Organisation

    return UserFactory(role=Role.MANAGER, organisation=Organisation.objects.create(name="别家中心", kind="ngo"))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/members/{member}/", {}),
        ("PATCH", "/api/v1/members/{member}/", {"name": "改名"}),
        ("GET", "/api/v1/events/{event}/", {}),
        ("GET", "/api/v1/volunteer-logs/{log}/", {}),
    ],
)
def test_another_organisations_manager_gets_404(world, api_for, method, path, body):
    with nothing_written(_stored):
        hidden(send(api_for(_other_manager()), method, path.format(**world), body))


@pytest.mark.parametrize("who", ["colleague", "other_volunteer"])
def test_a_visit_log_is_404_for_who_is_not_on_the_case_and_names_no_child(world, cast, api_for, who):
    if who == "other_volunteer":
        member = MemberFactory(is_volunteer=True, is_referrer=False, location=cast.village)
        user = UserFactory(role=Role.VOLUNTEER, member=member)
    else:
        user = cast.colleague
    api = api_for(user)
    hidden(api.get(f"/api/v1/volunteer-logs/{world['log']}/"))
    if who == "colleague":  # the joint conference about the child, too
        hidden(api.get(f"/api/v1/events/{world['conference']}/"))
        assert world["conference"] not in [row["id"] for row in api.get("/api/v1/events/").json()["results"]]
    listed = api.get("/api/v1/volunteer-logs/")
    assert listed.status_code == 200 and listed.json()["count"] == 0
    assert PLANTED_NAME not in listed.content.decode()


@pytest.mark.parametrize("role", ["referrer", "pledger", "funder"])
def test_outside_roles_may_not_read_a_member_event_or_log(world, cast, api_for, role):
    api = api_for(getattr(cast, role))
    with nothing_written(_stored):
        answers = {
            "member": api.get(f"/api/v1/members/{world['member']}/").status_code,
            "patch member": api.patch(f"/api/v1/members/{world['member']}/", {"name": "改"}, format="json").status_code,
            "event": api.get(f"/api/v1/events/{world['event']}/").status_code,
            "log": api.get(f"/api/v1/volunteer-logs/{world['log']}/").status_code,
        }
    assert answers == dict.fromkeys(answers, 403)


def test_a_volunteer_may_not_log_a_visit_to_a_case_she_is_not_assigned(world, cast, api_for):
    from tests.factories import make_case

    other = make_case(lead_worker=cast.worker)
    body = {"case": other.pk, "date": TODAY.isoformat(), "minutes": 30}
    with nothing_written(_stored):
        response = api_for(cast.volunteer).post("/api/v1/volunteer-logs/", body, format="json", **ZH)
    refused_in_chinese(response, "case", "No such case.")


FUTURE = (TODAY + dt.timedelta(days=1)).isoformat()
BAD = [
    ("/api/v1/members/", {"name": "", "sector": "wf_director"}, "name", "This field may not be blank.", {}),
    ("/api/v1/members/", {"name": "新成员", "sector": "cook"}, "sector", '"{input}" is not a valid choice.',
     {"input": "cook"}),
    ("/api/v1/events/", {"kind": "party", "date": TODAY.isoformat(), "title": "聚会"}, "kind",
     '"{input}" is not a valid choice.', {"input": "party"}),
    ("/api/v1/events/", {"kind": "training", "date": TODAY.isoformat(), "title": "培训", "case": 0}, "case",
     "No such case.", {}),
    ("/api/v1/volunteer-logs/", {"case": "{case}", "date": TODAY.isoformat(), "minutes": 0}, "minutes",
     "Ensure this value is greater than or equal to {min_value}.", {"min_value": 1}),
    ("/api/v1/volunteer-logs/", {"case": "{case}", "date": TODAY.isoformat(), "minutes": 1441}, "minutes",
     "Ensure this value is less than or equal to {max_value}.", {"max_value": 1440}),
]  # fmt: skip


@pytest.mark.parametrize(("url", "body", "field", "msgid", "params"), BAD, ids=[f"{b[0]}{b[2]}" for b in BAD])
def test_bad_body_is_400_in_chinese_and_nothing_is_written(world, cast, api_for, url, body, field, msgid, params):
    body = {k: cast.case.pk if v == "{case}" else v for k, v in body.items()}
    with nothing_written(_stored):
        response = api_for(cast.manager).post(url, body, format="json", **ZH)
    refused_in_chinese(response, field, msgid, **params)


def test_a_log_dated_tomorrow_is_refused(world, cast, api_for):
    body = {"case": cast.case.pk, "date": FUTURE, "minutes": 30}
    with nothing_written(_stored):
        response = api_for(cast.volunteer).post("/api/v1/volunteer-logs/", body, format="json", **ZH)
    assert response.status_code == 400
    assert list(response.json()) == ["date"]


def test_manager_renames_a_member_and_it_is_stored(world, cast, api_for):
    response = api_for(cast.manager).patch(
        f"/api/v1/members/{world['member']}/", {"name": "王秀英", "phone": "13800000009"}, format="json"
    )
    assert response.status_code == 200, response.content
    member = Member.objects.get(pk=world["member"])
    assert (member.name, member.phone) == ("王秀英", "13800000009")


def test_worker_records_an_event_with_its_members(world, cast, api_for):
    body = {
        "kind": "director_meeting",
        "date": TODAY.isoformat(),
        "title": "月度主任会",
        "members": [cast.referrer.member.pk, cast.other_referrer.member.pk],
    }
    response = api_for(cast.worker).post("/api/v1/events/", body, format="json")
    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert (event.kind, event.title, event.date) == ("director_meeting", "月度主任会", TODAY)
    assert sorted(event.members.values_list("pk", flat=True)) == sorted(body["members"])


def test_the_volunteer_logs_her_visit_for_herself(world, cast, api_for):
    body = {"case": cast.case.pk, "date": TODAY.isoformat(), "minutes": 50, "note": "一起读书"}
    response = api_for(cast.volunteer).post("/api/v1/volunteer-logs/", body, format="json")
    assert response.status_code == 201, response.content
    log = VolunteerLog.objects.get(pk=response.json()["id"])
    assert (log.member_id, log.case_id, log.minutes, log.note) == (
        cast.volunteer.member_id,
        cast.case.pk,
        50,
        "一起读书",
    )
