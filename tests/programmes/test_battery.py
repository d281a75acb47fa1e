"""The standard battery over every route of group services (issue 18 item 6).

| route                                      | methods        | who acts                      | checked here                                          |
| ------------------------------------------ | -------------- | ----------------------------- | ----------------------------------------------------- |
| /programmes/                               | GET            | the organisation's staff      | anonymous, 405, 403, another NGO's not listed, ?kind, queries |
| /programmes/new/                           | GET POST       | staff                         | anonymous, 405, 403, happy re-read, bad input kept     |
| /programmes/calls/                         | GET POST       | staff                         | anonymous, 405, 403, happy re-read, bad input, ?week=x, queries |
| /programmes/stores/                        | GET POST       | staff                         | anonymous, 405, 403, happy re-read, bad input, queries |
| /programmes/stores/<pk>/                   | GET POST       | staff                         | anonymous, 405, 403, 404, receive re-read, bad input, queries |
| /programmes/<pk>/                          | GET            | the organisation's staff      | anonymous, 405, outsider 404 (no name), queries        |
| /programmes/<pk>/enrol/                    | POST           | its facilitators, managers    | anonymous, 405, outsider 404, 403, bad number          |
| /programmes/<pk>/sessions/new/             | POST           | its facilitators, managers    | anonymous, 405, outsider 404, 403, bad input           |
| /programmes/sessions/<pk>/attendance/      | GET POST       | its facilitators, managers    | anonymous, 405, outsider 404, bad guardians kept, queries |
| /programmes/<pk>/pupils/<case>/            | GET POST       | facilitators, the lead worker | anonymous, 405, outsider 404, happy re-read, queries   |
| /programmes/case/<case>/                   | GET            | who sees the case             | anonymous, 405, outsider 404, queries                  |
| /api/v1/programmes/ (+ <pk>/)              | GET POST PUT PATCH | staff; change: runners    | 401, 405, 403, outsider 404, PATCH re-read, bad PATCH, queries |
| /api/v1/programme-sessions/ (+ others/)    | GET POST PUT PATCH | staff; change: runners    | 401, 405, outsider 404, bad PATCH, queries             |
| /api/v1/programme-enrolments/ (+ end/)     | GET POST       | staff; change: runners        | 401, 405, outsider 404, 403, end re-read, queries      |
| /api/v1/parent-calls/                      | GET POST       | staff                         | 401, 405, 403, outsider 404, happy re-read, queries    |
(tests/programmes/test_programmes.py, test_enrolment_api.py, test_parent_calls.py, test_stock.py and
test_pupil_profiles.py prove who sees which name on a roster, attendance and the figures.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from organisations.models import Organisation
from programmes import parent_calls, services, stock
from programmes.models import (
    Enrolment,
    ParentCall,
    Programme,
    ProgrammeSession,
    PupilProfile,
    StockItem,
    StockMovement,
    Store,
    TutorNote,
)
from tests.conftest import api_as, login
from tests.factories import ChildFactory, MemberFactory, PledgeFactory, UserFactory, make_case
from tests.standard_checks import (
    answers_to_other_methods,
    api_list_pinned,
    assert_pinned_queries,
    assert_sent_to_login,
    numbered,
    zh,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
OUTSIDER_CHILD = "外机构童童"


@pytest.fixture
def other_ngo(cast):
    """Another NGO on the instance: a manager, a social worker and a classroom of its own with one child."""
    organisation = Organisation.objects.create(name="青山社工中心", kind="ngo")
    manager = UserFactory(username="mgr_qs", role="manager", organisation=organisation)
    worker = UserFactory(username="sw_qs", role="social_worker", organisation=organisation)
    case = make_case(lead_worker=worker, child=ChildFactory(name=OUTSIDER_CHILD), organisation=organisation)
    programme = services.programme_create(
        actor=manager, kind="after_school_class", title="青山课堂", starts_on=TODAY() - dt.timedelta(days=30),
        facilitators=[worker],
    )  # fmt: skip
    services.enrolment_add(actor=manager, programme=programme, case=case, joined_on=TODAY() - dt.timedelta(days=30))
    session = services.session_record(
        actor=worker, programme=programme, date=TODAY(), duration_minutes=60, attendees=[case]
    )
    volunteer = MemberFactory(name="青山志愿者", is_referrer=False, is_volunteer=True, organisation=organisation)
    pledge = PledgeFactory(member=volunteer, kind="goods", description="青山的捐书")
    return {"manager": manager, "worker": worker, "case": case, "programme": programme, "session": session,
            "volunteer": volunteer, "pledge": pledge}  # fmt: skip


@pytest.fixture
def session(cast, classroom):
    return services.session_record(
        actor=cast.worker, programme=classroom.programme, date=TODAY() - dt.timedelta(days=1), duration_minutes=90,
        topic="作业辅导", attendees=classroom.cases[:2],
    )  # fmt: skip


@pytest.fixture
def library(cast):
    store = stock.store_create(actor=cast.worker, name="七里村图书室", location=cast.village)
    item = stock.stock_receive(
        actor=cast.worker, store=store, description="儿童绘本", quantity=10, unit_value="12.50",
        received_on=TODAY() - dt.timedelta(days=5),
    )  # fmt: skip
    return store, item


def _urls(classroom, session, library):
    p, case = classroom.programme.pk, classroom.cases[0].pk
    return [
        ("/programmes/", "GET"),
        ("/programmes/new/", "GET POST"),
        ("/programmes/calls/", "GET POST"),
        ("/programmes/stores/", "GET POST"),
        (f"/programmes/stores/{library[0].pk}/", "GET POST"),
        (f"/programmes/{p}/", "GET"),
        (f"/programmes/{p}/enrol/", "POST"),
        (f"/programmes/{p}/sessions/new/", "POST"),
        (f"/programmes/sessions/{session.pk}/attendance/", "GET POST"),
        (f"/programmes/{p}/pupils/{case}/", "GET POST"),
        (f"/programmes/case/{case}/", "GET"),
    ]


def _state(classroom, session):
    session.refresh_from_db()
    return (
        Programme.objects.count(),
        Enrolment.objects.count(),
        ProgrammeSession.objects.count(),
        sorted(session.attendees.values_list("pk", flat=True)),
        session.guardians_present,
        ParentCall.objects.count(),
        Store.objects.count(),
        StockItem.objects.count(),
        StockMovement.objects.count(),
        PupilProfile.objects.count(),
        TutorNote.objects.count(),
    )


# --- 405, anonymous --------------------------------------------------------------------------------


def test_every_page_refuses_the_methods_it_does_not_take_and_writes_nothing(cast, classroom, session, library):
    before = _state(classroom, session)
    client = login(cast.manager)
    for url, allowed in _urls(classroom, session, library):
        answers = answers_to_other_methods(client, url, allowed)
        assert answers == dict.fromkeys(answers, 405), (url, answers)
    assert _state(classroom, session) == before


def test_anonymous_is_sent_to_the_login_page_and_nothing_is_written(cast, classroom, session, library):
    before = _state(classroom, session)
    anonymous = login(None)
    for url, allowed in _urls(classroom, session, library):
        for method in allowed.split():
            body = {"title": "匿名", "case_number": classroom.cases[0].number, "name": "匿名书屋"}
            assert_sent_to_login(getattr(anonymous, method.lower())(url, body), url)
    assert _state(classroom, session) == before


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/api/v1/programmes/", "GET POST"),
        ("/api/v1/programmes/{p}/", "GET PUT PATCH"),
        ("/api/v1/programme-sessions/", "GET POST"),
        ("/api/v1/programme-sessions/{s}/", "GET PUT PATCH"),
        ("/api/v1/programme-sessions/{s}/others/", "GET"),
        ("/api/v1/programme-enrolments/", "GET POST"),
        ("/api/v1/programme-enrolments/{e}/", "GET"),
        ("/api/v1/programme-enrolments/{e}/end/", "POST"),
        ("/api/v1/parent-calls/", "GET POST"),
        ("/api/v1/parent-calls/{c}/", "GET"),
    ],
)
def test_every_endpoint_wants_a_login_and_refuses_other_methods(cast, classroom, session, url, allowed):
    call = parent_calls.parent_call_record(
        actor=cast.worker, case=cast.case, date=TODAY(), kind="video", duration_minutes=10
    )
    enrolment = classroom.programme.enrolments.get(case=cast.case)
    url = url.format(p=classroom.programme.pk, s=session.pk, e=enrolment.pk, c=call.pk)
    before = _state(classroom, session)
    for method in allowed.split():
        assert getattr(api_as(None), method.lower())(url, {}, format="json").status_code == 401, (url, method)
    for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - set(allowed.split()):
        response = getattr(api_as(cast.manager), method.lower())(url, {}, format="json")
        assert response.status_code == 405, (url, method, response.status_code)
    assert _state(classroom, session) == before
    enrolment.refresh_from_db()
    assert enrolment.left_on is None


# --- 403: roles outside the project staff ----------------------------------------------------------


def test_roles_outside_the_staff_get_403_on_the_pages_and_nothing_is_written(cast, classroom, session, library):
    before = _state(classroom, session)
    pages = ["/programmes/", "/programmes/new/", "/programmes/calls/", "/programmes/stores/",
             f"/programmes/stores/{library[0].pk}/"]  # fmt: skip
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        for url in pages:
            assert login(user).get(url).status_code == 403, (url, user.role)
        assert login(user).post("/programmes/new/", {"title": "外人的小组"}).status_code == 403, user.role
        assert login(user).post("/programmes/stores/", {"name": "外人的书屋"}).status_code == 403, user.role
    assert _state(classroom, session) == before


def test_roles_outside_the_staff_get_404_on_a_programme_and_its_session(cast, classroom, session):
    name = cast.case.child.name
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        for url in (f"/programmes/{classroom.programme.pk}/", f"/programmes/sessions/{session.pk}/attendance/",
                    f"/programmes/{classroom.programme.pk}/pupils/{cast.case.pk}/"):  # fmt: skip
            response = login(user).get(url)
            assert response.status_code == 404, (url, user.role)
            assert name not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/programmes/", "/api/v1/programme-sessions/", "/api/v1/programme-enrolments/", "/api/v1/parent-calls/"],
)
def test_roles_outside_the_staff_get_403_from_every_endpoint(cast, classroom, url):
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert api_as(user).get(url).status_code == 403, (url, user.role)
        assert api_as(user).post(url, {}, format="json").status_code == 403, (url, user.role)


# --- another NGO: 404, and never the child's name --------------------------------------------------


def test_another_ngos_programme_is_404_on_every_page_without_its_childs_name(cast, classroom, other_ngo):
    programme, session, case = other_ngo["programme"], other_ngo["session"], other_ngo["case"]
    urls = [
        f"/programmes/{programme.pk}/",
        f"/programmes/sessions/{session.pk}/attendance/",
        f"/programmes/{programme.pk}/pupils/{case.pk}/",
        f"/programmes/case/{case.pk}/",
    ]
    for user in (cast.manager, cast.worker):
        for url in urls:
            response = login(user).get(url)
            assert response.status_code == 404, (url, user.username)
            assert OUTSIDER_CHILD not in response.content.decode()
        listed = login(user).get("/programmes/").content.decode()
        assert "青山课堂" not in listed and f'data-programme="{programme.pk}"' not in listed


def test_writes_to_another_ngos_programme_are_404_and_change_nothing(cast, classroom, other_ngo):
    programme, session, case = other_ngo["programme"], other_ngo["session"], other_ngo["case"]
    own_case = make_case(lead_worker=cast.manager)
    client = login(cast.manager)
    assert client.post(f"/programmes/{programme.pk}/enrol/", {"case_number": own_case.number}).status_code == 404
    body = {"date": TODAY().isoformat(), "duration_minutes": "60", "topic": "越界的课"}
    assert client.post(f"/programmes/{programme.pk}/sessions/new/", body).status_code == 404
    assert client.post(f"/programmes/sessions/{session.pk}/attendance/", {"present": []}).status_code == 404
    profile = {"school": "越界小学", "grade": "三年级"}
    assert client.post(f"/programmes/{programme.pk}/pupils/{case.pk}/", profile).status_code == 404
    assert not programme.enrolments.filter(case=own_case).exists()
    assert programme.sessions.count() == 1
    assert list(session.attendees.values_list("pk", flat=True)) == [case.pk]
    assert not PupilProfile.objects.exists()


def test_another_ngos_records_are_404_through_the_api_and_missing_from_its_lists(cast, classroom, other_ngo):
    programme, session = other_ngo["programme"], other_ngo["session"]
    enrolment = programme.enrolments.get()
    api = api_as(cast.manager)
    for url in (f"/api/v1/programmes/{programme.pk}/", f"/api/v1/programme-sessions/{session.pk}/",
                f"/api/v1/programme-sessions/{session.pk}/others/",
                f"/api/v1/programme-enrolments/{enrolment.pk}/"):  # fmt: skip
        response = api.get(url)
        assert response.status_code == 404, url
        assert OUTSIDER_CHILD not in response.content.decode()
    assert api.patch(f"/api/v1/programmes/{programme.pk}/", {"title": "改名"}, format="json").status_code == 404
    assert api.patch(f"/api/v1/programme-sessions/{session.pk}/", {"topic": "改"}, format="json").status_code == 404
    assert api.post(f"/api/v1/programme-enrolments/{enrolment.pk}/end/", {}, format="json").status_code == 404
    programme.refresh_from_db()
    session.refresh_from_db()
    enrolment.refresh_from_db()
    assert (programme.title, session.topic, enrolment.left_on) == ("青山课堂", "", None)
    assert programme.pk not in [row["id"] for row in api.get("/api/v1/programmes/").json()["results"]]
    assert session.pk not in [row["id"] for row in api.get("/api/v1/programme-sessions/").json()["results"]]
    ids = [row["id"] for row in api.get("/api/v1/programme-enrolments/").json()["results"]]
    assert enrolment.pk not in ids


def test_a_session_cannot_be_recorded_on_another_ngos_programme_through_the_api(cast, classroom, other_ngo):
    programme = other_ngo["programme"]
    body = {"programme": programme.pk, "date": TODAY().isoformat(), "duration_minutes": 60}
    response = api_as(cast.manager).post("/api/v1/programme-sessions/", body, format="json")
    assert response.status_code == 400
    assert response.json()["programme"] == [zh("No such programme.")]
    assert programme.sessions.count() == 1


def test_another_ngos_child_cannot_be_enrolled_or_called_through_the_api(cast, classroom, other_ngo):
    case = other_ngo["case"]
    body = {"programme": classroom.programme.pk, "case": case.pk}
    enrolled = api_as(cast.manager).post("/api/v1/programme-enrolments/", body, format="json")
    assert enrolled.status_code == 400 and "case" in enrolled.json()
    call = {"case": case.pk, "date": TODAY().isoformat(), "kind": "video"}
    called = api_as(cast.manager).post("/api/v1/parent-calls/", call, format="json")
    assert called.status_code == 400 and "case" in called.json()
    assert not classroom.programme.enrolments.filter(case=case).exists()
    assert not ParentCall.objects.exists()
    assert OUTSIDER_CHILD not in enrolled.content.decode() + called.content.decode()


def test_another_ngos_parent_call_is_404_and_not_listed(cast, other_ngo):
    call = parent_calls.parent_call_record(
        actor=other_ngo["worker"],
        case=other_ngo["case"],
        date=TODAY(),
        kind="voice",
        duration_minutes=10,
        note="外机构的通话",
    )
    assert api_as(cast.manager).get(f"/api/v1/parent-calls/{call.pk}/").status_code == 404
    listed = api_as(cast.manager).get("/api/v1/parent-calls/").json()
    assert listed["count"] == 0
    assert api_as(other_ngo["manager"]).get(f"/api/v1/parent-calls/{call.pk}/").status_code == 200


def test_the_new_programme_page_offers_and_accepts_only_ones_own_staff_and_volunteers(cast, classroom, other_ngo):
    page = login(cast.manager).get("/programmes/new/").content.decode()
    assert "黄老师" in page and cast.worker.full_name in page
    assert "青山志愿者" not in page and f'value="{other_ngo["worker"].pk}"' not in page
    for people in ({"facilitators": [other_ngo["worker"].pk]}, {"volunteers": [other_ngo["volunteer"].pk]}):
        body = {"kind": "after_school_class", "title": "借人的课堂", "starts_on": TODAY().isoformat(), **people}
        response = login(cast.manager).post("/programmes/new/", body)
        assert response.status_code == 200 and 'value="借人的课堂"' in response.content.decode(), people
    assert not Programme.objects.filter(title="借人的课堂").exists()


def test_another_ngos_staff_volunteers_and_tutors_are_refused_through_the_api(cast, classroom, session, other_ngo):
    api = api_as(cast.manager)
    body = {"kind": "after_school_class", "title": "借人的课堂", "starts_on": TODAY().isoformat(),
            "facilitators": [other_ngo["worker"].pk]}  # fmt: skip
    response = api.post("/api/v1/programmes/", body, format="json")
    assert response.status_code == 400
    assert response.json()["facilitators"] == [zh("Facilitators must be staff of the organisation that runs it.")]
    url = f"/api/v1/programmes/{classroom.programme.pk}/"
    response = api.patch(url, {"volunteers": [other_ngo["volunteer"].pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["volunteers"] == [
        zh("Every volunteer must be of the Alliance of the organisation that runs it.")
    ]
    response = api.patch(f"/api/v1/programme-sessions/{session.pk}/", {"tutors": [other_ngo["volunteer"].pk]},
                         format="json")  # fmt: skip
    assert response.status_code == 400 and response.json()["tutors"] == [
        zh("Every tutor must be an Alliance volunteer.")
    ]
    assert not Programme.objects.filter(title="借人的课堂").exists()
    assert list(classroom.programme.volunteers.all()) == [classroom.tutor]
    assert not session.tutors.exists()


def test_another_ngos_goods_pledges_are_neither_offered_nor_received_on_the_store_page(cast, library, other_ngo):
    store, _item = library
    url = f"/programmes/stores/{store.pk}/"
    own = PledgeFactory(member=cast.pledger.member, kind="goods", description="自己的捐书")
    page = login(cast.worker).get(url).content.decode()
    assert f'value="{own.pk}"' in page and f'value="{other_ngo["pledge"].pk}"' not in page
    body = {"form": "receive", "pledge": other_ngo["pledge"].pk, "category": "books", "description": "别人的书",
            "quantity": "3", "unit_value": "5", "received_on": TODAY().isoformat()}  # fmt: skip
    response = login(cast.worker).post(url, body)
    assert response.status_code == 400 and 'value="别人的书"' in response.content.decode()
    assert not StockItem.objects.filter(description="别人的书").exists()


# --- every read that names a child is audited --------------------------------------------------------


def _audit_rows(user):
    from core.models import AuditEntry

    return list(
        AuditEntry.objects.filter(user=user, action="view")
        .order_by("pk")
        .values_list("object_type", "object_id", "detail")
    )


def test_every_page_that_names_a_child_writes_an_audit_row_for_its_reader(cast, classroom, session, library):
    store, item = library
    stock.stock_move(actor=cast.worker, item=item, kind="given", quantity=1, case=cast.case)
    p, case = classroom.programme.pk, cast.case.pk
    reads = {
        f"/programmes/{p}/": ("programme", str(p)),
        f"/programmes/sessions/{session.pk}/attendance/": ("programmesession", str(session.pk)),
        f"/programmes/{p}/pupils/{case}/": ("pupilprofile", str(case)),
        f"/programmes/stores/{store.pk}/": ("store", str(store.pk)),
    }
    client = login(cast.worker)
    for url, (object_type, object_id) in reads.items():
        before = len(_audit_rows(cast.worker))
        assert client.get(url).status_code == 200, url
        rows = _audit_rows(cast.worker)
        assert len(rows) == before + 1, url
        assert rows[-1][:2] == (object_type, object_id), (url, rows[-1])


def test_a_refused_read_writes_no_audit_row(cast, classroom, session, other_ngo):
    client = login(cast.manager)
    before = _audit_rows(cast.manager)
    for url in (
        f"/programmes/{other_ngo['programme'].pk}/",
        f"/programmes/sessions/{other_ngo['session'].pk}/attendance/",
    ):
        assert client.get(url).status_code == 404
    assert login(cast.colleague).get(f"/programmes/sessions/{session.pk}/attendance/").status_code == 403
    assert _audit_rows(cast.manager) == before
    assert _audit_rows(cast.colleague) == []


def test_api_reads_of_a_childs_enrolment_and_call_name_the_case_in_the_audit_row(cast, classroom):
    call = parent_calls.parent_call_record(actor=cast.worker, case=cast.case, date=TODAY(), kind="voice",
                                           duration_minutes=10)  # fmt: skip
    enrolment = classroom.programme.enrolments.get(case=cast.case)
    api = api_as(cast.worker)
    assert api.get(f"/api/v1/programme-enrolments/{enrolment.pk}/").status_code == 200
    assert api.get(f"/api/v1/parent-calls/{call.pk}/").status_code == 200
    assert api.get("/api/v1/parent-calls/").status_code == 200
    rows = _audit_rows(cast.worker)
    assert ("enrolment", str(enrolment.pk), {"case": cast.case.pk}) in rows
    assert ("parentcall", str(call.pk), {"case": cast.case.pk}) in rows
    assert ("parentcall", "", {"ids": [call.pk]}) in rows


# --- 403: staff who may read but not run the programme ---------------------------------------------


def test_a_colleague_who_does_not_run_the_programme_gets_403_on_its_writes(cast, classroom, session):
    p = classroom.programme.pk
    spare = make_case(lead_worker=cast.colleague)
    client = login(cast.colleague)
    assert client.get(f"/programmes/{p}/").status_code == 200  # reads
    assert client.post(f"/programmes/{p}/enrol/", {"case_number": spare.number}).status_code == 403
    body = {"date": TODAY().isoformat(), "duration_minutes": "60", "topic": "旁人的课"}
    assert client.post(f"/programmes/{p}/sessions/new/", body).status_code == 403
    assert client.get(f"/programmes/sessions/{session.pk}/attendance/").status_code == 403
    assert client.post(f"/programmes/sessions/{session.pk}/attendance/", {"present": []}).status_code == 403
    assert not classroom.programme.enrolments.filter(case=spare).exists()
    assert ProgrammeSession.objects.count() == 1
    assert session.attendees.count() == 2


def test_a_colleague_who_does_not_run_the_programme_gets_403_through_the_api(cast, classroom, session):
    api = api_as(cast.colleague)
    p = classroom.programme.pk
    enrolment = classroom.programme.enrolments.get(case=classroom.other_cases[0])  # a child the colleague sees
    assert api.get(f"/api/v1/programmes/{p}/").status_code == 200
    assert api.patch(f"/api/v1/programmes/{p}/", {"title": "旁人改名"}, format="json").status_code == 403
    assert api.patch(f"/api/v1/programme-sessions/{session.pk}/", {"topic": "旁人"}, format="json").status_code == 403
    assert api.post(f"/api/v1/programme-enrolments/{enrolment.pk}/end/", {}, format="json").status_code == 403
    body = {"programme": p, "date": TODAY().isoformat(), "duration_minutes": 30}
    assert api.post("/api/v1/programme-sessions/", body, format="json").status_code == 403
    classroom.programme.refresh_from_db()
    session.refresh_from_db()
    enrolment.refresh_from_db()
    assert (classroom.programme.title, session.topic, enrolment.left_on) == ("四点半课堂", "作业辅导", None)
    assert ProgrammeSession.objects.count() == 1


# --- /programmes/ and /programmes/new/ -------------------------------------------------------------


def test_the_list_filters_by_kind_and_ignores_an_unknown_one(cast, classroom):
    group = services.programme_create(
        actor=cast.manager, kind="parenting_group", title="隔代教养小组", starts_on=TODAY()
    )
    classroom_row, group_row = f'data-programme="{classroom.programme.pk}"', f'data-programme="{group.pk}"'
    client = login(cast.worker)
    parenting = client.get("/programmes/", {"kind": "parenting_group"}).content.decode()
    assert group_row in parenting and classroom_row not in parenting
    unknown = client.get("/programmes/", {"kind": "x' OR 1=1"})
    assert unknown.status_code == 200
    assert group_row in unknown.content.decode() and classroom_row in unknown.content.decode()


def test_a_worker_creates_a_programme_on_the_page_and_facilitates_it(cast):
    body = {"kind": "parenting_group", "title": "隔代教养小组", "location": cast.village.pk, "venue": "村委会",
            "target_group": "祖辈监护人", "planned_sessions": "8", "starts_on": TODAY().isoformat()}  # fmt: skip
    response = login(cast.worker).post("/programmes/new/", body)
    programme = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programmes/{programme.pk}/"
    programme.refresh_from_db()
    assert (programme.kind, programme.title, programme.venue, programme.planned_sessions) == (
        "parenting_group",
        "隔代教养小组",
        "村委会",
        8,
    )
    assert programme.organisation_id == cast.worker.organisation_id
    assert list(programme.facilitators.all()) == [cast.worker]  # none chosen: the creator runs it


def test_a_programme_ending_before_it_starts_is_refused_with_what_was_typed_kept(cast):
    body = {"kind": "after_school_class", "title": "倒着走的课堂", "starts_on": TODAY().isoformat(),
            "ends_on": (TODAY() - dt.timedelta(days=3)).isoformat()}  # fmt: skip
    response = login(cast.manager).post("/programmes/new/", body)
    html = response.content.decode()
    assert response.status_code == 200  # the form again
    assert zh("The end date cannot be before the start date.") in html
    assert 'value="倒着走的课堂"' in html
    assert not Programme.objects.exists()


def test_a_programme_without_a_title_or_kind_is_refused_and_nothing_written(cast):
    response = login(cast.manager).post("/programmes/new/", {"kind": "bogus", "title": "", "venue": "村小学"})
    html = response.content.decode()
    assert 'data-testid="programme-form"' in html and 'value="村小学"' in html
    assert zh("This field is required.") in html
    assert not Programme.objects.exists()


# --- sessions, enrolment, attendance ----------------------------------------------------------------


def test_the_facilitator_records_a_session_on_the_page_and_it_is_stored(cast, classroom):
    body = {"date": TODAY().isoformat(), "duration_minutes": "75", "topic": "书法", "notes": "练习楷书",
            "tutors": [classroom.tutor.pk]}  # fmt: skip
    response = login(cast.worker).post(f"/programmes/{classroom.programme.pk}/sessions/new/", body)
    session = ProgrammeSession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programmes/sessions/{session.pk}/attendance/"
    session.refresh_from_db()
    assert (session.topic, session.notes, session.duration_minutes, session.attendance_taken) == (
        "书法",
        "练习楷书",
        75,
        False,  # taken on the next page
    )
    assert list(session.tutors.all()) == [classroom.tutor]


def test_a_session_before_the_programme_started_is_refused_with_the_topic_kept(cast, classroom):
    body = {"date": (classroom.programme.starts_on - dt.timedelta(days=5)).isoformat(), "duration_minutes": "60",
            "topic": "开课前的课"}  # fmt: skip
    response = login(cast.worker).post(f"/programmes/{classroom.programme.pk}/sessions/new/", body)
    html = response.content.decode()
    assert response.status_code == 400
    assert zh("The date is outside the programme's period.") in html and 'value="开课前的课"' in html
    assert not ProgrammeSession.objects.exists()


def test_a_missing_programme_or_session_is_404(cast):
    client = login(cast.manager)
    for url in ("/programmes/999999/", "/programmes/sessions/999999/attendance/", "/programmes/999999/pupils/1/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/programmes/999999/enrol/", {"case_number": "x"}).status_code == 404
    assert client.post("/programmes/999999/sessions/new/", {}).status_code == 404


def test_enrolling_an_unknown_number_says_so_and_changes_nothing(cast, classroom):
    url = f"/programmes/{classroom.programme.pk}/enrol/"
    before = Enrolment.objects.count()
    response = login(cast.worker).post(url, {"case_number": "C-NOPE-1"}, follow=True)
    assert response.status_code == 200
    assert zh("No case with the number %(n)s that you may see.", n="C-NOPE-1") in response.content.decode()
    blank = login(cast.worker).post(url, {"case_number": "  "}, follow=True)
    assert zh("No case with the number %(n)s that you may see.", n="") in blank.content.decode()
    assert Enrolment.objects.count() == before


def test_enrolling_a_closed_case_is_refused_with_the_reason(cast, classroom):
    from cases.models import Case

    closed = make_case(lead_worker=cast.worker)
    Case.objects.filter(pk=closed.pk).update(status="closed", closed_on=TODAY())
    response = login(cast.worker).post(
        f"/programmes/{classroom.programme.pk}/enrol/", {"case_number": closed.number}, follow=True
    )
    assert zh("The case is closed.") in response.content.decode()
    assert not classroom.programme.enrolments.filter(case=closed).exists()


def test_the_facilitator_enrols_a_child_and_the_roster_shows_them(cast, classroom):
    case = make_case(lead_worker=cast.worker, child=ChildFactory(name="新来的孩子"))
    response = login(cast.worker).post(f"/programmes/{classroom.programme.pk}/enrol/", {"case_number": case.number})
    assert response.status_code == 302
    enrolment = classroom.programme.enrolments.get(case=case)
    enrolment.refresh_from_db()
    assert (enrolment.enrolled_by, enrolment.joined_on, enrolment.left_on) == (cast.worker, TODAY(), None)
    assert "新来的孩子" in login(cast.worker).get(f"/programmes/{classroom.programme.pk}/").content.decode()


@pytest.fixture
def parenting_session(cast):
    """A parenting group (its attendance counts guardians) run by the worker, the cast's child on it."""
    programme = services.programme_create(
        actor=cast.manager, kind="parenting_group", title="家长课堂", starts_on=TODAY() - dt.timedelta(days=10),
        facilitators=[cast.worker],
    )  # fmt: skip
    services.enrolment_add(actor=cast.manager, programme=programme, case=cast.case)
    return services.session_record(actor=cast.worker, programme=programme, date=TODAY(), duration_minutes=60)


