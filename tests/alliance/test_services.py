"""Unit tests of alliance.services, selectors and policy called directly: members and their
organisation, events, volunteers' assignments, visit logs and urgent concerns, the roster import
(all or nothing), joint-conference agreements, and who sees which member, event and log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from alliance import selectors
from alliance.models import ConferenceAgreement, Event, Member, VolunteerAssignment, VolunteerLog
from alliance.permissions import events_visible_to, get_member_for_user, members_visible_to, volunteer_logs_visible_to
from alliance.selectors import directors_without_meeting, member_directory, volunteer_minutes
from alliance.services import (
    conference_agreement_add,
    event_create,
    member_create,
    member_update,
    members_import,
    volunteer_assign,
    volunteer_log_create,
    volunteer_raise_concern,
)
from core.models import AuditEntry
from notifications.models import Notification
from tests.factories import MemberFactory, make_case
from tests.writes import last_audit, message_of, today, writes_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def foreign_member(cast, elsewhere):
    return MemberFactory(name="外地主任", location=cast.village, organisation=elsewhere.organisation)


@pytest.fixture
def assigned(cast):
    member = cast.volunteer.member
    return volunteer_assign(actor=cast.worker, case=cast.case, member=member, brief="  每周陪读一次 ")


# --- members ---------------------------------------------------------------------------------------


def test_a_member_joins_the_actors_organisation_whatever_is_sent(cast, elsewhere):
    member = member_create(
        actor=cast.manager,
        name="张校长",
        sector="school",
        location=cast.village,
        phone="13912345678",
        organisation=elsewhere.organisation,
    )
    stored = Member.objects.get(pk=member.pk)
    assert stored.organisation_id == cast.manager.organisation_id != elsewhere.organisation.pk
    entry = last_audit(stored)
    assert (entry.action, entry.user_id) == ("create", cast.manager.pk)


def test_an_admin_may_add_a_member_to_another_organisation(cast, elsewhere):
    member = member_create(actor=cast.admin, name="李医生", sector="hospital", organisation=elsewhere.organisation)
    assert Member.objects.get(pk=member.pk).organisation == elsewhere.organisation


@pytest.mark.parametrize("phone", ["12345", "2391234567", "1391234567a", "010-123"])
def test_a_bad_phone_number_is_refused_on_create_and_update(cast, phone):
    with writes_nothing(Member), pytest.raises(ValidationError) as error:
        member_create(actor=cast.manager, name="张校长", phone=phone)
    assert message_of(error.value, "phone").startswith("Enter a mainland mobile number")
    member = cast.referrer.member
    with writes_nothing(), pytest.raises(ValidationError):
        member_update(actor=cast.manager, member=member, phone=phone)
    assert Member.objects.get(pk=member.pk).phone == member.phone


@pytest.mark.parametrize("phone", ["13912345678", "0871-12345678", "02112345678"])
def test_mobile_and_landline_numbers_are_accepted(cast, phone):
    assert Member.objects.get(pk=member_create(actor=cast.manager, name="张校长", phone=phone).pk).phone == phone


def test_a_member_update_audits_the_fields_that_changed(cast):
    member = cast.referrer.member
    member_update(actor=cast.worker, member=member, name=member.name, is_volunteer=True, sector="resident")
    assert last_audit(member).detail == {"fields": ["is_volunteer", "sector"]}


def test_the_roster_import_is_all_or_nothing_into_the_importers_organisation(cast, elsewhere):
    rows = [
        {"name": "陈主任", "sector": "wf_director", "phone": "13800000111", "joined_on": "2025-03-01"},
        {"name": "刘老师", "sector": "school", "organisation_id": elsewhere.organisation.pk},
    ]
    assert members_import(actor=cast.manager, rows=rows) == 2
    imported = Member.objects.filter(name__in=["陈主任", "刘老师"])
    assert {m.organisation_id for m in imported} == {cast.manager.organisation_id}
    assert Member.objects.get(name="陈主任").joined_on == dt.date(2025, 3, 1)
    entry = AuditEntry.objects.filter(object_type="member-import").get()
    assert entry.detail == {"rows": 2}
    bad = [{"name": "王主任二", "sector": "wf_director"}, {"name": "", "sector": "nonsense"}]
    with writes_nothing(Member), pytest.raises(ValidationError):
        members_import(actor=cast.manager, rows=bad)


# --- events ----------------------------------------------------------------------------------------


def test_an_event_is_stored_with_its_members_and_a_year_ahead_is_the_limit(cast):
    event = event_create(
        actor=cast.worker,
        kind="training",
        date=today() + dt.timedelta(days=366),
        title="  识别困境儿童培训 ",
        members=[cast.referrer.member, cast.other_referrer.member],
        minutes=" 二十人参加 ",
    )
    stored = Event.objects.get(pk=event.pk)
    assert (stored.title, stored.minutes, stored.created_by) == ("识别困境儿童培训", "二十人参加", cast.worker)
    assert set(stored.members.all()) == {cast.referrer.member, cast.other_referrer.member}
    assert last_audit(stored).action == "create"
    with writes_nothing(Event), pytest.raises(ValidationError) as error:
        event_create(actor=cast.worker, kind="training", date=today() + dt.timedelta(days=367), title="太远")
    assert message_of(error.value, "date") == "The date is too far in the future."
    with writes_nothing(Event), pytest.raises(ValidationError):
        event_create(actor=cast.worker, kind="party", date=today(), title="聚餐")


def test_agreements_belong_to_a_joint_conference_and_name_the_department(cast):
    training = event_create(actor=cast.worker, kind="training", date=today(), title="培训")
    conference = event_create(
        actor=cast.manager, kind="joint_conference", date=today(), title="联席会议", case=cast.case
    )
    with writes_nothing(ConferenceAgreement), pytest.raises(ValidationError) as error:
        conference_agreement_add(actor=cast.manager, event=training, department="民政")
    assert message_of(error.value) == "Agreements belong to a joint conference."
    with writes_nothing(ConferenceAgreement), pytest.raises(ValidationError) as error:
        conference_agreement_add(actor=cast.manager, event=conference, department="  ")
    assert message_of(error.value, "department") == "Name the department."
    agreement = conference_agreement_add(
        actor=cast.manager,
        event=conference,
        department=" 民政所 ",
        agreed_action=" 办理事实无人抚养补贴 ",
        follow_up_on=today() + dt.timedelta(days=14),
        attended=False,
    )
    stored = ConferenceAgreement.objects.get(pk=agreement.pk)
    assert (stored.department, stored.agreed_action, stored.attended) == ("民政所", "办理事实无人抚养补贴", False)
    assert last_audit(stored).detail == {"event": conference.pk}


# --- volunteers ------------------------------------------------------------------------------------


def test_assigning_a_volunteer_twice_keeps_one_active_assignment_with_the_new_brief(cast, assigned):
    assert (assigned.brief, assigned.assigned_by) == ("每周陪读一次", cast.worker)
    again = volunteer_assign(actor=cast.manager, case=cast.case, member=cast.volunteer.member, brief="改为两周一次")
    assert again.pk == assigned.pk
    stored = VolunteerAssignment.objects.get(pk=assigned.pk)
    assert (stored.brief, stored.assigned_by) == ("改为两周一次", cast.manager)
    assert last_audit(stored).detail == {"case": cast.case.pk}


def test_only_a_volunteer_member_is_assigned(cast):
    with writes_nothing(VolunteerAssignment), pytest.raises(ValidationError) as error:
        volunteer_assign(actor=cast.worker, case=cast.case, member=cast.referrer.member, brief="陪读")
    assert message_of(error.value, "member") == "This member is not a volunteer."


def test_a_volunteer_logs_her_visit_on_her_assigned_case(cast, assigned):
    log = volunteer_log_create(actor=cast.volunteer, case=cast.case, date=today(), minutes=90, note=" 陪写作业 ")
    stored = VolunteerLog.objects.get(pk=log.pk)
    assert (stored.member, stored.minutes, stored.note) == (cast.volunteer.member, 90, "陪写作业")
    assert last_audit(stored).detail == {"case": cast.case.pk}


def test_a_volunteer_cannot_log_for_a_case_she_is_not_on_nor_as_someone_else(cast, assigned):
    other = make_case(lead_worker=cast.worker)
    with writes_nothing(VolunteerLog), pytest.raises(ValidationError) as error:
        volunteer_log_create(actor=cast.volunteer, case=other, date=today(), minutes=30)
    assert message_of(error.value, "case") == "You are not assigned to this visit."
    stranger = MemberFactory(is_volunteer=True, location=cast.village)
    log = volunteer_log_create(actor=cast.volunteer, case=cast.case, date=today(), minutes=30, member=stranger)
    assert VolunteerLog.objects.get(pk=log.pk).member == cast.volunteer.member  # always her own


def test_staff_log_only_for_a_volunteer_who_is_or_was_on_the_case(cast, assigned):
    stranger = MemberFactory(is_volunteer=True, location=cast.village)
    for member, message in (
        (None, "Choose the volunteer."),
        (stranger, "This volunteer is not assigned to this case."),
    ):
        with writes_nothing(VolunteerLog), pytest.raises(ValidationError) as error:
            volunteer_log_create(actor=cast.worker, case=cast.case, date=today(), minutes=30, member=member)
        assert message_of(error.value, "member") == message
    VolunteerAssignment.objects.filter(pk=assigned.pk).update(is_active=False)
    log = volunteer_log_create(
        actor=cast.worker, case=cast.case, date=today() - dt.timedelta(days=3), minutes=45, member=cast.volunteer.member
    )
    assert VolunteerLog.objects.get(pk=log.pk).minutes == 45
    with writes_nothing(VolunteerLog), pytest.raises(ValidationError):
        volunteer_log_create(actor=cast.volunteer, case=cast.case, date=today(), minutes=30)  # no longer assigned


@pytest.mark.parametrize(
    ("days", "minutes", "field", "message"),
    [
        (1, 30, "date", "The date cannot be in the future."),
        (0, 0, "minutes", "Minutes must be between 1 and 1440."),
        (0, 1441, "minutes", "Minutes must be between 1 and 1440."),
    ],
)
def test_a_visit_log_dated_tomorrow_or_out_of_range_is_refused(cast, assigned, days, minutes, field, message):
    with writes_nothing(VolunteerLog), pytest.raises(ValidationError) as error:
        volunteer_log_create(
            actor=cast.volunteer, case=cast.case, date=today() + dt.timedelta(days=days), minutes=minutes
        )
    assert message_of(error.value, field) == message


@pytest.mark.parametrize("minutes", [1, 1440])
def test_the_bounds_of_a_visits_minutes_are_accepted(cast, assigned, minutes):
    assert volunteer_log_create(actor=cast.volunteer, case=cast.case, date=today(), minutes=minutes).minutes == minutes


def test_a_concern_goes_to_the_lead_worker_at_once_and_is_audited(cast, assigned):
    volunteer_raise_concern(actor=cast.volunteer, case=cast.case, message="  孩子身上有淤青 " + "很" * 400)
    note = Notification.objects.get(kind="volunteer_concern")
    assert note.user == cast.worker
    assert note.params["m"].startswith("孩子身上有淤青") and len(note.params["m"]) == 300
    entry = AuditEntry.objects.filter(object_type="concern").get()
    assert (entry.user_id, entry.object_id, entry.detail) == (
        cast.volunteer.pk,
        str(cast.case.pk),
        {"case": cast.case.pk},
    )


def test_a_concern_about_a_case_she_is_not_on_is_refused(cast):
    with writes_nothing(Notification), pytest.raises(ValidationError) as error:
        volunteer_raise_concern(actor=cast.volunteer, case=cast.case, message="担心")
    assert message_of(error.value) == "You are not assigned to this visit."


# --- reads -----------------------------------------------------------------------------------------


def test_staff_see_their_organisations_members_and_nobody_else_sees_any(cast, elsewhere, foreign_member):
    mine = set(members_visible_to(cast.worker))
    assert {cast.referrer.member, cast.pledger.member} <= mine and foreign_member not in mine
    assert foreign_member in set(members_visible_to(cast.admin))
    assert set(members_visible_to(elsewhere.manager)) == {foreign_member}
    for user in (cast.referrer, cast.pledger, cast.volunteer, cast.funder):
        assert not members_visible_to(user).exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("worker", ("ok", "ok", "ok")),
        ("manager", ("ok", "ok", "ok")),
        ("referrer", (404, "ok", 404)),  # her own certificate only
        ("other_referrer", (404, 404, 404)),
        ("pledger", (404, 404, 404)),
        ("funder", (404, 404, 404)),
        ("elsewhere", (404, 404, 404)),
    ],
)
def test_each_role_on_each_action_of_a_member(cast, elsewhere, who, expected):
    user = elsewhere.manager if who == "elsewhere" else getattr(cast, who)

    def answer(action):
        try:
            get_member_for_user(user, cast.referrer.member.pk, action=action)
        except Http404:
            return 404
        return "ok"

    assert tuple(answer(a) for a in ("view", "certificate", "change")) == expected


def test_the_directory_filters_by_words_sector_place_and_role(cast, elsewhere, foreign_member):
    teacher = MemberFactory(
        name="张老师", sector="school", location=cast.village, is_referrer=False, phone="13911112222"
    )
    MemberFactory(name="已退出", sector="school", location=cast.village, is_active=False)
    assert list(member_directory(cast.worker, q="老师")) == [teacher]
    assert list(member_directory(cast.worker, q="1391111")) == [teacher]
    assert list(member_directory(cast.worker, sector="school")) == [teacher]
    assert set(member_directory(cast.worker, role="volunteer")) == {cast.volunteer.member}
    in_town = set(member_directory(cast.worker, location=str(cast.village.parent_id)))
    assert teacher in in_town and foreign_member not in in_town
    assert set(member_directory(cast.worker, sector="astrology")) == set(member_directory(cast.worker))


def test_directors_without_this_months_meeting(cast):
    event_create(
        actor=cast.worker, kind="director_meeting", date=today(), title="月度会", members=[cast.referrer.member]
    )
    last_month = today().replace(day=1) - dt.timedelta(days=1)
    event_create(
        actor=cast.worker, kind="director_meeting", date=last_month, title="上月", members=[cast.other_referrer.member]
    )
    assert list(directors_without_meeting(cast.worker, today=today())) == [cast.other_referrer.member]
    assert not directors_without_meeting(cast.referrer, today=today()).exists()


def test_events_of_a_case_are_seen_only_by_who_sees_the_case(cast, elsewhere):
    on_case = event_create(actor=cast.manager, kind="joint_conference", date=today(), title="联席会议", case=cast.case)
    general = event_create(actor=cast.manager, kind="training", date=today(), title="培训")
    assert set(events_visible_to(cast.worker)) == {on_case, general}
    assert set(events_visible_to(cast.colleague)) == {general}
    assert not events_visible_to(elsewhere.manager).exists()
    assert not events_visible_to(cast.volunteer).exists()


def test_visit_logs_are_seen_by_the_cases_staff_and_the_volunteer_herself(cast, assigned):
    log = volunteer_log_create(actor=cast.volunteer, case=cast.case, date=today(), minutes=60)
    assert set(volunteer_logs_visible_to(cast.worker)) == {log}
    assert set(volunteer_logs_visible_to(cast.volunteer)) == {log}
    for user in (cast.colleague, cast.referrer, cast.pledger, cast.funder):
        assert not volunteer_logs_visible_to(user).exists()


def test_volunteer_minutes_add_the_registered_sources_within_the_dates(cast, assigned, monkeypatch):
    volunteer_log_create(actor=cast.volunteer, case=cast.case, date=today(), minutes=60)
    volunteer_log_create(actor=cast.volunteer, case=cast.case, date=today() - dt.timedelta(days=40), minutes=30)
    monkeypatch.setattr(selectors, "VOLUNTEER_MINUTES_SOURCES", [lambda member, start, end: 15])
    assert volunteer_minutes() == 105
    assert volunteer_minutes(start=today() - dt.timedelta(days=7), end=today()) == 75
    assert volunteer_minutes(member=cast.referrer.member) == 15
