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


# --- The file gets a case: the place becomes the case's enrolment (the child is never on a roster twice) ---


def _escalate(api_for, director, child_file):
    from referrals.models import Referral

    response = api_for(director).post(
        f"/api/v1/registry/{child_file.pk}/escalate/", {"concerns": "需要帮助"}, format="json"
    )
    assert response.status_code == 201, response.content
    return Referral.objects.get(pk=response.json()["referral"])


def test_an_accepted_escalation_moves_the_place_to_a_case_enrolment(
    cast, client_for, api_for, classroom, director, child_file, placed
):
    from programmes.models import Enrolment
    from programmes.selectors import roster as case_roster

    today = timezone.localdate()
    # given: three sessions attended by the register child, the latest today
    earlier = [_session(cast, classroom, days_ago, classroom.cases, [child_file]) for days_ago in (2, 1)]
    today_session = _session(cast, classroom, 0, classroom.cases, [child_file])
    roster.place_profile_save(actor=cast.worker, place=placed, school="七里村小学", grade="三年级")
    referral = _escalate(api_for, director, child_file)
    # when: the social worker accepts the escalation, opening a case
    accepted = api_for(cast.worker).post(f"/api/v1/referrals/{referral.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.content
    child_file.refresh_from_db()
    new_case = child_file.case
    assert new_case is not None and new_case.pk == accepted.json()["case"]
    # then: the place ended today and the case is on the roster from today, with today's attendance
    placed.refresh_from_db()
    assert placed.left_on == today
    enrolment = Enrolment.objects.get(programme=classroom.programme, case=new_case)
    assert enrolment.joined_on == today and enrolment.left_on is None and enrolment.enrolled_by == cast.worker
    assert new_case in today_session.attendees.all()
    assert all(new_case not in s.attendees.all() for s in earlier)
    profile = classroom.programme.pupil_profiles.get(case=new_case)  # the pupil profile goes with the child
    assert (profile.school, profile.grade) == ("七里村小学", "三年级")
    assert AuditEntry.objects.filter(
        object_type="programmeplace", object_id=str(placed.pk), action="update", detail__to_case=new_case.pk
    ).exists()
    # the child is on the roster once: by case, no longer by the register
    page = client_for(cast.worker).get(f"/programmes/{classroom.programme.pk}/")
    assert page.context["outside_roster"] == []
    assert page.context["roster_count"] == len(classroom.cases) + 1
    assert new_case.pk in {row.enrolment.case_id for row in case_roster(cast.worker, classroom.programme)}
    # the register attendance before the move raises no absence streak for the new case
    assert all(e.case_id != new_case.pk for e, _missed in services.absence_streaks(classroom.programme))
    # the file page keeps the programme and the sessions the child attended by the register
    [row] = roster.places_of_file(child_file)
    assert {s.pk for s in row.attended} == {today_session.pk, *(s.pk for s in earlier)}


def test_a_file_linked_to_a_case_already_on_the_programme_only_ends_the_place(
    cast, api_for, classroom, director, child_file, placed
):
    from programmes.models import Enrolment
    from referrals.services import referral_accept

    referral = _escalate(api_for, director, child_file)
    referral_accept(actor=cast.worker, referral=referral, case=cast.case)  # cast.case is on the classroom
    placed.refresh_from_db()
    assert placed.left_on == timezone.localdate()
    assert Enrolment.objects.filter(programme=classroom.programme, case=cast.case).count() == 1
    assert roster.RegisterRoster().roster_counts([classroom.programme.pk]) == {}
    # and the register no longer takes the child's attendance: their case does
    session = services.session_record(
        actor=cast.worker, programme=classroom.programme, date=timezone.localdate(), duration_minutes=60
    )
    with pytest.raises(ValidationError):
        services.attendance_save(
            actor=cast.worker, session=session, attendees=[], outside_present=[f"register:{child_file.pk}"]
        )


# --- Pupil profiles for register children: the facilitators and the file's director only -----------------


def test_the_register_pupils_profile_for_facilitators_and_the_director_only(
    cast, client_for, classroom, director, placed
):
    url = f"/registry/places/{placed.pk}/profile/"
    # the facilitator finds the profile from the roster (without ever opening the file) and fills it in
    page = client_for(cast.worker).get(f"/programmes/{classroom.programme.pk}/")
    [row] = page.context["outside_roster"]
    assert row.profile_link == url and row.link == ""
    body = {"school": "七里村小学", "grade": "三年级", "subjects_needing_support": "数学、语文"}
    assert client_for(cast.worker).post(url, body).status_code == 302
    placed.refresh_from_db()
    assert (placed.school, placed.grade, placed.subjects_needing_support) == ("七里村小学", "三年级", "数学、语文")
    assert AuditEntry.objects.filter(
        user=cast.worker, object_type="programmeplace", object_id=str(placed.pk), action="update"
    ).exists()
    # the file's director reads it, and the read is audited
    shown = client_for(director).get(url)
    assert shown.status_code == 200 and "数学、语文" in shown.content.decode()
    assert AuditEntry.objects.filter(
        user=director, object_type="programmeplace", object_id=str(placed.pk), action="view"
    ).exists()
    # too long: refused with the form's message, the input kept, nothing written
    bad = client_for(director).post(url, {**body, "grade": "年" * 51})
    assert bad.status_code == 400 and bad.context["form"].errors["grade"]
    assert bad.context["form"]["school"].value() == "七里村小学"
    placed.refresh_from_db()
    assert placed.grade == "三年级"
    # nobody else: a colleague, the manager (who may see the file but does not run the group) — 404
    for user in (cast.colleague, cast.manager):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(url, body).status_code == 404
    [managers_row] = client_for(cast.manager).get(f"/programmes/{classroom.programme.pk}/").context["outside_roster"]
    assert managers_row.profile_link == ""
    # once the child has left the roster, the profile is no longer open
    roster.place_end(actor=director, place=placed)
    assert client_for(cast.worker).get(url).status_code == 404