def test_a_parenting_groups_attendance_saves_guardians(cast, parenting_session):
    session = parenting_session
    url = f"/programmes/sessions/{session.pk}/attendance/"
    response = login(cast.worker).post(url, {"present": [cast.case.pk], "guardians_present": "3",
                                             "guardian_names": "王奶奶、李爷爷"})  # fmt: skip
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.attendance_taken, session.guardians_present, session.guardian_names) == (True, 3, "王奶奶、李爷爷")
    assert list(session.attendees.all()) == [cast.case]


def test_guardians_that_are_not_a_number_are_refused_with_what_was_typed_kept(cast, parenting_session):
    session = parenting_session
    url = f"/programmes/sessions/{session.pk}/attendance/"
    response = login(cast.worker).post(url, {"present": [cast.case.pk], "guardians_present": "三个"})
    html = response.content.decode()
    assert response.status_code == 400
    assert zh("Give the number of guardians as a whole number.") in html
    assert 'value="三个"' in html
    session.refresh_from_db()
    assert (session.attendance_taken, session.guardians_present, session.attendees.count()) == (False, 0, 0)


def test_the_manager_takes_attendance_of_a_programme_they_do_not_facilitate(cast, classroom, session):
    url = f"/programmes/sessions/{session.pk}/attendance/"
    response = login(cast.manager).post(url, {"present": [c.pk for c in classroom.cases]})
    assert response.status_code == 302 and response["Location"] == f"/programmes/{classroom.programme.pk}/"
    session.refresh_from_db()
    assert session.attendance_taken
    assert sorted(session.attendees.values_list("pk", flat=True)) == sorted(c.pk for c in classroom.cases)


