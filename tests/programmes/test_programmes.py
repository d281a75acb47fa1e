"""Programmes and sessions with attendance: API as the contract, pages, access and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEntry
from programmes import services
from programmes.models import Programme, ProgrammeSession
from tests import contract

pytestmark = pytest.mark.django_db

# api-v1.md, programmes/ and programme-sessions/
PROGRAMME_FIELDS = set(
    contract.fields("id, organisation, kind, title, location, starts_on, ends_on, facilitators, volunteers")
)
SESSION_FIELDS = set(contract.fields("id, programme, date, duration_minutes, topic, attendees, notes"))


def _session(classroom, *, present, days_ago=1, actor=None):
    return services.session_record(
        actor=actor or classroom.programme.facilitators.first(),
        programme=classroom.programme,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        duration_minutes=90,
        topic="作业辅导",
        attendees=present,
    )


# --- programmes/ -------------------------------------------------------------------------------------


def test_manager_creates_a_programme_with_the_contract_fields(cast, api_for, classroom):
    # given
    today = timezone.localdate()
    body = {
        "kind": "parenting_group",
        "title": "隔代教养小组",
        "location": cast.village.pk,
        "starts_on": str(today),
        "facilitators": [cast.worker.pk],
        "volunteers": [classroom.tutor.pk],
    }
    # when
    response = api_for(cast.manager).post("/api/v1/programmes/", body, format="json")
    # then
    assert response.status_code == 201, response.content
    data = response.json()
    assert PROGRAMME_FIELDS <= set(data)
    assert data["organisation"] == cast.manager.organisation_id  # the instance's default organisation
    assert data["kind"] == "parenting_group" and data["facilitators"] == [cast.worker.pk]
    assert data["volunteers"] == [classroom.tutor.pk] and data["starts_on"] == str(today)
    programme = Programme.objects.get(pk=data["id"])
    assert programme.title == "隔代教养小组" and list(programme.facilitators.all()) == [cast.worker]


@pytest.mark.parametrize("role", ["referrer", "pledger", "volunteer", "funder"])
def test_non_staff_are_refused_programmes(cast, api_for, classroom, role):
    user = getattr(cast, role)
    assert api_for(user).get("/api/v1/programmes/").status_code == 403
    assert api_for(user).get(f"/api/v1/programmes/{classroom.programme.pk}/").status_code == 403
    assert api_for(None).get("/api/v1/programmes/").status_code == 401


def test_unknown_kind_and_bad_period_are_refused_and_nothing_written(cast, api_for):
    today = timezone.localdate()
    client = api_for(cast.manager)
    bad_kind = client.post(
        "/api/v1/programmes/", {"kind": "party", "title": "x", "starts_on": str(today)}, format="json"
    )
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()
    bad_period = client.post(
        "/api/v1/programmes/",
        {"kind": "outing", "title": "博物馆", "starts_on": str(today), "ends_on": str(today - dt.timedelta(days=1))},
        format="json",
    )
    assert bad_period.status_code == 400 and "ends_on" in bad_period.json()
    assert Programme.objects.count() == 0


def test_non_facilitator_worker_reads_but_may_not_change(cast, api_for, classroom):
    url = f"/api/v1/programmes/{classroom.programme.pk}/"
    assert api_for(cast.colleague).get(url).status_code == 200
    assert api_for(cast.colleague).patch(url, {"title": "改名"}, format="json").status_code == 403
    assert api_for(cast.worker).patch(url, {"title": "四点半课堂（春季）"}, format="json").status_code == 200
    classroom.programme.refresh_from_db()
    assert classroom.programme.title == "四点半课堂（春季）"


def test_missing_programme_is_404(cast, api_for):
    assert api_for(cast.manager).get("/api/v1/programmes/999999/").status_code == 404
    assert api_for(cast.manager).delete("/api/v1/programmes/999999/").status_code == 405


# --- programme-sessions/ -----------------------------------------------------------------------------


def test_facilitator_records_a_session_with_attendees(cast, api_for, classroom):
    present = [c.pk for c in classroom.cases[:4]]
    body = {
        "programme": classroom.programme.pk,
        "date": str(timezone.localdate()),
        "duration_minutes": 90,
        "topic": "唐诗宋词",
        "attendees": present,
        "notes": "",
        "tutors": [classroom.tutor.pk],
    }
    response = api_for(cast.worker).post("/api/v1/programme-sessions/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert SESSION_FIELDS <= set(data)
    assert sorted(data["attendees"]) == sorted(present)
    session = ProgrammeSession.objects.get(pk=data["id"])
    assert sorted(session.attendees.values_list("pk", flat=True)) == sorted(present)
    assert session.attendance_taken and list(session.tutors.all()) == [classroom.tutor]


def test_attendee_off_the_roster_is_refused_and_nothing_written(cast, api_for, classroom):
    from tests.factories import make_case

    stranger = make_case(lead_worker=cast.worker)
    body = {
        "programme": classroom.programme.pk,
        "date": str(timezone.localdate()),
        "duration_minutes": 90,
        "attendees": [classroom.cases[0].pk, stranger.pk],
    }
    response = api_for(cast.worker).post("/api/v1/programme-sessions/", body, format="json")
    assert response.status_code == 400 and "attendees" in response.json()
    assert ProgrammeSession.objects.count() == 0


def test_non_facilitator_may_not_record_a_session(cast, api_for, classroom):
    body = {"programme": classroom.programme.pk, "date": str(timezone.localdate()), "duration_minutes": 60}
    assert api_for(cast.colleague).post("/api/v1/programme-sessions/", body, format="json").status_code == 403
    assert ProgrammeSession.objects.count() == 0


def test_attendee_ids_only_to_those_who_may_see_the_case(cast, api_for, classroom):
    # given: a session attended by the facilitator's own children and the colleague's
    session = _session(classroom, present=classroom.cases)
    url = f"/api/v1/programme-sessions/{session.pk}/"
    # the facilitator sees every child on their roster; the manager sees all
    assert sorted(api_for(cast.worker).get(url).json()["attendees"]) == sorted(c.pk for c in classroom.cases)
    assert len(api_for(cast.manager).get(url).json()["attendees"]) == 5
    # the colleague (not facilitating) sees only the children of their own cases, but the full count
    data = api_for(cast.colleague).get(url).json()
    assert sorted(data["attendees"]) == sorted(c.pk for c in classroom.other_cases)
    assert data["attendee_count"] == 5


def test_session_reads_are_audited(cast, api_for, classroom):
    session = _session(classroom, present=classroom.cases[:2])
    before = AuditEntry.objects.filter(action="view", object_type="programmesession").count()
    api_for(cast.worker).get(f"/api/v1/programme-sessions/{session.pk}/")
    api_for(cast.worker).get("/api/v1/programme-sessions/")
    rows = AuditEntry.objects.filter(action="view", object_type="programmesession").order_by("pk")[before:]
    assert [r.user_id for r in rows] == [cast.worker.pk, cast.worker.pk]
    assert rows[0].object_id == str(session.pk) and rows[1].detail == {"ids": [session.pk]}


def test_update_attendance_through_the_api(cast, api_for, classroom):
    session = _session(classroom, present=classroom.cases[:1])
    url = f"/api/v1/programme-sessions/{session.pk}/"
    response = api_for(cast.worker).patch(url, {"attendees": [c.pk for c in classroom.cases[:3]]}, format="json")
    assert response.status_code == 200, response.content
    assert session.attendees.count() == 3


# --- pages -------------------------------------------------------------------------------------------


def test_list_and_programme_page(cast, client_for, classroom):
    assert client_for(cast.colleague).get("/programmes/").status_code == 200
    page = client_for(cast.worker).get(f"/programmes/{classroom.programme.pk}/")
    assert page.status_code == 200
    assert cast.case.child.name in page.content.decode()
    assert AuditEntry.objects.filter(action="view", object_type="programme", user_id=cast.worker.pk).exists()
    assert client_for(cast.referrer).get("/programmes/").status_code == 403
    assert client_for(None).get("/programmes/").status_code == 302
    assert client_for(cast.manager).get("/programmes/999999/").status_code == 404


def test_colleague_sees_hidden_names_for_cases_they_may_not_see(cast, client_for, classroom):
    html = client_for(cast.colleague).get(f"/programmes/{classroom.programme.pk}/").content.decode()
    assert cast.case.child.name not in html
    assert classroom.other_cases[0].child.name in html


def test_attendance_page_all_present_by_default_and_saves(cast, client_for, classroom):
    session = services.session_record(
        actor=cast.worker,
        programme=classroom.programme,
        date=timezone.localdate(),
        duration_minutes=90,
        attendees=None,
    )
    client = client_for(cast.worker)
    page = client.get(f"/programmes/sessions/{session.pk}/attendance/")
    assert page.status_code == 200
    assert page.content.decode().count(" checked") == 5
    present = [c.pk for c in classroom.cases[:3]]
    response = client.post(f"/programmes/sessions/{session.pk}/attendance/", {"present": present})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.attendance_taken
    assert sorted(session.attendees.values_list("pk", flat=True)) == sorted(present)


def test_attendance_page_refuses_others_and_bad_input(cast, client_for, classroom):
    session = _session(classroom, present=classroom.cases[:1])
    url = f"/programmes/sessions/{session.pk}/attendance/"
    assert client_for(cast.colleague).get(url).status_code == 403
    assert client_for(cast.referrer).get(url).status_code == 404
    assert client_for(cast.manager).get("/programmes/sessions/999999/attendance/").status_code == 404
    assert client_for(cast.worker).put(url).status_code == 405
    from tests.factories import make_case

    stranger = make_case(lead_worker=cast.worker)
    response = client_for(cast.worker).post(url, {"present": [stranger.pk]})
    assert response.status_code == 400
    assert list(session.attendees.values_list("pk", flat=True)) == [classroom.cases[0].pk]


def test_facilitator_records_a_session_on_the_page(cast, client_for, classroom):
    response = client_for(cast.worker).post(
        f"/programmes/{classroom.programme.pk}/sessions/new/",
        {"date": str(timezone.localdate()), "duration_minutes": "90", "topic": "书法"},
    )
    assert response.status_code == 302
    session = ProgrammeSession.objects.get()
    assert response["Location"] == f"/programmes/sessions/{session.pk}/attendance/"
    bad = client_for(cast.worker).post(
        f"/programmes/{classroom.programme.pk}/sessions/new/", {"date": "", "duration_minutes": "0", "topic": "书法"}
    )
    assert bad.status_code == 400 and ProgrammeSession.objects.count() == 1
    assert "书法" in bad.content.decode()


def test_enrol_a_child_by_case_number(cast, client_for, classroom):
    from tests.factories import make_case

    case = make_case(lead_worker=cast.worker)
    client_for(cast.worker).post(f"/programmes/{classroom.programme.pk}/enrol/", {"case_number": case.number})
    assert classroom.programme.enrolments.filter(case=case).exists()
    hidden = make_case(lead_worker=cast.colleague)
    client_for(cast.worker).post(f"/programmes/{classroom.programme.pk}/enrol/", {"case_number": hidden.number})
    assert not classroom.programme.enrolments.filter(case=hidden).exists()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_hot_paths_do_not_grow_with_the_roster(cast, api_for, client_for, classroom):
    from tests.factories import make_case

    session = _session(classroom, present=classroom.cases)
    _session(classroom, present=classroom.cases[:2], days_ago=2)
    client, api = client_for(cast.worker), api_for(cast.worker)
    urls = [
        f"/programmes/sessions/{session.pk}/attendance/",
        f"/programmes/{classroom.programme.pk}/",
        "/api/v1/programme-sessions/",
    ]
    # the first request of a session also saves the session (at most once a minute): measure after it
    _queries(client, urls[0])
    before = [_queries(client, urls[0]), _queries(client, urls[1])]
    before_api = _queries(api, urls[2])
    for _ in range(6):
        case = make_case(lead_worker=cast.colleague)
        services.enrolment_add(actor=cast.manager, programme=classroom.programme, case=case)
        session.attendees.add(case)
    _session(classroom, present=classroom.cases[:3], days_ago=3)
    assert [_queries(client, urls[0]), _queries(client, urls[1])] == before
    assert _queries(api, urls[2]) == before_api
