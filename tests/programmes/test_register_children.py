"""Children on the state register who have no case, on a programme's roster (issue 13).

The register keeps their places and attendance (registry.roster) and programmes shows them through
programmes.roster without importing the register: the director puts the child on, the facilitator
sees the name and takes attendance, three missed sessions tell the director, the file page lists
the programmes and sessions attended, and the funder figures count the child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from core.models import AuditEntry
from notifications.models import Notification
from organisations.models import Organisation
from programmes import services
from programmes.figures import programme_figures
from registry import roster
from registry.models import ProgrammePlace
from tests.factories import ContractFactory, UserFactory
from tests.registry.conftest import ensure_default_rules, make_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(cast):
    return UserFactory(username="zhouzr", full_name="周主任", role=Role.CHILDREN_DIRECTOR, location=cast.village)


@pytest.fixture
def child_file(cast, director):
    ensure_default_rules()
    return make_file(location=cast.village, director=director, name="刘小雨")


@pytest.fixture
def placed(classroom, director, child_file):
    joined = timezone.localdate() - dt.timedelta(days=60)
    return roster.place_add(actor=director, file=child_file, programme=classroom.programme, joined_on=joined)


def _session(cast, classroom, days_ago, present_cases, present_files=()):
    session = services.session_record(
        actor=cast.worker,
        programme=classroom.programme,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        duration_minutes=90,
        attendees=None,
    )
    return services.attendance_save(
        actor=cast.worker,
        session=session,
        attendees=present_cases,
        outside_present=[f"register:{f.pk}" for f in present_files],
    )


def test_the_director_puts_the_child_on_from_the_file_page(cast, client_for, classroom, director, child_file):
    # when: the village's director picks the classroom on the child's file page
    page = client_for(director).get(f"/registry/{child_file.pk}/")
    assert page.status_code == 200
    assert page.context["place_form"] is not None
    assert classroom.programme in page.context["place_form"].fields["programme"].queryset
    response = client_for(director).post(
        f"/registry/{child_file.pk}/programmes/",
        {"programme": classroom.programme.pk, "joined_on": timezone.localdate().isoformat()},
    )
    # then
    assert response.status_code == 302
    place = ProgrammePlace.objects.get(file=child_file)
    assert place.programme == classroom.programme and place.enrolled_by == director
    assert AuditEntry.objects.filter(object_type="programmeplace", object_id=str(place.pk), action="create").exists()


def test_only_who_may_change_the_file_and_only_a_child_without_a_case(cast, client_for, classroom, child_file):
    # a social worker (even the programme's facilitator) may not open the file, so may not put the child on
    response = client_for(cast.worker).post(
        f"/registry/{child_file.pk}/programmes/", {"programme": classroom.programme.pk}
    )
    assert response.status_code == 404
    # a child with a case is put on by case; another organisation's programme is not offered
    other = Organisation.objects.create(name="另一家机构")
    other_manager = UserFactory(username="om", role=Role.MANAGER, organisation=other)
    foreign = services.programme_create(
        actor=other_manager, kind="children_group", title="别家小组", starts_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        roster.place_add(actor=cast.manager, file=child_file, programme=foreign)
    child_file.case = cast.case
    child_file.save()
    with pytest.raises(ValidationError):
        roster.place_add(actor=cast.manager, file=child_file, programme=classroom.programme)
    assert not ProgrammePlace.objects.exists()


def test_the_facilitator_sees_the_name_a_colleague_sees_a_hidden_child(cast, client_for, classroom, placed):
    file_id = placed.file_id
    facilitator = client_for(cast.worker).get(f"/programmes/{classroom.programme.pk}/")
    assert "刘小雨" in facilitator.content.decode()
    assert facilitator.context["roster_count"] == len(classroom.cases) + 1
    # the read naming the register child is audited, by file id only
    entry = AuditEntry.objects.filter(user=cast.worker, object_type="registry", action="view").latest("pk")
    assert entry.detail["ids"] == [file_id] and entry.detail["programme"] == classroom.programme.pk
    # the facilitator never sees the file itself (no link, and 404)
    [row] = facilitator.context["outside_roster"]
    assert row.link == ""
    assert client_for(cast.worker).get(f"/registry/{file_id}/").status_code == 404
    # a colleague who reads the programme sees a hidden child, and no audit row names the file for them
    colleague = client_for(cast.colleague).get(f"/programmes/{classroom.programme.pk}/")
    assert colleague.status_code == 200
    assert "刘小雨" not in colleague.content.decode()
    assert colleague.context["outside_roster"][0].name is None
    assert not AuditEntry.objects.filter(user=cast.colleague, object_type="registry").exists()
    # the manager (who may see every file) gets the name and the link
    [managers_row] = client_for(cast.manager).get(f"/programmes/{classroom.programme.pk}/").context["outside_roster"]
    assert managers_row.name == "刘小雨" and managers_row.link == f"/registry/{file_id}/"


def test_attendance_page_marks_the_register_child(cast, client_for, classroom, placed):
    session = services.session_record(
        actor=cast.worker,
        programme=classroom.programme,
        date=timezone.localdate(),
        duration_minutes=90,
        attendees=None,
    )
    url = f"/programmes/sessions/{session.pk}/attendance/"
    page = client_for(cast.worker).get(url)
    body = page.content.decode()
    assert f'data-testid="child-register{placed.file_id}"' in body
    assert page.context["present_count"] == len(classroom.cases) + 1  # everyone present by default
    # an unknown register child is refused with a message and nothing is written
    bad = client_for(cast.worker).post(url, {"present": [str(classroom.cases[0].pk), "register:999999"]})
    assert bad.status_code == 400
    session.refresh_from_db()
    assert not session.attendance_taken and not session.attendees.exists()
    assert "名单" in bad.context["error"] and bad.context["present_count"] == 1  # the message, in Chinese
    # saved: two with a case and the register child
    present = [str(classroom.cases[0].pk), str(classroom.cases[1].pk), f"register:{placed.file_id}"]
    assert client_for(cast.worker).post(url, {"present": present}).status_code == 302
    assert set(placed.sessions_attended.values_list("pk", flat=True)) == {session.pk}
    assert set(session.attendees.values_list("pk", flat=True)) == {classroom.cases[0].pk, classroom.cases[1].pk}
    detail = client_for(cast.worker).get(f"/programmes/{classroom.programme.pk}/")
    [listed] = [s for s in detail.context["sessions"] if s.pk == session.pk]
    assert listed.present_count == 3
    # saved again without the child: the attendance is replaced
    client_for(cast.worker).post(url, {"present": present[:2]})
    assert not placed.sessions_attended.exists()


def test_three_missed_sessions_tell_the_director_once(cast, classroom, placed, director):
    everyone = classroom.cases
    _session(cast, classroom, 10, everyone, [placed.file])
    _session(cast, classroom, 8, everyone)
    _session(cast, classroom, 6, everyone)
    assert not Notification.objects.filter(user=director, kind="programme_absence").exists()
    third = _session(cast, classroom, 4, everyone)
    [note] = Notification.objects.filter(user=director, kind="programme_absence")
    assert note.link == f"/registry/{placed.file_id}/" and "3" in note.text
    assert not Notification.objects.filter(kind="programme_absence").exclude(user=director).exists()
    _session(cast, classroom, 2, everyone)  # a fourth: the same streak, no second reminder
    assert Notification.objects.filter(user=director, kind="programme_absence").count() == 1
    # coming back and missing three more is a new streak
    _session(cast, classroom, 1, everyone, [placed.file])
    for _ in range(3):
        _session(cast, classroom, 0, everyone)
    assert Notification.objects.filter(user=director, kind="programme_absence").count() == 2
    assert third.attendance_taken


def test_a_child_of_a_village_without_a_director_is_the_facilitators_to_follow(cast, classroom):
    ensure_default_rules()
    file = make_file(location=cast.village, director=None, name="无主任的孩子")
    roster.place_add(
        actor=cast.manager,
        file=file,
        programme=classroom.programme,
        joined_on=timezone.localdate() - dt.timedelta(days=30),
    )
    for days in (6, 4, 2):
        _session(cast, classroom, days, classroom.cases)
    [note] = Notification.objects.filter(kind="programme_absence")
    assert note.user == cast.worker and note.link == f"/programmes/{classroom.programme.pk}/"


def test_the_programme_list_counts_the_register_child_on_the_roster(cast, client_for, classroom, placed):
    page = client_for(cast.worker).get("/programmes/")
    [row] = [p for p in page.context["programmes"] if p.pk == classroom.programme.pk]
    assert row.enrolled_count == len(classroom.cases) + 1


def test_sessions_taken_through_the_api_do_not_count_the_register_child_absent(
    cast, api_for, classroom, placed, director
):
    # the API's attendees are case ids: it cannot mark the register child, so it does not count them absent
    for days in (6, 4, 2):
        body = {
            "programme": classroom.programme.pk,
            "date": str(timezone.localdate() - dt.timedelta(days=days)),
            "duration_minutes": 90,
            "attendees": [c.pk for c in classroom.cases],
        }
        assert api_for(cast.worker).post("/api/v1/programme-sessions/", body, format="json").status_code == 201
    assert not Notification.objects.filter(user=director).exists()
    assert roster.places_of_file(placed.file)[0].held == 0


def test_the_file_page_shows_programmes_and_sessions_attended(cast, client_for, classroom, placed, director):
    came = _session(cast, classroom, 5, classroom.cases, [placed.file])
    _session(cast, classroom, 3, classroom.cases)
    page = client_for(director).get(f"/registry/{placed.file_id}/")
    assert page.status_code == 200
    [row] = page.context["programme_rows"]
    assert row["programme"] == classroom.programme
    assert (len(row["attended"]), row["held"]) == (1, 2)
    assert [s.pk for s in row["attended"]] == [came.pk]
    body = page.content.decode()
    assert classroom.programme.title in body and came.date.strftime("%Y-%m-%d") in body
    # the director takes the child off: no more rows on the roster, the history stays on the file
    response = client_for(director).post(f"/registry/{placed.file_id}/programmes/{placed.pk}/end/")
    assert response.status_code == 302
    assert roster.RegisterRoster().rows(user=cast.worker, programme=classroom.programme) == []
    assert client_for(director).get(f"/registry/{placed.file_id}/").context["programme_rows"][0]["left_on"]


def test_a_linked_case_shows_its_programmes_on_the_file_to_who_may_see_the_case(cast, client_for, classroom, director):
    ensure_default_rules()
    linked = make_file(location=cast.village, director=director, name="案主", case=cast.case)
    _session(cast, classroom, 2, [cast.case])
    rows = client_for(cast.manager).get(f"/registry/{linked.pk}/").context["programme_rows"]
    assert [(r["programme"], len(r["attended"])) for r in rows] == [(classroom.programme, 1)]
    assert client_for(cast.manager).get(f"/registry/{linked.pk}/").context["place_form"] is None
    # the director sees the file but not the case: no case-derived programmes
    assert client_for(director).get(f"/registry/{linked.pk}/").context["programme_rows"] == []


def test_figures_count_the_register_child_except_for_a_contract(cast, classroom, placed):
    _session(cast, classroom, 3, classroom.cases[:2], [placed.file])
    _session(cast, classroom, 1, classroom.cases[:1], [placed.file])
    today = timezone.localdate()
    start = today - dt.timedelta(days=27)
    got = programme_figures(start, today)
    assert (got["children_reached"], got["attendances"]) == (3, 5)  # 2 with a case + the register child; 3 + 2
    assert got["average_attendance"] == 2.5
    contract = ContractFactory()
    for case in classroom.cases:
        case.contract = contract
        case.save()
    by_contract = programme_figures(start, today, contract)
    assert (by_contract["children_reached"], by_contract["attendances"]) == (2, 3)


def test_programme_figures_are_the_organisations(cast, classroom):
    from reports.permissions import figure_scope_for

    other = Organisation.objects.create(name="另一家机构")
    other_manager = UserFactory(username="om", role=Role.MANAGER, organisation=other)
    today = timezone.localdate()
    foreign = services.programme_create(
        actor=other_manager, kind="children_group", title="别家小组", starts_on=today - dt.timedelta(days=5)
    )
    services.session_record(actor=other_manager, programme=foreign, date=today, duration_minutes=60, attendees=[])
    _session(cast, classroom, 1, classroom.cases[:2])
    start = today - dt.timedelta(days=27)
    mine = programme_figures(start, today, scope=figure_scope_for(cast.manager))
    theirs = programme_figures(start, today, scope=figure_scope_for(other_manager))
    everything = programme_figures(start, today)
    assert (mine["programmes"], mine["sessions"]) == (1, 1)
    assert (theirs["programmes"], theirs["sessions"], theirs["children_reached"]) == (1, 1, 0)
    assert (everything["programmes"], everything["sessions"]) == (2, 2)