def test_a_session_id_that_is_not_a_number_is_404_not_a_500(cast):
    assert login(cast.manager).get("/programmes/sessions/abc/attendance/").status_code == 404
    assert api_as(cast.manager).get("/api/v1/programme-sessions/abc/").status_code == 404
    assert api_as(cast.manager).get("/api/v1/programmes/abc/").status_code == 404


# --- pupil profiles and the case panel --------------------------------------------------------------


def test_the_facilitator_saves_a_pupil_profile_and_it_is_stored(cast, classroom):
    url = f"/programmes/{classroom.programme.pk}/pupils/{cast.case.pk}/"
    body = {"school": "七里村小学", "grade": "三年级", "subjects_needing_support": "数学", "notes": "需要安静的角落"}
    response = login(cast.worker).post(url, body)
    assert response.status_code == 302 and response["Location"] == url
    profile = PupilProfile.objects.get()
    profile.refresh_from_db()
    assert (profile.case, profile.school, profile.grade, profile.subjects_needing_support) == (
        cast.case,
        "七里村小学",
        "三年级",
        "数学",
    )


def test_a_profile_too_long_is_refused_with_what_was_typed_kept(cast, classroom):
    url = f"/programmes/{classroom.programme.pk}/pupils/{cast.case.pk}/"
    response = login(cast.worker).post(url, {"school": "七里村小学", "grade": "年" * 51})
    html = response.content.decode()
    assert response.status_code == 400 and 'value="七里村小学"' in html
    assert not PupilProfile.objects.exists()


