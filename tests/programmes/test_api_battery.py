"""The standard battery over the programmes API (issue 18 item 6): programmes/, programme-sessions/ (+ others),
programme-enrolments/ (+ end) and parent-calls/.

tests/programmes/test_programmes.py, test_enrolment_api.py and test_parent_calls.py prove the rules; here:
every method of every route, another organisation's 404 and the colleague's 404 for the planted child's
enrolment and calls, 403 for who may see but not run the programme, refusals in Chinese with nothing
written (audit included), each write re-read, and every list's query count pinned at two sizes.

| route                          | anon 401 | 405  | outsider 404 | read-only 403         | bad input (zh) | happy path | queries |
| ------------------------------ | -------- | ---- | ------------ | --------------------- | -------------- | ---------- | ------- |
| programmes/, {id}/             | here     | here | here         | here (colleague)      | here           | here       | here    |
| programme-sessions/, {id}/     | here     | here | here         | here (colleague)      | here           | here       | here    |
| programme-sessions/{id}/others/| here     | here | here         | —                     | —              | here       |         |
| programme-enrolments/, {id}/   | here     | here | here         | here (colleague)      | here (+ en)    | here       | here    |
| programme-enrolments/{id}/end/ | here     | here | here         | here (colleague)      | here           | here       |         |
| parent-calls/, {id}/           | here     | here | here         | here (four roles)     | here           | here       | here    |
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from programmes import services
from programmes.models import Enrolment, ParentCall, Programme, ProgrammeSession
from programmes.parent_calls import parent_call_record
from tests.api_battery import (
    ZH,
    api_id_battery,
    api_list_sizes,
    api_route_battery,
    hidden,
    refused_in_chinese,
    send,
    written,
)
from tests.battery import nothing_written
from tests.factories import UserFactory, make_case
from tests.planted import PLANTED_NAME

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def world(cast, classroom):
    """The classroom (tests/programmes/conftest.py), its first child the planted one, one session held
    yesterday, and a video call of the planted child with her parents."""
    child = cast.case.child
    child.name = PLANTED_NAME
    child.save(update_fields=["name"])
    session = services.session_record(
        actor=cast.worker, programme=classroom.programme, date=YESTERDAY, duration_minutes=90,
        attendees=classroom.own_cases[:2],
    )  # fmt: skip
    call = parent_call_record(actor=cast.worker, case=cast.case, date=YESTERDAY, kind="video", duration_minutes=20)
    enrolment = Enrolment.objects.get(programme=classroom.programme, case=cast.case)
    theirs = Enrolment.objects.get(programme=classroom.programme, case=classroom.other_cases[0])
    return {
        "programme": classroom.programme.pk,
        "session": session.pk,
        "enrolment": enrolment.pk,
        "theirs": theirs.pk,
        "call": call.pk,
        "case": cast.case.pk,
    }


ROUTES = [
    ("GET POST", "/api/v1/programmes/"),
    ("GET PUT PATCH", "/api/v1/programmes/{programme}/"),
    ("GET POST", "/api/v1/programme-sessions/"),
    ("GET PUT PATCH", "/api/v1/programme-sessions/{session}/"),
    ("GET", "/api/v1/programme-sessions/{session}/others/"),
    ("GET POST", "/api/v1/programme-enrolments/"),
    ("GET", "/api/v1/programme-enrolments/{enrolment}/"),
    ("POST", "/api/v1/programme-enrolments/{enrolment}/end/"),
    ("GET POST", "/api/v1/parent-calls/"),
    ("GET", "/api/v1/parent-calls/{call}/"),
]


def _stored() -> dict:
    return {
        **written(Programme, ProgrammeSession, Enrolment, ParentCall)(),
        "programmes": list(Programme.objects.values_list("pk", "title")),
        "sessions": list(ProgrammeSession.objects.values_list("pk", "duration_minutes", "topic")),
        "enrolments": list(Enrolment.objects.values_list("pk", "left_on")),
    }


test_anonymous_gets_401, test_wrong_method_gets_405 = api_route_battery(ROUTES, stored=_stored, actor="manager")
test_an_id_that_names_nothing_is_404 = api_id_battery(ROUTES, stored=_stored, actor="manager")

DETAILS = [
    ("GET", "/api/v1/programmes/{programme}/", {}),
    ("PATCH", "/api/v1/programmes/{programme}/", {"title": "外人"}),
    ("GET", "/api/v1/programme-sessions/{session}/", {}),
    ("PATCH", "/api/v1/programme-sessions/{session}/", {"topic": "外人"}),
    ("GET", "/api/v1/programme-sessions/{session}/others/", {}),
    ("GET", "/api/v1/programme-enrolments/{enrolment}/", {}),
    ("POST", "/api/v1/programme-enrolments/{enrolment}/end/", {}),
    ("GET", "/api/v1/parent-calls/{call}/", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), DETAILS, ids=[f"{m} {p}" for m, p, _ in DETAILS])
def test_another_organisations_manager_gets_404_without_the_childs_name(world, api_for, method, path, body):
    from organisations.models import Organisation

    other = UserFactory(role=Role.MANAGER, organisation=Organisation.objects.create(name="别家", kind="ngo"))
    with nothing_written(_stored):
        hidden(send(api_for(other), method, path.format(**world), body))


@pytest.mark.parametrize("role", ["referrer", "pledger", "volunteer", "funder"])
def test_roles_outside_the_staff_get_403_on_every_route(world, cast, api_for, role):
    api = api_for(getattr(cast, role))
    routes = [("GET", "/api/v1/programmes/", {}), ("GET", "/api/v1/parent-calls/", {}), *DETAILS]
    with nothing_written(_stored):
        answers = {f"{m} {p}": send(api, m, p.format(**world), b).status_code for m, p, b in routes}
    assert answers == dict.fromkeys(answers, 403)


def test_the_colleague_sees_neither_the_planted_childs_enrolment_nor_her_calls(world, cast, api_for):
    api = api_for(cast.colleague)
    hidden(api.get(f"/api/v1/programme-enrolments/{world['enrolment']}/"))
    hidden(api.get(f"/api/v1/parent-calls/{world['call']}/"))
    calls = api.get("/api/v1/parent-calls/")
    assert calls.json()["count"] == 0 and PLANTED_NAME not in calls.content.decode()
    cases = {row["case"] for row in api.get("/api/v1/programme-enrolments/").json()["results"]}
    assert world["case"] not in cases


def test_the_colleague_reads_the_programme_but_may_not_run_it(world, cast, api_for):
    api = api_for(cast.colleague)
    assert api.get(f"/api/v1/programmes/{world['programme']}/").status_code == 200
    with nothing_written(_stored):
        answers = {
            "rename": api.patch(f"/api/v1/programmes/{world['programme']}/", {"title": "改"}, format="json"),
            "session": api.patch(f"/api/v1/programme-sessions/{world['session']}/", {"topic": "改"}, format="json"),
            "end her own child's enrolment": api.post(f"/api/v1/programme-enrolments/{world['theirs']}/end/"),
        }
    assert {label: r.status_code for label, r in answers.items()} == dict.fromkeys(answers, 403)


BAD = [
    ("POST", "/api/v1/programmes/", {"kind": "party", "title": "聚会", "starts_on": "{today}"}, "kind",
     '"{input}" is not a valid choice.', {"input": "party"}),
    ("POST", "/api/v1/programme-sessions/", {"programme": "{programme}", "date": "{today}", "duration_minutes": 0},
     "duration_minutes", "Ensure this value is greater than or equal to {min_value}.", {"min_value": 1}),
    ("POST", "/api/v1/programme-sessions/", {"programme": 0, "date": "{today}", "duration_minutes": 60},
     "programme", 'Invalid pk "{pk_value}" - object does not exist.', {"pk_value": "0"}),
    ("PATCH", "/api/v1/programme-sessions/{session}/", {"programme": "{other_programme}"}, "programme",
     "A session cannot move to another programme.", {}),
    ("POST", "/api/v1/programme-enrolments/", {"programme": "{programme}", "case": "{hidden_case}"}, "case",
     "No such case.", {}),
    ("POST", "/api/v1/programme-enrolments/{enrolment}/end/", {"left_on": "2000-01-01"}, "left_on",
     "A child cannot leave before joining.", {}),
    ("POST", "/api/v1/parent-calls/", {"case": "{case}", "date": "{tomorrow}", "kind": "video"}, "date",
     "The date cannot be in the future.", {}),
    ("POST", "/api/v1/parent-calls/", {"case": "{case}", "date": "{today}", "kind": "letter"}, "kind",
     '"{input}" is not a valid choice.', {"input": "letter"}),
]  # fmt: skip


def _names(world, cast):
    other = services.programme_create(
        actor=cast.manager, kind="outing", title="春游", starts_on=TODAY, facilitators=[cast.worker]
    )
    hidden_case = make_case(lead_worker=UserFactory(role=Role.SOCIAL_WORKER))
    return {
        **world,
        "today": TODAY.isoformat(),
        "tomorrow": (TODAY + dt.timedelta(days=1)).isoformat(),
        "other_programme": other.pk,
        "hidden_case": hidden_case.pk,
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "msgid", "params"), BAD, ids=[f"{b[3]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_body_is_400_in_chinese_and_nothing_is_written(
    world, cast, api_for, method, path, body, field, msgid, params
):
    names = _names(world, cast)
    body = {k: names[v.strip("{}")] if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()}
    with nothing_written(_stored):
        response = send(api_for(cast.worker), method, path.format(**world), body, **ZH)
    refused_in_chinese(response, field, msgid, **params)


def test_a_hidden_case_is_refused_in_the_callers_language(world, cast, api_for):
    """The enrolment's "No such case." is translated per request (it was frozen in Chinese at import)."""
    hidden_case = make_case(lead_worker=UserFactory(role=Role.SOCIAL_WORKER))
    body = {"programme": world["programme"], "case": hidden_case.pk}
    with nothing_written(_stored):
        english = api_for(cast.worker).post(
            "/api/v1/programme-enrolments/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert english.status_code == 400
    assert english.json()["case"] == ["No such case."]


def test_the_facilitator_records_a_session_with_its_children(world, cast, classroom, api_for):
    body = {
        "programme": world["programme"],
        "date": TODAY.isoformat(),
        "duration_minutes": 60,
        "topic": "作业辅导",
        "attendees": [case.pk for case in classroom.own_cases],
    }
    response = api_for(cast.worker).post("/api/v1/programme-sessions/", body, format="json")
    assert response.status_code == 201, response.content
    session = ProgrammeSession.objects.get(pk=response.json()["id"])
    assert (session.programme_id, session.date, session.duration_minutes, session.topic) == (
        world["programme"],
        TODAY,
        60,
        "作业辅导",
    )
    assert sorted(session.attendees.values_list("pk", flat=True)) == sorted(body["attendees"])


def test_the_facilitator_renames_the_programme_and_ends_an_enrolment(world, cast, api_for):
    api = api_for(cast.worker)
    assert (
        api.patch(f"/api/v1/programmes/{world['programme']}/", {"title": "四点半课堂（秋）"}, format="json").status_code
        == 200
    )
    assert Programme.objects.get(pk=world["programme"]).title == "四点半课堂（秋）"
    ended = api.post(
        f"/api/v1/programme-enrolments/{world['enrolment']}/end/", {"left_on": TODAY.isoformat()}, format="json"
    )
    assert ended.status_code == 200, ended.content
    assert Enrolment.objects.get(pk=world["enrolment"]).left_on == TODAY


def test_the_lead_worker_records_a_missed_call(world, cast, api_for):
    body = {"case": world["case"], "date": TODAY.isoformat(), "kind": "voice", "held": False, "note": "爸爸在加班"}
    response = api_for(cast.worker).post("/api/v1/parent-calls/", body, format="json")
    assert response.status_code == 201, response.content
    call = ParentCall.objects.get(pk=response.json()["id"])
    assert (call.case_id, call.kind, call.held, call.note, call.date) == (
        world["case"],
        "voice",
        False,
        "爸爸在加班",
        TODAY,
    )


def test_the_facilitator_reads_the_sessions_outside_roster(world, cast, api_for):
    response = api_for(cast.worker).get(f"/api/v1/programme-sessions/{world['session']}/others/")
    assert response.status_code == 200
    assert response.json() == []  # the classroom's roster holds cases only


# --- exact query counts at two sizes ----------------------------------------------------------------------


def _programmes(cast):
    return lambda n: [
        services.programme_create(actor=cast.manager, kind="outing", title=f"活动{i}", starts_on=TODAY,
                                  facilitators=[cast.worker])
        for i in range(n)
    ]  # fmt: skip


def _sessions(cast, classroom):
    return lambda n: [
        services.session_record(actor=cast.worker, programme=classroom.programme, date=TODAY, duration_minutes=30,
                                attendees=classroom.own_cases)
        for _ in range(n)
    ]  # fmt: skip


def _enrolments(cast, classroom):
    def make(n):
        for _ in range(n):
            services.enrolment_add(
                actor=cast.manager, programme=classroom.programme, case=make_case(lead_worker=cast.worker)
            )

    return make


def _calls(cast):
    return lambda n: [
        parent_call_record(actor=cast.worker, case=cast.case, date=TODAY, kind="video", duration_minutes=10)
        for _ in range(n)
    ]


# url -> (how n rows are made, the pinned queries). Sessions and calls add their audit row; sessions
# prefetch attendees, tutors and the facilitators; enrolments audit the page.
LISTS = {
    "/api/v1/programmes/": (lambda cast, classroom: _programmes(cast), 4),
    "/api/v1/programme-sessions/": (_sessions, 8),  # + the page programmes: facilitated, rosters (once)
    "/api/v1/programme-enrolments/": (_enrolments, 3),
    "/api/v1/parent-calls/": (lambda cast, classroom: _calls(cast), 3),
}


@pytest.mark.parametrize("url", list(LISTS))
def test_list_query_count_is_pinned_at_two_sizes(url, cast, classroom, api_for, django_assert_num_queries):
    make, queries = LISTS[url]
    api_list_sizes(django_assert_num_queries, api_for(cast.worker), url, make=make(cast, classroom), queries=queries)


def _sessions_of_new_programmes(cast):
    def make(n):
        for i in range(n):
            programme = services.programme_create(
                actor=cast.manager, kind="outing", title=f"活动{i}", starts_on=TODAY, facilitators=[cast.worker]
            )
            services.enrolment_add(actor=cast.manager, programme=programme, case=cast.case)
            services.session_record(
                actor=cast.worker, programme=programme, date=TODAY, duration_minutes=30, attendees=[cast.case]
            )

    return make


@pytest.mark.parametrize("reader", ["worker", "colleague"])  # the facilitator, and staff who is not one
def test_sessions_of_many_programmes_cost_the_same_queries(cast, api_for, django_assert_num_queries, reader):
    api_list_sizes(
        django_assert_num_queries, api_for(getattr(cast, reader)), "/api/v1/programme-sessions/",
        make=_sessions_of_new_programmes(cast), queries={"worker": 8, "colleague": 9}[reader],  # + her visible cases, once
    )  # fmt: skip


@pytest.mark.parametrize("reader", ["worker", "colleague", "manager"])
def test_the_sessions_list_shows_each_reader_only_the_children_they_may_see(cast, classroom, api_for, reader):
    """The page's visibility is computed for all its programmes at once: the same answer as the detail's."""
    session = services.session_record(
        actor=cast.worker, programme=classroom.programme, date=TODAY, duration_minutes=45,
        attendees=classroom.cases, guardian_names="王奶奶",
    )  # fmt: skip
    theirs = services.programme_create(actor=cast.manager, kind="outing", title="春游", starts_on=TODAY)
    services.enrolment_add(actor=cast.manager, programme=theirs, case=classroom.own_cases[1])
    hidden_session = services.session_record(
        actor=cast.manager, programme=theirs, date=TODAY, duration_minutes=30,
        attendees=[classroom.own_cases[1]], guardian_names="李爷爷",
    )  # fmt: skip
    api = api_for(getattr(cast, reader))
    rows = {row["id"]: row for row in api.get("/api/v1/programme-sessions/", {"page_size": 50}).json()["results"]}
    expected = {
        "worker": {session.pk: {c.pk for c in classroom.cases}, hidden_session.pk: {classroom.own_cases[1].pk}},
        "colleague": {session.pk: {c.pk for c in classroom.other_cases}, hidden_session.pk: set()},
        "manager": {session.pk: {c.pk for c in classroom.cases}, hidden_session.pk: {classroom.own_cases[1].pk}},
    }[reader]
    assert {pk: set(rows[pk]["attendees"]) for pk in expected} == expected
    for pk, shown in expected.items():
        detail = api.get(f"/api/v1/programme-sessions/{pk}/").json()
        assert set(detail["attendees"]) == shown  # the list and the detail agree
        assert detail["guardian_names"] == rows[pk]["guardian_names"]
    assert (rows[hidden_session.pk]["guardian_names"] == "") is (reader == "colleague")
