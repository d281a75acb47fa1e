"""Unit tests of programmes.services and its policy, called directly: programmes and their people,
the roster, sessions and attendance (only the roster's children), absence streaks at exactly three,
pupil profiles and tutors' notes — each refusal writing nothing, rollback when a later check fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import Role
from notifications.models import Notification
from organisations.models import Organisation
from programmes.models import Enrolment, Programme, ProgrammeSession, PupilProfile, TutorNote
from programmes.permissions import (
    get_programme_for_user,
    may_run_programme,
    may_see_child_on_roster,
    may_see_pupil_profile,
    programmes_visible_to,
    roster_ids_visible_to,
)
from programmes.services import (
    absence_streaks,
    attendance_save,
    enrolment_add,
    enrolment_end,
    missed_in_a_row,
    programme_create,
    programme_update,
    pupil_profile_save,
    session_record,
    session_update,
    tutor_note_add,
)
from tests.factories import MemberFactory, UserFactory, make_case
from tests.writes import last_audit, message_of, today, writes_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def held(classroom, day: int, present) -> ProgrammeSession:
    """A session ``day`` days ago with attendance taken: ``present`` on it."""
    return session_record(
        actor=classroom.programme.facilitators.first(),
        programme=classroom.programme,
        date=days_ago(day),
        duration_minutes=90,
        attendees=present,
    )


# --- programmes ------------------------------------------------------------------------------------


def test_a_programme_belongs_to_its_creators_organisation_and_the_creator_facilitates_by_default(cast):
    programme = programme_create(
        actor=cast.worker, kind="parenting_group", title="  家长课堂 ", starts_on=days_ago(5), planned_sessions=8
    )
    stored = Programme.objects.get(pk=programme.pk)
    assert (stored.title, stored.organisation_id, stored.planned_sessions) == (
        "家长课堂",
        cast.worker.organisation_id,
        8,
    )
    assert list(stored.facilitators.all()) == [cast.worker]
    assert (last_audit(stored).action, last_audit(stored).user_id) == ("create", cast.worker.pk)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "rave"}, "kind", "Choose the kind of programme."),
        ({"ends_on": "before"}, "ends_on", "The end date cannot be before the start date."),
        ({"facilitators": "referrer"}, "facilitators", "Facilitators must be active staff."),
        ({"facilitators": "inactive"}, "facilitators", "Facilitators must be active staff."),
        ({"volunteers": "referrer"}, "volunteers", "Every volunteer must be an Alliance volunteer."),
    ],
)
def test_a_bad_programme_is_refused_with_nothing_written(cast, fields, field, message):
    values = {"kind": "children_group", "title": "儿童小组", "starts_on": days_ago(5), **fields}
    if values.get("ends_on") == "before":
        values["ends_on"] = days_ago(6)
    if values.get("facilitators") == "referrer":
        values["facilitators"] = [cast.referrer]
    elif values.get("facilitators") == "inactive":
        values["facilitators"] = [UserFactory(role=Role.SOCIAL_WORKER, is_active=False)]
    if values.get("volunteers") == "referrer":
        values["volunteers"] = [cast.referrer.member]
    with writes_nothing(Programme), pytest.raises(ValidationError) as error:
        programme_create(actor=cast.manager, **values)
    assert message_of(error.value, field) == message


def test_a_programme_may_end_on_the_day_it_starts(cast):
    programme = programme_create(actor=cast.manager, kind="outing", title="春游", starts_on=today(), ends_on=today())
    assert Programme.objects.get(pk=programme.pk).ends_on == today()


def test_removing_every_facilitator_rolls_back_the_whole_update(cast, classroom):
    programme = classroom.programme
    with writes_nothing(), pytest.raises(ValidationError) as error:
        programme_update(actor=cast.manager, programme=programme, title="改名了", facilitators=[])
    assert message_of(error.value, "facilitators") == "A programme needs at least one facilitator."
    stored = Programme.objects.get(pk=programme.pk)
    assert stored.title == "四点半课堂" and list(stored.facilitators.all()) == [cast.worker]


def test_an_update_changes_the_people_and_audits_them(cast, classroom):
    programme_update(actor=cast.manager, programme=classroom.programme, facilitators=[cast.worker, cast.colleague])
    assert set(classroom.programme.facilitators.all()) == {cast.worker, cast.colleague}
    assert last_audit(classroom.programme).detail == {"fields": ["people"]}
    with writes_nothing(), pytest.raises(ValidationError):
        programme_update(actor=cast.manager, programme=classroom.programme, ends_on=days_ago(61))


# --- the roster ------------------------------------------------------------------------------------


def test_enrolling_twice_keeps_one_place_and_re_enrolling_clears_the_leaving(cast, classroom):
    case = make_case(lead_worker=cast.worker)
    first = enrolment_add(actor=cast.worker, programme=classroom.programme, case=case, joined_on=days_ago(3))
    again = enrolment_add(actor=cast.worker, programme=classroom.programme, case=case)
    assert again.pk == first.pk and Enrolment.objects.get(pk=first.pk).joined_on == days_ago(3)
    enrolment_end(actor=cast.worker, enrolment=first, left_on=days_ago(1))
    assert Enrolment.objects.get(pk=first.pk).left_on == days_ago(1)
    assert last_audit(first).detail == {"left": str(days_ago(1))}
    enrolment_add(actor=cast.worker, programme=classroom.programme, case=case)
    assert Enrolment.objects.get(pk=first.pk).left_on is None


def test_a_closed_case_is_not_enrolled(cast, classroom):
    case = make_case(lead_worker=cast.worker)
    case.status, case.closed_on = "closed", today()
    with writes_nothing(Enrolment), pytest.raises(ValidationError) as error:
        enrolment_add(actor=cast.worker, programme=classroom.programme, case=case)
    assert message_of(error.value, "case") == "The case is closed."


def test_a_child_cannot_leave_before_joining_but_may_leave_the_day_she_joined(cast, classroom):
    enrolment = Enrolment.objects.get(programme=classroom.programme, case=cast.case)
    with writes_nothing(), pytest.raises(ValidationError) as error:
        enrolment_end(actor=cast.worker, enrolment=enrolment, left_on=enrolment.joined_on - dt.timedelta(days=1))
    assert message_of(error.value, "left_on") == "A child cannot leave before joining."
    assert Enrolment.objects.get(pk=enrolment.pk).left_on is None
    enrolment_end(actor=cast.worker, enrolment=enrolment, left_on=enrolment.joined_on)
    assert Enrolment.objects.get(pk=enrolment.pk).left_on == enrolment.joined_on


# --- sessions and attendance -----------------------------------------------------------------------


def test_a_session_records_who_came_and_its_tutors(cast, classroom):
    session = session_record(
        actor=cast.worker,
        programme=classroom.programme,
        date=today(),
        duration_minutes=90,
        topic="  作业辅导 ",
        attendees=classroom.own_cases[:2],
        tutors=[classroom.tutor],
        guardians_present=-3,
    )
    stored = ProgrammeSession.objects.get(pk=session.pk)
    assert set(stored.attendees.all()) == set(classroom.own_cases[:2])
    assert (stored.topic, stored.attendance_taken, stored.guardians_present) == ("作业辅导", True, 0)
    assert list(stored.tutors.all()) == [classroom.tutor]
    assert last_audit(stored).detail == {"present": 2, "others": 0}


def test_a_session_without_attendance_is_marked_not_taken(cast, classroom):
    session = session_record(actor=cast.worker, programme=classroom.programme, date=today(), duration_minutes=60)
    assert ProgrammeSession.objects.get(pk=session.pk).attendance_taken is False


@pytest.mark.parametrize(
    ("date", "minutes", "field", "message"),
    [
        ("in_two_days", 60, "date", "A session is recorded on or after the day it is held."),
        ("before_start", 60, "date", "The date is outside the programme's period."),
        ("today", 0, "duration_minutes", "Minutes must be between 1 and 1440."),
        ("today", 1441, "duration_minutes", "Minutes must be between 1 and 1440."),
    ],
)
def test_a_session_out_of_range_is_refused(cast, classroom, date, minutes, field, message):
    day = {"in_two_days": today() + dt.timedelta(days=2), "before_start": days_ago(61), "today": today()}[date]
    with writes_nothing(ProgrammeSession), pytest.raises(ValidationError) as error:
        session_record(actor=cast.worker, programme=classroom.programme, date=day, duration_minutes=minutes)
    assert message_of(error.value, field) == message


def test_tomorrows_session_may_be_prepared_today(cast, classroom):
    tomorrow = today() + dt.timedelta(days=1)
    session = session_record(actor=cast.worker, programme=classroom.programme, date=tomorrow, duration_minutes=60)
    assert ProgrammeSession.objects.get(pk=session.pk).date == tomorrow


def test_only_the_rosters_children_are_marked_present_and_only_volunteers_tutor(cast, classroom):
    stranger = make_case(lead_worker=cast.worker)
    with writes_nothing(ProgrammeSession), pytest.raises(ValidationError) as error:
        session_record(
            actor=cast.worker, programme=classroom.programme, date=today(), duration_minutes=60, attendees=[stranger]
        )
    assert message_of(error.value, "attendees") == "Only children on the programme's roster can be marked present."
    with writes_nothing(ProgrammeSession), pytest.raises(ValidationError) as error:
        session_record(
            actor=cast.worker,
            programme=classroom.programme,
            date=today(),
            duration_minutes=60,
            tutors=[cast.referrer.member],
        )
    assert message_of(error.value, "tutors") == "Every tutor must be an Alliance volunteer."


def test_saving_attendance_replaces_who_was_present(cast, classroom):
    session = session_record(actor=cast.worker, programme=classroom.programme, date=today(), duration_minutes=60)
    attendance_save(actor=cast.worker, session=session, attendees=classroom.cases[:3], guardians_present=2)
    attendance_save(actor=cast.worker, session=session, attendees=classroom.cases[3:])
    stored = ProgrammeSession.objects.get(pk=session.pk)
    assert set(stored.attendees.all()) == set(classroom.cases[3:])
    assert (stored.attendance_taken, stored.guardians_present) == (True, 2)
    stranger = make_case(lead_worker=cast.worker)
    with writes_nothing(), pytest.raises(ValidationError):
        attendance_save(actor=cast.worker, session=stored, attendees=[stranger])
    assert set(ProgrammeSession.objects.get(pk=session.pk).attendees.all()) == set(classroom.cases[3:])


def test_a_session_moved_outside_the_programme_is_refused(cast, classroom):
    session = session_record(actor=cast.worker, programme=classroom.programme, date=today(), duration_minutes=60)
    with writes_nothing(), pytest.raises(ValidationError):
        session_update(actor=cast.worker, session=session, date=days_ago(70))
    session_update(actor=cast.worker, session=session, topic="新话题", duration_minutes=45)
    stored = ProgrammeSession.objects.get(pk=session.pk)
    assert (stored.topic, stored.duration_minutes, stored.date) == ("新话题", 45, today())


# --- absence streaks -------------------------------------------------------------------------------


def test_two_missed_sessions_are_no_streak_the_third_tells_the_lead_worker(cast, classroom):
    child = classroom.own_cases[1]
    others = [c for c in classroom.cases if c != child]
    held(classroom, 3, others)
    held(classroom, 2, others)
    assert not Notification.objects.filter(kind="programme_absence").exists()
    third = held(classroom, 1, others)
    note = Notification.objects.get(kind="programme_absence")
    assert (note.user, note.object_id) == (cast.worker, str(child.pk))
    streaks = dict((e.case_id, [s.pk for s in missed]) for e, missed in absence_streaks(classroom.programme))
    assert streaks[child.pk][-1] == third.pk and len(streaks[child.pk]) == 3


def test_a_child_who_left_is_in_no_streak(cast, classroom):
    child = classroom.other_cases[0]
    enrolment_end(actor=cast.worker, enrolment=Enrolment.objects.get(programme=classroom.programme, case=child))
    others = [c for c in classroom.cases if c != child]
    for day in (3, 2, 1):
        held(classroom, day, others)
    assert child.pk not in {e.case_id for e, _ in absence_streaks(classroom.programme)}


def test_the_streak_reads_back_from_the_latest_session_to_the_last_one_attended():
    class S:
        def __init__(self, pk, date):
            self.pk, self.date = pk, date

    latest_first = [S(5, days_ago(1)), S(4, days_ago(2)), S(3, days_ago(3)), S(2, days_ago(4)), S(1, days_ago(5))]
    present = {2: {7}}
    assert [s.pk for s in missed_in_a_row(latest_first, present, 7, days_ago(30))] == [3, 4, 5]
    assert missed_in_a_row(latest_first, {4: {7}}, 7, days_ago(30)) == []  # came two sessions ago
    assert missed_in_a_row(latest_first, {}, 7, days_ago(2)) == []  # joined two days ago: two missed


# --- pupil profiles and tutors' notes --------------------------------------------------------------


def test_a_pupil_profile_is_created_once_then_updated_field_by_field(cast, classroom):
    profile = pupil_profile_save(
        actor=cast.worker, programme=classroom.programme, case=cast.case, school=" 七里小学 ", grade="三年级"
    )
    assert (PupilProfile.objects.get(pk=profile.pk).school, last_audit(profile).action) == ("七里小学", "create")
    again = pupil_profile_save(
        actor=cast.worker, programme=classroom.programme, case=cast.case, school="七里小学", grade="四年级"
    )
    assert again.pk == profile.pk and PupilProfile.objects.get(pk=profile.pk).grade == "四年级"
    assert last_audit(profile).detail == {"fields": ["grade"]}


def test_profiles_and_notes_are_only_for_the_rosters_children(cast, classroom):
    stranger = make_case(lead_worker=cast.worker)
    session = session_record(actor=cast.worker, programme=classroom.programme, date=today(), duration_minutes=60)
    with writes_nothing(PupilProfile), pytest.raises(ValidationError) as error:
        pupil_profile_save(actor=cast.worker, programme=classroom.programme, case=stranger, school="某校")
    assert message_of(error.value, "case") == "The child is not on this programme's roster."
    with writes_nothing(TutorNote), pytest.raises(ValidationError):
        tutor_note_add(actor=cast.worker, session=session, case=stranger, text="进步很大")
    with writes_nothing(TutorNote), pytest.raises(ValidationError) as error:
        tutor_note_add(actor=cast.worker, session=session, case=cast.case, text="   ")
    assert message_of(error.value, "text") == "Write the note."
    note = tutor_note_add(actor=cast.worker, session=session, case=cast.case, text="  进步很大 ")
    assert (TutorNote.objects.get(pk=note.pk).text, last_audit(note).detail) == ("进步很大", {"case": cast.case.pk})


# --- the policy ------------------------------------------------------------------------------------


def test_who_sees_and_runs_the_programme(cast, classroom):
    elsewhere = Organisation.objects.create(name="外地中心", kind="ngo")
    foreign_manager = UserFactory(role=Role.MANAGER, organisation=elsewhere)
    programme = classroom.programme
    for user in (cast.worker, cast.manager, cast.admin):
        assert get_programme_for_user(user, programme.pk, for_change=True) == programme
    assert get_programme_for_user(cast.colleague, programme.pk) == programme
    with pytest.raises(PermissionDenied):
        get_programme_for_user(cast.colleague, programme.pk, for_change=True)
    for user in (foreign_manager, cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        with pytest.raises(Http404):
            get_programme_for_user(user, programme.pk)
        assert not may_run_programme(user, programme)
    assert not programmes_visible_to(foreign_manager).exists()


def test_a_colleague_sees_by_name_only_the_children_of_her_own_cases(cast, classroom):
    ids = [c.pk for c in classroom.cases]
    assert roster_ids_visible_to(cast.worker, classroom.programme, ids) == set(ids)  # the facilitator
    assert roster_ids_visible_to(cast.colleague, classroom.programme, ids) == {c.pk for c in classroom.other_cases}
    assert roster_ids_visible_to(cast.referrer, classroom.programme, ids) == set()
    own = classroom.own_cases[0]
    assert may_see_child_on_roster(cast.worker, classroom.programme, classroom.other_cases[0].pk)
    assert not may_see_child_on_roster(cast.colleague, classroom.programme, own.pk)


def test_a_pupil_profile_is_for_the_facilitators_and_the_childs_lead_worker_only(cast, classroom):
    theirs = classroom.other_cases[0]
    assert may_see_pupil_profile(cast.worker, classroom.programme, theirs)  # facilitator
    assert may_see_pupil_profile(cast.colleague, classroom.programme, theirs)  # lead worker
    assert not may_see_pupil_profile(cast.colleague, classroom.programme, classroom.own_cases[0])
    assert not may_see_pupil_profile(cast.manager, classroom.programme, classroom.own_cases[0])
    volunteer_tutor = UserFactory(role=Role.VOLUNTEER, member=MemberFactory(is_volunteer=True))
    assert not may_see_pupil_profile(volunteer_tutor, classroom.programme, theirs)