def test_a_pupil_of_another_programme_or_not_enrolled_is_404(cast, classroom):
    stranger = make_case(lead_worker=cast.colleague)
    client = login(cast.worker)
    assert client.get(f"/programmes/{classroom.programme.pk}/pupils/{stranger.pk}/").status_code == 404
    assert client.get(f"/programmes/{classroom.programme.pk}/pupils/abc/").status_code == 404
    response = client.post(f"/programmes/{classroom.programme.pk}/pupils/{stranger.pk}/", {"school": "某小学"})
    assert response.status_code == 404 and stranger.child.name not in response.content.decode()
    assert not PupilProfile.objects.exists()


def test_the_case_panel_is_404_to_who_does_not_see_the_case(cast, classroom):
    url = f"/programmes/case/{cast.case.pk}/"
    assert login(cast.worker).get(url).status_code == 200
    for user in (cast.colleague, cast.referrer, cast.funder):
        response = login(user).get(url)
        assert response.status_code == 404, user.username
        assert cast.case.child.name not in response.content.decode()
    assert login(cast.manager).get("/programmes/case/999999/").status_code == 404


# --- the parent–child calls page ---------------------------------------------------------------------


def _left_behind(cast, name="留守童"):
    return make_case(lead_worker=cast.worker, child=ChildFactory(name=name, left_behind=True))


def test_a_call_recorded_on_the_page_is_stored(cast):
    case = _left_behind(cast)
    body = {"case": case.pk, "date": TODAY().isoformat(), "kind": "video", "held": "on", "duration_minutes": "25",
            "arranged_by": "小陈", "participants": "妈妈", "note": "聊了学习"}  # fmt: skip
    response = login(cast.worker).post("/programmes/calls/", body)
    week_start, _ = parent_calls.week_of(TODAY())
    assert response.status_code == 302 and response["Location"] == f"/programmes/calls/?week={week_start.isoformat()}"
    call = ParentCall.objects.get()
    call.refresh_from_db()
    assert (call.case, call.kind, call.held, call.duration_minutes, call.participants, call.note) == (
        case,
        "video",
        True,
        25,
        "妈妈",
        "聊了学习",
    )


def test_a_call_in_the_future_is_refused_with_what_was_typed_kept(cast):
    case = _left_behind(cast)
    body = {"case": case.pk, "date": (TODAY() + dt.timedelta(days=3)).isoformat(), "kind": "video",
            "duration_minutes": "10", "participants": "爸爸和奶奶"}  # fmt: skip
    response = login(cast.worker).post("/programmes/calls/", body)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="爸爸和奶奶"' in html
    assert 'class="invalid-feedback"' in html or "is-invalid" in html
    assert not ParentCall.objects.exists()


def test_a_call_for_a_child_one_may_not_see_is_refused_and_nothing_written(cast):
    hidden = make_case(lead_worker=cast.colleague, child=ChildFactory(name="别人的留守童", left_behind=True))
    body = {"case": hidden.pk, "date": TODAY().isoformat(), "kind": "voice", "duration_minutes": "5"}
    response = login(cast.worker).post("/programmes/calls/", body)
    assert response.status_code == 400
    assert "别人的留守童" not in response.content.decode()
    assert not ParentCall.objects.exists()


@pytest.mark.parametrize("week", ["x", "2026-02-30", "2026-13-01", "99999-01-01"])
def test_a_week_that_is_not_a_date_shows_this_week(cast, week):
    _left_behind(cast, "本周留守童")
    response = login(cast.worker).get("/programmes/calls/", {"week": week})
    assert response.status_code == 200, week
    assert response.context["week_start"] == parent_calls.week_of(TODAY())[0]
    assert "本周留守童" in response.content.decode()


def test_the_calls_page_shows_only_the_children_one_may_see(cast):
    _left_behind(cast, "自己的留守童")
    make_case(lead_worker=cast.colleague, child=ChildFactory(name="同事的留守童", left_behind=True))
    html = login(cast.worker).get("/programmes/calls/").content.decode()
    assert "自己的留守童" in html and "同事的留守童" not in html


# --- stores --------------------------------------------------------------------------------------------


def test_a_store_created_on_the_page_is_stored(cast):
    response = login(cast.worker).post("/programmes/stores/", {"name": " 石桥村书屋 ", "kind": "library",
                                                               "location": cast.village.pk})  # fmt: skip
    store = Store.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programmes/stores/{store.pk}/"
    store.refresh_from_db()
    assert (store.name, store.kind, store.location) == ("石桥村书屋", "library", cast.village)


def test_a_store_without_a_name_is_refused_and_nothing_written(cast):
    response = login(cast.worker).post("/programmes/stores/", {"name": "", "kind": "bogus"})
    assert response.status_code == 400
    assert zh("This field is required.") in response.content.decode()
    assert not Store.objects.exists()


def test_goods_received_on_the_store_page_are_stored(cast, library):
    store, _item = library
    pledge = PledgeFactory(member=cast.pledger.member, kind="goods", description="文具 20 套")
    body = {"form": "receive", "pledge": pledge.pk, "category": "goods", "description": "文具套装", "quantity": "20",
            "unit_value": "8.5", "received_on": TODAY().isoformat()}  # fmt: skip
    response = login(cast.worker).post(f"/programmes/stores/{store.pk}/", body)
    assert response.status_code == 302 and response["Location"] == f"/programmes/stores/{store.pk}/"
    item = StockItem.objects.get(description="文具套装")
    item.refresh_from_db()
    assert (item.store, item.pledge, item.quantity, item.unit_value, item.received_by) == (
        store,
        pledge,
        20,
        Decimal("8.50"),
        cast.worker,
    )


def test_goods_received_in_the_future_are_refused_with_what_was_typed_kept(cast, library):
    store, _item = library
    body = {"form": "receive", "category": "books", "description": "明天到的书", "quantity": "3", "unit_value": "5",
            "received_on": (TODAY() + dt.timedelta(days=2)).isoformat()}  # fmt: skip
    response = login(cast.worker).post(f"/programmes/stores/{store.pk}/", body)
    html = response.content.decode()
    assert response.status_code == 400
    assert zh("The date cannot be in the future.") in html and 'value="明天到的书"' in html
    assert StockItem.objects.count() == 1


def test_giving_more_than_is_in_the_store_is_refused_and_nothing_moved(cast, library):
    store, item = library
    body = {"form": "move", "item": item.pk, "kind": "given", "quantity": "11", "date": TODAY().isoformat(),
            "case_number": cast.case.number}  # fmt: skip
    response = login(cast.worker).post(f"/programmes/stores/{store.pk}/", body)
    html = response.content.decode()
    assert response.status_code == 400
    assert zh("Only %(n)s left in the store.", n=10) in html and f'value="{cast.case.number}"' in html
    assert not StockMovement.objects.exists()


def test_an_item_of_another_store_cannot_be_moved_from_this_one(cast, library):
    store, item = library
    other = stock.store_create(actor=cast.worker, name="石桥村书屋")
    body = {"form": "move", "item": item.pk, "kind": "given", "quantity": "1", "date": TODAY().isoformat(),
            "case_number": cast.case.number}  # fmt: skip
    response = login(cast.worker).post(f"/programmes/stores/{other.pk}/", body)
    assert response.status_code == 400
    assert not StockMovement.objects.exists()


def test_a_post_naming_no_form_changes_nothing_and_answers_400(cast, library):
    store, _item = library
    response = login(cast.worker).post(f"/programmes/stores/{store.pk}/", {"form": "x", "description": "什么"})
    assert response.status_code == 400
    assert StockItem.objects.count() == 1 and not StockMovement.objects.exists()


def test_a_store_id_that_is_missing_is_404(cast):
    assert login(cast.worker).get("/programmes/stores/999999/").status_code == 404
    assert login(cast.worker).post("/programmes/stores/999999/", {"form": "receive"}).status_code == 404


def test_another_ngos_programme_is_neither_offered_nor_accepted_on_the_store_page(cast, library, other_ngo):
    store, item = library
    url = f"/programmes/stores/{store.pk}/"
    page = login(cast.worker).get(url).content.decode()
    assert "青山课堂" not in page
    body = {"form": "move", "item": item.pk, "kind": "given", "quantity": "1", "date": TODAY().isoformat(),
            "programme": other_ngo["programme"].pk}  # fmt: skip
    response = login(cast.worker).post(url, body)
    assert response.status_code == 400
    assert not StockMovement.objects.exists()


# --- the API: happy paths re-read, bad input writes nothing -----------------------------------------


def test_the_facilitator_patches_the_programme_and_it_is_stored(cast, classroom):
    api = api_as(cast.worker)
    url = f"/api/v1/programmes/{classroom.programme.pk}/"
    response = api.patch(url, {"venue": "村小学二楼", "planned_sessions": 20}, format="json")
    assert response.status_code == 200, response.content
    classroom.programme.refresh_from_db()
    assert (classroom.programme.venue, classroom.programme.planned_sessions) == ("村小学二楼", 20)


def test_a_patch_ending_the_programme_before_it_began_is_refused_and_nothing_written(cast, classroom):
    url = f"/api/v1/programmes/{classroom.programme.pk}/"
    ends = (classroom.programme.starts_on - dt.timedelta(days=1)).isoformat()
    response = api_as(cast.worker).patch(url, {"ends_on": ends, "venue": "不该存下"}, format="json")
    assert response.status_code == 400
    assert response.json()["ends_on"] == [zh("The end date cannot be before the start date.")]
    classroom.programme.refresh_from_db()
    assert (classroom.programme.ends_on, classroom.programme.venue) == (None, "")


def test_a_patch_leaving_no_facilitator_is_refused_and_nothing_written(cast, classroom):
    url = f"/api/v1/programmes/{classroom.programme.pk}/"
    response = api_as(cast.manager).patch(url, {"facilitators": [], "title": "无人带的课堂"}, format="json")
    assert response.status_code == 400
    assert response.json()["facilitators"] == [zh("A programme needs at least one facilitator.")]
    classroom.programme.refresh_from_db()
    assert classroom.programme.title == "四点半课堂"
    assert list(classroom.programme.facilitators.all()) == [cast.worker]


def test_a_session_moved_to_another_programme_is_refused_and_nothing_written(cast, classroom, session):
    other = services.programme_create(actor=cast.manager, kind="parenting_group", title="家长课堂",
                                      starts_on=TODAY() - dt.timedelta(days=90), facilitators=[cast.worker])  # fmt: skip
    url = f"/api/v1/programme-sessions/{session.pk}/"
    response = api_as(cast.worker).patch(url, {"programme": other.pk, "topic": "搬走"}, format="json")
    assert response.status_code == 400
    assert response.json()["programme"] == [zh("A session cannot move to another programme.")]
    session.refresh_from_db()
    assert (session.programme, session.topic) == (classroom.programme, "作业辅导")


def test_a_session_patch_outside_the_period_is_refused_and_nothing_written(cast, classroom, session):
    url = f"/api/v1/programme-sessions/{session.pk}/"
    early = (classroom.programme.starts_on - dt.timedelta(days=1)).isoformat()
    response = api_as(cast.worker).patch(url, {"date": early, "topic": "提前"}, format="json")
    assert response.status_code == 400
    session.refresh_from_db()
    assert (session.date, session.topic) == (TODAY() - dt.timedelta(days=1), "作业辅导")


def test_the_facilitator_patches_a_sessions_topic_and_it_is_stored(cast, classroom, session):
    url = f"/api/v1/programme-sessions/{session.pk}/"
    response = api_as(cast.worker).patch(url, {"topic": "阅读", "duration_minutes": 60}, format="json")
    assert response.status_code == 200, response.content
    session.refresh_from_db()
    assert (session.topic, session.duration_minutes) == ("阅读", 60)
    assert session.attendees.count() == 2  # attendance untouched


def test_the_facilitator_ends_an_enrolment_and_it_is_stored(cast, classroom):
    enrolment = classroom.programme.enrolments.get(case=cast.case)
    response = api_as(cast.worker).post(
        f"/api/v1/programme-enrolments/{enrolment.pk}/end/", {"left_on": TODAY().isoformat()}, format="json"
    )
    assert response.status_code == 200, response.content
    enrolment.refresh_from_db()
    assert enrolment.left_on == TODAY()
    assert response.json()["left_on"] == TODAY().isoformat()


def test_an_enrolment_end_that_is_not_a_date_is_refused_and_nothing_written(cast, classroom):
    enrolment = classroom.programme.enrolments.get(case=cast.case)
    response = api_as(cast.worker).post(
        f"/api/v1/programme-enrolments/{enrolment.pk}/end/", {"left_on": "昨天"}, format="json"
    )
    assert response.status_code == 400 and "left_on" in response.json()
    enrolment.refresh_from_db()
    assert enrolment.left_on is None


def test_a_call_recorded_through_the_api_is_stored(cast):
    case = _left_behind(cast)
    body = {"case": case.pk, "date": TODAY().isoformat(), "kind": "voice", "duration_minutes": 12, "held": True,
            "participants": "爸爸"}  # fmt: skip
    response = api_as(cast.worker).post("/api/v1/parent-calls/", body, format="json")
    assert response.status_code == 201, response.content
    call = ParentCall.objects.get(pk=response.json()["id"])
    call.refresh_from_db()
    assert (call.case, call.kind, call.duration_minutes, call.participants, call.recorded_by) == (
        case,
        "voice",
        12,
        "爸爸",
        cast.worker,
    )


def test_a_call_through_the_api_with_bad_fields_is_refused_and_nothing_written(cast):
    case = _left_behind(cast)
    for body in (
        {"case": case.pk, "date": TODAY().isoformat(), "kind": "telegram"},
        {"case": case.pk, "date": TODAY().isoformat(), "kind": "video", "duration_minutes": -5},
        {"case": case.pk, "date": "下周", "kind": "video"},
        {"case": 999999, "date": TODAY().isoformat(), "kind": "video"},
    ):
        response = api_as(cast.worker).post("/api/v1/parent-calls/", body, format="json")
        assert response.status_code == 400, (body, response.status_code)
    assert not ParentCall.objects.exists()


# --- exact query counts, two sizes ------------------------------------------------------------------


def _pin_page(django_assert_num_queries, client, url, *, grow, rows, expected):
    assert_pinned_queries(
        django_assert_num_queries, fetch=lambda: client.get(url), grow=grow, rows=rows, expected=expected
    )


def _new_programme(cast, title, *, enrol=None, attended=False):
    """A classroom the cast's worker runs, with one session today (``enrol``: a child on it, present if
    ``attended``)."""
    programme = services.programme_create(
        actor=cast.manager, kind="after_school_class", title=title, starts_on=TODAY() - dt.timedelta(days=20),
        facilitators=[cast.worker],
    )  # fmt: skip
    case = enrol or make_case(lead_worker=cast.worker)
    services.enrolment_add(actor=cast.manager, programme=programme, case=case)
    services.session_record(actor=cast.worker, programme=programme, date=TODAY(), duration_minutes=60,
                            attendees=[case] if attended else None)  # fmt: skip
    return programme


def _more_programmes(cast):
    def grow(n):
        for _ in range(n):
            _new_programme(cast, f"课堂{Programme.objects.count()}")

    return grow


def _more_sessions(cast, programme):
    def grow(n):
        enrolled = [e.case for e in programme.enrolments.select_related("case")]
        for _ in range(n):
            case = make_case(lead_worker=cast.worker)
            services.enrolment_add(actor=cast.manager, programme=programme, case=case,
                                   joined_on=programme.starts_on)  # fmt: skip
            enrolled.append(case)
            services.session_record(actor=cast.worker, programme=programme, date=TODAY(), duration_minutes=60,
                                    attendees=enrolled)  # fmt: skip

    return grow


def test_the_programme_list_queries_are_pinned(cast, django_assert_num_queries):
    _pin_page(django_assert_num_queries, login(cast.worker), "/programmes/", grow=_more_programmes(cast), rows=lambda r: r.content.decode().count("data-programme="),
              expected=EXPECTED["programme list"])  # fmt: skip


def test_a_programme_page_queries_are_pinned(cast, classroom, django_assert_num_queries):
    client = login(cast.worker)
    url = f"/programmes/{classroom.programme.pk}/"
    assert_pinned_queries(
        django_assert_num_queries,
        fetch=lambda: client.get(url),
        grow=_more_sessions(cast, classroom.programme),
        rows=lambda r: r.content.decode().count('data-testid="attendance-'),
        expected=EXPECTED["programme page"],
    )


def test_the_attendance_page_queries_are_pinned(cast, classroom, django_assert_num_queries):
    session = services.session_record(actor=cast.worker, programme=classroom.programme, date=TODAY(),
                                      duration_minutes=60)  # fmt: skip
    start = len(classroom.cases)

    def grow(n):
        for _ in range(n):
            services.enrolment_add(actor=cast.manager, programme=classroom.programme,
                                   case=make_case(lead_worker=cast.colleague))  # fmt: skip

    _pin_page(django_assert_num_queries, login(cast.worker), f"/programmes/sessions/{session.pk}/attendance/", grow=grow, rows=lambda r: r.content.decode().count('data-testid="child-') - start,
              expected=EXPECTED["attendance page"])  # fmt: skip


def test_the_calls_page_queries_are_pinned(cast, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            case = _left_behind(cast, f"通话童{ParentCall.objects.count()}")
            parent_calls.parent_call_record(
                actor=cast.worker, case=case, date=TODAY(), kind="video", duration_minutes=10
            )

    _pin_page(django_assert_num_queries, login(cast.worker), "/programmes/calls/", grow=grow, rows=numbered("通话童"),
              expected=EXPECTED["calls page"])  # fmt: skip


def test_the_stores_page_queries_are_pinned(cast, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            stock.store_create(actor=cast.worker, name=f"书屋{Store.objects.count()}", location=cast.village)

    _pin_page(django_assert_num_queries, login(cast.worker), "/programmes/stores/", grow=grow, rows=numbered("书屋"),
              expected=EXPECTED["stores page"])  # fmt: skip


def test_a_store_page_queries_are_pinned(cast, classroom, django_assert_num_queries):
    store = stock.store_create(actor=cast.worker, name="七里村图书室")
    pledge = PledgeFactory(member=cast.pledger.member, kind="goods", description="图书")

    def grow(n):
        for _ in range(n):
            item = stock.stock_receive(actor=cast.worker, store=store, description=f"图书{StockItem.objects.count()}",
                                       quantity=5, pledge=pledge)  # fmt: skip
            stock.stock_move(actor=cast.worker, item=item, kind="given", quantity=1, case=cast.case)
            stock.stock_move(actor=cast.worker, item=item, kind="lent", quantity=1, programme=classroom.programme)

    _pin_page(django_assert_num_queries, login(cast.worker), f"/programmes/stores/{store.pk}/", grow=grow, rows=lambda r: r.content.decode().count("data-item="),
              expected=EXPECTED["store page"])  # fmt: skip


def test_a_pupil_page_queries_are_pinned(cast, classroom, session, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            services.tutor_note_add(actor=cast.worker, session=session, case=cast.case,
                                    text=f"辅导记录{TutorNote.objects.count()}")  # fmt: skip

    _pin_page(django_assert_num_queries, login(cast.worker), f"/programmes/{classroom.programme.pk}/pupils/{cast.case.pk}/", grow=grow, rows=numbered("辅导记录"),
              expected=EXPECTED["pupil page"])  # fmt: skip


def test_the_case_panel_queries_are_pinned(cast, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            _new_programme(cast, f"兴趣班{Programme.objects.count()}", enrol=cast.case, attended=True)

    _pin_page(django_assert_num_queries, login(cast.worker), f"/programmes/case/{cast.case.pk}/", grow=grow, rows=numbered("兴趣班"),
              expected=EXPECTED["case panel"])  # fmt: skip


def _calls(cast, classroom):
    for i in range(12):
        parent_calls.parent_call_record(
            actor=cast.worker, case=_left_behind(cast, f"童{i}"), date=TODAY(), kind="video", duration_minutes=10
        )


def _sessions_of_several_programmes(cast, classroom):
    _more_sessions(cast, classroom.programme)(6)
    _more_programmes(cast)(6)  # whose names the caller sees: read once for all the page's programmes


# endpoint -> how 12 or more rows the worker sees are made
API_LISTS = {
    "/api/v1/programmes/": lambda cast, classroom: _more_programmes(cast)(11),  # + the classroom
    "/api/v1/programme-sessions/": _sessions_of_several_programmes,
    "/api/v1/programme-enrolments/": lambda cast, classroom: _more_programmes(cast)(7),  # + 5 on the classroom
    "/api/v1/parent-calls/": _calls,
}


@pytest.mark.parametrize("url", list(API_LISTS))
def test_the_list_endpoints_are_pinned_at_two_page_sizes(cast, classroom, url, django_assert_num_queries):
    API_LISTS[url](cast, classroom)
    api_list_pinned(django_assert_num_queries, api_as(cast.worker), url, EXPECTED[url], (2, 12))


EXPECTED = {
    "programme list": 7,
    "programme page": 16,
    "attendance page": 12,
    "calls page": 6,
    "stores page": 5,
    "store page": 11,
    "pupil page": 12,
    "case panel": 6,
    "/api/v1/programmes/": 4,
    "/api/v1/programme-sessions/": 8,  # + the audit row, the prefetches, the names one may see (3)
    "/api/v1/programme-enrolments/": 3,  # + the audit row
    "/api/v1/parent-calls/": 3,  # + the audit row
}


# --- filters, ordering and re-enrolment through the API -----------------------------------------------


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/programmes/", {"kind": "bogus"}),
        ("/api/v1/programmes/", {"location": "abc"}),
        ("/api/v1/programme-sessions/", {"programme": "abc"}),
        ("/api/v1/programme-sessions/", {"date": "2026-02-30"}),
        ("/api/v1/programme-enrolments/", {"case": "abc"}),
        ("/api/v1/parent-calls/", {"date": "昨天"}),
        ("/api/v1/parent-calls/", {"kind": "telegram"}),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field_not_a_500(cast, classroom, url, query):
    response = api_as(cast.worker).get(url, query)
    assert response.status_code == 400, (url, query, response.status_code)
    assert set(query) <= set(response.json()), response.json()


def test_filtering_by_another_ngos_programme_or_case_finds_nothing(cast, classroom, session, other_ngo):
    api = api_as(cast.manager)
    sessions = api.get("/api/v1/programme-sessions/", {"programme": other_ngo["programme"].pk})
    assert sessions.status_code == 200 and sessions.json()["count"] == 0
    calls = api.get("/api/v1/parent-calls/", {"case": other_ngo["case"].pk})
    assert calls.status_code == 200 and calls.json()["count"] == 0
    enrolments = api.get("/api/v1/programme-enrolments/", {"case": other_ngo["case"].pk})
    assert enrolments.status_code == 200 and enrolments.json()["count"] == 0
    assert OUTSIDER_CHILD not in sessions.content.decode() + calls.content.decode() + enrolments.content.decode()


def test_filters_narrow_the_lists_to_what_was_asked(cast, classroom, session):
    other = services.programme_create(actor=cast.manager, kind="parenting_group", title="家长课堂",
                                      starts_on=TODAY() - dt.timedelta(days=9), facilitators=[cast.worker])  # fmt: skip
    services.session_record(actor=cast.worker, programme=other, date=TODAY(), duration_minutes=45)
    api = api_as(cast.worker)
    kinds = api.get("/api/v1/programmes/", {"kind": "parenting_group"}).json()["results"]
    assert [row["id"] for row in kinds] == [other.pk]
    mine = api.get("/api/v1/programme-sessions/", {"programme": classroom.programme.pk}).json()["results"]
    assert [row["id"] for row in mine] == [session.pk]
    enrolled = api.get("/api/v1/programme-enrolments/", {"case": cast.case.pk}).json()["results"]
    assert [row["programme"] for row in enrolled] == [classroom.programme.pk]


def test_an_unknown_ordering_is_ignored_and_a_known_one_orders(cast, classroom):
    for i in range(3):
        services.programme_create(actor=cast.manager, kind="outing", title=f"外出{i}",
                                  starts_on=TODAY() - dt.timedelta(days=i))  # fmt: skip
    api = api_as(cast.worker)
    oldest_first = [r["starts_on"] for r in api.get("/api/v1/programmes/", {"ordering": "starts_on"}).json()["results"]]
    assert oldest_first == sorted(oldest_first)
    ignored = api.get("/api/v1/programmes/", {"ordering": "created_by__password"})
    assert ignored.status_code == 200
    assert [r["starts_on"] for r in ignored.json()["results"]] == sorted(oldest_first, reverse=True)


def test_a_child_who_left_and_is_enrolled_again_is_back_on_the_same_row(cast, classroom):
    enrolment = classroom.programme.enrolments.get(case=cast.case)
    api = api_as(cast.worker)
    assert api.post(f"/api/v1/programme-enrolments/{enrolment.pk}/end/", {}, format="json").status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.left_on == TODAY()
    again = api.post("/api/v1/programme-enrolments/", {"programme": classroom.programme.pk, "case": cast.case.pk},
                     format="json")  # fmt: skip
    assert again.status_code == 201, again.content
    assert again.json()["id"] == enrolment.pk
    enrolment.refresh_from_db()
    assert enrolment.left_on is None
    assert classroom.programme.enrolments.filter(case=cast.case).count() == 1
    twice = api.post("/api/v1/programme-enrolments/", {"programme": classroom.programme.pk, "case": cast.case.pk},
                     format="json")  # fmt: skip
    assert twice.status_code == 400
    assert twice.json()["case"] == [zh("The child is already on the roster.")]
    assert classroom.programme.enrolments.filter(case=cast.case).count() == 1


def test_a_child_who_left_cannot_be_marked_present(cast, classroom, session):
    enrolment = classroom.programme.enrolments.get(case=classroom.cases[1])
    services.enrolment_end(actor=cast.worker, enrolment=enrolment)
    url = f"/programmes/sessions/{session.pk}/attendance/"
    page = login(cast.worker).get(url).content.decode()
    assert f'data-testid="child-{classroom.cases[1].pk}"' not in page
    response = login(cast.worker).post(url, {"present": [classroom.cases[0].pk, classroom.cases[1].pk]})
    assert response.status_code == 400
    assert zh("Only children on the programme's roster can be marked present.") in response.content.decode()
    session.refresh_from_db()
    assert sorted(session.attendees.values_list("pk", flat=True)) == sorted(c.pk for c in classroom.cases[:2])


def test_a_full_put_replaces_the_programme(cast, classroom):
    url = f"/api/v1/programmes/{classroom.programme.pk}/"
    body = {"kind": "after_school_class", "title": "四点半课堂（秋季）", "starts_on": classroom.programme.starts_on.isoformat(),
            "ends_on": (TODAY() + dt.timedelta(days=90)).isoformat(), "facilitators": [cast.worker.pk, cast.colleague.pk],
            "volunteers": [], "venue": "村小学", "target_group": "留守儿童", "planned_sessions": 40}  # fmt: skip
    response = api_as(cast.manager).put(url, body, format="json")
    assert response.status_code == 200, response.content
    classroom.programme.refresh_from_db()
    programme = classroom.programme
    assert (programme.title, programme.venue, programme.target_group, programme.planned_sessions) == (
        "四点半课堂（秋季）",
        "村小学",
        "留守儿童",
        40,
    )
    assert set(programme.facilitators.all()) == {cast.worker, cast.colleague}
    assert not programme.volunteers.exists()
