"""Unit tests of cases.services.case: every write to a case file, called directly.

Each refusal is checked for its message and for writing nothing (no case, grant, risk change or
audit row); each write is re-read from the database, with its audit row and its object grants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from cases.models import (
    Activity,
    Case,
    CaseFlag,
    CaseUserObjectPermission,
    Child,
    HouseholdMember,
    RiskChange,
)
from cases.services import (
    StaleVersion,
    activity_record,
    case_assign,
    case_close,
    case_open,
    case_organisation_id,
    case_team_add,
    case_team_remove,
    case_update,
    child_create,
    child_update,
    flag_add,
    flag_resolve,
    household_member_add,
)
from cases.services import case as case_services
from tests.factories import ChildFactory, ContractFactory, UserFactory, make_case
from tests.writes import audit_rows, closure_of, last_audit, message_of, risk_changes, today, writes_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def grants(case: Case, user) -> set[str]:
    return set(
        CaseUserObjectPermission.objects.filter(content_object=case, user=user).values_list(
            "permission__codename", flat=True
        )
    )


# --- case_open -------------------------------------------------------------------------------------


def test_opening_a_case_numbers_it_by_year_grants_the_lead_and_audits(cast):
    child = ChildFactory(birth_date=today() - dt.timedelta(days=9 * 365))
    opened = today() - dt.timedelta(days=3)
    case = case_open(actor=cast.manager, child=child, lead_worker=cast.worker, opened_on=opened, risk_level="high")
    stored = Case.objects.get(pk=case.pk)
    assert stored.number.startswith(f"{opened.year}-")
    assert stored.child == child and stored.lead_worker == cast.worker and stored.status == "assessment"
    # medium is the default; high has a 7-day visit interval (settings.SHOUHU["VISIT_INTERVAL_DAYS"])
    assert stored.next_visit_due == opened + dt.timedelta(days=7)
    assert stored.last_home_visit is None
    assert grants(stored, cast.worker) == {"view_case", "change_case"}
    assert grants(stored, cast.colleague) == set()
    entry = last_audit(stored)
    assert (entry.action, entry.user_id) == ("create", cast.manager.pk)


def test_case_numbers_follow_on_within_a_year_and_restart_in_another(cast):
    this_year = today() - dt.timedelta(days=1)
    last_year = this_year.replace(year=this_year.year - 1, day=1)
    first = make_case(lead_worker=cast.worker, opened_on=this_year)
    second = make_case(lead_worker=cast.worker, opened_on=this_year)
    older = make_case(lead_worker=cast.worker, opened_on=last_year)
    seq = int(first.number.split("-")[1])
    assert second.number == f"{this_year.year}-{seq + 1:04d}"
    assert older.number.startswith(f"{last_year.year}-")


def test_a_case_counts_towards_the_contract_running_on_its_opening_day(cast):
    opened = today() - dt.timedelta(days=2)
    ended = ContractFactory(start=opened - dt.timedelta(days=400), end=opened - dt.timedelta(days=40))
    running = ContractFactory(start=opened - dt.timedelta(days=30), end=opened + dt.timedelta(days=300))
    case = make_case(lead_worker=cast.worker, opened_on=opened)
    assert Case.objects.get(pk=case.pk).contract == running != ended


def test_the_organisation_is_the_named_one_then_the_contracts_the_lead_workers_the_actors(cast, elsewhere):
    other_org = elsewhere.organisation
    contract = ContractFactory(organisation=other_org)
    outsider = elsewhere.worker
    assert case_organisation_id(actor=cast.manager, organisation=other_org) == other_org.pk
    assert case_organisation_id(actor=cast.manager, organisation=other_org.pk) == other_org.pk
    assert case_organisation_id(actor=cast.manager, contract=contract, lead_worker=cast.worker) == other_org.pk
    assert case_organisation_id(actor=cast.manager, lead_worker=outsider) == other_org.pk
    assert case_organisation_id(actor=outsider) == other_org.pk
    assert case_organisation_id(actor=None) is None


@pytest.mark.parametrize(
    ("days", "field", "message"),
    [
        (1, "opened_on", "The opening date cannot be later than today."),
        ("birth", "opened_on", "The opening date cannot be before the child's birth date."),
        ("2000", "opened_on", "The opening date cannot be before 1 January 2000."),
    ],
)
def test_a_bad_opening_date_is_refused_and_nothing_is_written(cast, days, field, message):
    child = ChildFactory(birth_date=today() - dt.timedelta(days=100))
    if days == "birth":
        opened = child.birth_date - dt.timedelta(days=1)
    elif days == "2000":
        opened = dt.date(1999, 12, 31)
    else:
        opened = today() + dt.timedelta(days=days)
    with writes_nothing(Case, CaseUserObjectPermission), pytest.raises(ValidationError) as error:
        case_open(actor=cast.manager, child=child, lead_worker=cast.worker, opened_on=opened)
    assert message_of(error.value, field) == message


def test_a_case_may_open_on_the_childs_birthday_and_today(cast):
    child = ChildFactory(birth_date=today())
    case = case_open(actor=cast.manager, child=child, lead_worker=cast.worker, opened_on=today())
    assert Case.objects.get(pk=case.pk).opened_on == child.birth_date


@pytest.mark.parametrize("who", ["referrer", "funder", "inactive", "volunteer"])
def test_only_an_active_worker_or_manager_may_lead_a_case(cast, who):
    lead = UserFactory(role=Role.SOCIAL_WORKER, is_active=False) if who == "inactive" else getattr(cast, who)
    with writes_nothing(Case, CaseUserObjectPermission), pytest.raises(ValidationError) as error:
        make_case(lead_worker=lead)
    assert message_of(error.value, "lead_worker") == "The lead worker must be an active social worker or manager."


def test_a_lead_worker_of_another_organisation_is_refused(cast, elsewhere):
    outsider = elsewhere.worker
    with writes_nothing(Case, CaseUserObjectPermission), pytest.raises(ValidationError) as error:
        make_case(lead_worker=outsider, organisation=cast.worker.organisation)
    assert message_of(error.value, "lead_worker") == "The lead worker must work for the case's organisation."


def test_a_contract_of_another_organisation_is_refused(cast, elsewhere):
    other_org = elsewhere.organisation
    with writes_nothing(Case), pytest.raises(ValidationError) as error:
        make_case(lead_worker=cast.worker, contract=ContractFactory(organisation=other_org))
    # the contract names the organisation first, so the worker is the one out of place
    assert "lead_worker" in error.value.message_dict
    with writes_nothing(Case), pytest.raises(ValidationError) as error:
        make_case(
            lead_worker=None, organisation=cast.worker.organisation, contract=ContractFactory(organisation=other_org)
        )
    assert message_of(error.value, "contract") == "The contract belongs to another organisation."


@pytest.mark.parametrize(
    ("issues", "message"),
    [
        (["neglect", "aliens"], "Unknown presenting issue: aliens"),
        (["neglect", "neglect"], "A presenting issue may be listed only once."),
    ],
)
def test_bad_presenting_issues_are_refused(cast, issues, message):
    with writes_nothing(Case, CaseUserObjectPermission), pytest.raises(ValidationError) as error:
        make_case(lead_worker=cast.worker, presenting_issues=issues)
    assert message_of(error.value, "presenting_issues") == message


def test_a_case_without_a_lead_worker_grants_nobody(cast):
    case = make_case(lead_worker=None)
    assert not CaseUserObjectPermission.objects.filter(content_object=case).exists()


def test_a_failing_audit_rolls_the_whole_opening_back(cast, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(case_services, "audit_log", broken)
    with writes_nothing(Case, CaseUserObjectPermission), pytest.raises(RuntimeError):
        make_case(lead_worker=cast.colleague)


# --- case_assign -----------------------------------------------------------------------------------


def test_assigning_moves_the_grants_bumps_the_version_and_audits(cast):
    version = cast.case.version
    case_assign(actor=cast.manager, case=cast.case, lead_worker=cast.colleague)
    stored = Case.objects.get(pk=cast.case.pk)
    assert stored.lead_worker == cast.colleague and stored.version == version + 1
    assert grants(stored, cast.colleague) == {"view_case", "change_case"}
    assert grants(stored, cast.worker) == set()
    entry = last_audit(stored)
    assert (entry.action, entry.user_id) == ("update", cast.manager.pk)
    assert entry.detail == {"assign": {"from": cast.worker.pk, "to": cast.colleague.pk}}


def test_a_previous_lead_who_is_on_the_team_keeps_access(cast):
    case_team_add(actor=cast.manager, case=cast.case, user=cast.worker)
    case_assign(actor=cast.manager, case=cast.case, lead_worker=cast.colleague)
    assert grants(cast.case, cast.worker) == {"view_case", "change_case"}


def test_reassigning_to_the_same_lead_keeps_their_access(cast):
    case_assign(actor=cast.manager, case=cast.case, lead_worker=cast.worker)
    assert grants(cast.case, cast.worker) == {"view_case", "change_case"}


def test_assigning_to_someone_who_may_not_lead_changes_nothing(cast, elsewhere):
    outsider = elsewhere.worker
    version = cast.case.version
    for lead in (cast.referrer, outsider):
        with writes_nothing(CaseUserObjectPermission), pytest.raises(ValidationError):
            case_assign(actor=cast.manager, case=cast.case, lead_worker=lead)
    stored = Case.objects.get(pk=cast.case.pk)
    assert stored.lead_worker == cast.worker and stored.version == version
    assert grants(stored, cast.worker) == {"view_case", "change_case"}


# --- case_update -----------------------------------------------------------------------------------


def test_a_risk_change_is_recorded_with_who_and_why_and_moves_the_visit_due(cast):
    case = Case.objects.get(pk=cast.case.pk)
    case_update(actor=cast.worker, case=case, version=case.version, reason="父亲酒后打人", risk_level="immediate")
    stored = Case.objects.get(pk=case.pk)
    assert stored.risk_level == "immediate" and stored.version == case.version + 1
    assert stored.next_visit_due == stored.opened_on + dt.timedelta(days=2)
    assert risk_changes(case) == [("medium", "immediate", cast.worker, "父亲酒后打人")]
    entry = last_audit(stored)
    assert (entry.action, entry.user_id, entry.detail) == ("update", cast.worker.pk, {"fields": ["risk_level"]})


def test_a_risk_change_without_a_reason_says_where_it_was_changed(cast):
    case_update(actor=cast.worker, case=cast.case, version=cast.case.version, risk_level="low")
    assert RiskChange.objects.get(case=cast.case).reason == "Changed in the case file"


def test_a_stale_version_raises_with_the_current_case_and_writes_nothing(cast):
    case_update(actor=cast.manager, case=cast.case, version=cast.case.version, family_situation="living_alone")
    with writes_nothing(RiskChange), pytest.raises(StaleVersion) as stale:
        case_update(actor=cast.worker, case=cast.case, version=cast.case.version, risk_level="high")
    assert stale.value.current.family_situation == "living_alone"
    assert stale.value.current.version == cast.case.version + 1
    assert Case.objects.get(pk=cast.case.pk).risk_level == "medium"


def test_the_status_cannot_be_changed_by_an_edit_but_may_be_sent_unchanged(cast):
    with writes_nothing(), pytest.raises(ValidationError) as error:
        case_update(actor=cast.manager, case=cast.case, version=cast.case.version, status="closed")
    assert message_of(error.value, "status").startswith("The status changes only through its own steps")
    case_update(actor=cast.manager, case=cast.case, version=cast.case.version, status="assessment", category="")
    stored = Case.objects.get(pk=cast.case.pk)
    assert stored.status == "assessment" and stored.category == ""


def test_a_field_outside_the_editable_ones_is_refused(cast):
    with writes_nothing(), pytest.raises(ValidationError) as error:
        case_update(actor=cast.manager, case=cast.case, version=cast.case.version, number="2000-9999", closed_on=None)
    assert message_of(error.value) == "These fields cannot be changed here: closed_on, number"
    assert Case.objects.get(pk=cast.case.pk).number == cast.case.number


def test_an_edit_that_changes_nothing_writes_nothing(cast):
    with writes_nothing(RiskChange):
        result = case_update(actor=cast.worker, case=cast.case, version=cast.case.version, risk_level="medium")
    assert result.version == cast.case.version == Case.objects.get(pk=cast.case.pk).version


def test_a_bad_opening_date_or_contract_in_an_edit_is_refused(cast, elsewhere):
    other_org = elsewhere.organisation
    stored = Case.objects.get(pk=cast.case.pk)
    with writes_nothing(), pytest.raises(ValidationError) as error:
        case_update(actor=cast.manager, case=stored, version=stored.version, opened_on=today() + dt.timedelta(days=1))
    assert "opened_on" in error.value.message_dict
    with writes_nothing(), pytest.raises(ValidationError) as error:
        case_update(
            actor=cast.manager, case=stored, version=stored.version, contract=ContractFactory(organisation=other_org)
        )
    assert message_of(error.value, "contract") == "The contract belongs to another organisation."
    assert Case.objects.get(pk=stored.pk).version == stored.version


def test_moving_the_opening_date_moves_the_visit_due(cast):
    opened = today() - dt.timedelta(days=10)
    case_update(actor=cast.manager, case=cast.case, version=cast.case.version, opened_on=opened)
    assert Case.objects.get(pk=cast.case.pk).next_visit_due == opened + dt.timedelta(days=14)


def test_a_change_to_the_child_alone_moves_every_file_of_that_child(cast):
    second = make_case(lead_worker=cast.colleague, child=cast.case.child)
    versions = (cast.case.version, Case.objects.get(pk=second.pk).version)
    case_update(actor=cast.worker, case=cast.case, version=cast.case.version, child_fields={"grade": "四年级"})
    assert Child.objects.get(pk=cast.case.child_id).grade == "四年级"
    assert Case.objects.get(pk=cast.case.pk).version == versions[0] + 1
    assert Case.objects.get(pk=second.pk).version == versions[1] + 1
    assert last_audit(cast.case.child).detail == {"fields": ["grade"]}


def test_an_unchanged_child_moves_no_version(cast):
    child = cast.case.child
    with writes_nothing():
        case_update(actor=cast.worker, case=cast.case, version=cast.case.version, child_fields={"name": child.name})
    assert Case.objects.get(pk=cast.case.pk).version == cast.case.version


def test_a_future_birth_date_is_refused_in_an_edit_and_the_child_is_kept(cast):
    born = cast.case.child.birth_date
    with writes_nothing(), pytest.raises(ValidationError) as error:
        case_update(
            actor=cast.worker,
            case=cast.case,
            version=cast.case.version,
            child_fields={"birth_date": today() + dt.timedelta(days=1)},
        )
    assert message_of(error.value, "birth_date") == "The birth date cannot be in the future."
    assert Child.objects.get(pk=cast.case.child_id).birth_date == born


def test_a_failing_due_date_refresh_rolls_back_the_risk_change(cast, monkeypatch):
    def broken(ids):
        raise RuntimeError("due dates")

    monkeypatch.setattr(case_services, "refresh_due_dates", broken)
    with writes_nothing(RiskChange), pytest.raises(RuntimeError):
        case_update(actor=cast.worker, case=cast.case, version=cast.case.version, risk_level="high")
    stored = Case.objects.get(pk=cast.case.pk)
    assert (stored.risk_level, stored.version) == ("medium", cast.case.version)


# --- case_close ------------------------------------------------------------------------------------


def test_closing_stores_the_date_reason_outcome_and_code_and_audits(cast):
    closed = today()
    case_close(
        actor=cast.manager,
        case=cast.case,
        closed_on=closed,
        closure_reason="  目标达成 ",
        closure_outcome=" 孩子回到学校 ",
        closure_code="goals_met",
    )
    assert closure_of(cast.case) == ("closed", closed, "目标达成", "孩子回到学校", "goals_met")
    stored = Case.objects.get(pk=cast.case.pk)
    assert stored.version == cast.case.version + 1
    entry = last_audit(stored)
    assert (entry.action, entry.user_id, entry.detail) == ("update", cast.manager.pk, {"close": str(closed)})


def test_a_case_may_close_on_the_day_it_opened(cast):
    case_close(actor=cast.manager, case=cast.case, closed_on=cast.case.opened_on, closure_reason="转出")
    assert Case.objects.get(pk=cast.case.pk).closed_on == cast.case.opened_on


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"closure_reason": "   "}, "closure_reason", "Give the reason for closing the case."),
        ({"closed_on": 1}, "closed_on", "The closing date cannot be in the future."),
        ({"closed_on": "before"}, "closed_on", "The closing date cannot be before the opening date."),
        ({"closure_code": "bored"}, "closure_code", "Choose why the case closed from the list."),
    ],
)
def test_a_bad_closure_is_refused_and_the_case_stays_open(cast, change, field, message):
    values = {"closed_on": today(), "closure_reason": "目标达成", **change}
    if values["closed_on"] == 1:
        values["closed_on"] = today() + dt.timedelta(days=1)
    elif values["closed_on"] == "before":
        values["closed_on"] = cast.case.opened_on - dt.timedelta(days=1)
    with writes_nothing(), pytest.raises(ValidationError) as error:
        case_close(actor=cast.manager, case=cast.case, **values)
    assert message_of(error.value, field) == message
    stored = Case.objects.get(pk=cast.case.pk)
    assert (stored.status, stored.closed_on, stored.version) == ("assessment", None, cast.case.version)


def test_a_closed_case_cannot_be_closed_again(cast):
    case_close(actor=cast.manager, case=cast.case, closed_on=today(), closure_reason="目标达成")
    with writes_nothing(), pytest.raises(ValidationError) as error:
        case_close(actor=cast.manager, case=cast.case, closed_on=today(), closure_reason="再关一次")
    assert message_of(error.value, "status") == "This case is already closed."
    assert Case.objects.get(pk=cast.case.pk).closure_reason == "目标达成"


# --- activities, flags, household ------------------------------------------------------------------


def test_a_home_visit_moves_the_last_visit_and_the_next_due(cast):
    visited = today() - dt.timedelta(days=1)
    activity = activity_record(
        actor=cast.worker, case=cast.case, kind="home_visit", date=visited, summary="  孩子精神好 ", duration_minutes=45
    )
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.summary, stored.recorded_by, stored.duration_minutes) == ("孩子精神好", cast.worker, 45)
    case = Case.objects.get(pk=cast.case.pk)
    assert case.last_home_visit == visited
    assert case.next_visit_due == visited + dt.timedelta(days=14)
    entry = last_audit(stored)
    assert (entry.action, entry.user_id, entry.detail) == ("create", cast.worker.pk, {"case": cast.case.pk})


def test_a_phone_call_moves_no_visit_date(cast):
    before = Case.objects.get(pk=cast.case.pk)
    activity_record(actor=cast.worker, case=cast.case, kind="phone_call", date=today(), summary="电话随访")
    after = Case.objects.get(pk=cast.case.pk)
    assert (after.last_home_visit, after.next_visit_due) == (before.last_home_visit, before.next_visit_due)


def test_an_older_home_visit_does_not_hide_the_latest(cast):
    activity_record(actor=cast.worker, case=cast.case, kind="home_visit", date=today(), summary="最近一次")
    activity_record(
        actor=cast.worker, case=cast.case, kind="home_visit", date=today() - dt.timedelta(days=5), summary="补录"
    )
    assert Case.objects.get(pk=cast.case.pk).last_home_visit == today()


@pytest.mark.parametrize(
    ("when", "message"),
    [("tomorrow", "The date cannot be in the future."), ("long_ago", "The date is long before the case was opened.")],
)
def test_an_activity_dated_out_of_range_is_refused(cast, when, message):
    date = today() + dt.timedelta(days=1) if when == "tomorrow" else cast.case.opened_on - dt.timedelta(days=367)
    with writes_nothing(Activity), pytest.raises(ValidationError) as error:
        activity_record(actor=cast.worker, case=cast.case, kind="home_visit", date=date, summary="家访")
    assert message_of(error.value, "date") == message


def test_an_activity_a_year_before_opening_is_accepted(cast):
    date = cast.case.opened_on - dt.timedelta(days=366)
    activity = activity_record(actor=cast.worker, case=cast.case, kind="other", date=date, summary="早年记录")
    assert Activity.objects.get(pk=activity.pk).date == date


def test_an_activity_of_an_unknown_kind_or_without_summary_is_refused(cast):
    for kind, summary in (("séance", "家访"), ("home_visit", "   ")):
        with writes_nothing(Activity), pytest.raises(ValidationError):
            activity_record(actor=cast.worker, case=cast.case, kind=kind, date=today(), summary=summary)


def test_flags_count_open_ones_and_resolving_twice_audits_once(cast):
    flag = flag_add(actor=cast.worker, case=cast.case, message="  学校反映孩子常缺课 ", due_on=today())
    flag_add(actor=cast.worker, case=cast.case, message="外婆住院")
    stored = CaseFlag.objects.get(pk=flag.pk)
    assert stored.message == "学校反映孩子常缺课" and stored.created_by == cast.worker
    assert Case.objects.get(pk=cast.case.pk).open_flag_count == 2
    assert last_audit(stored).detail == {"case": cast.case.pk}
    flag_resolve(actor=cast.manager, flag=stored)
    resolved = CaseFlag.objects.get(pk=flag.pk)
    assert resolved.resolved_by == cast.manager and resolved.resolved_at is not None
    assert Case.objects.get(pk=cast.case.pk).open_flag_count == 1
    with writes_nothing(CaseFlag):
        flag_resolve(actor=cast.worker, flag=resolved)
    assert CaseFlag.objects.get(pk=flag.pk).resolved_by == cast.manager
    assert [e.detail for e in audit_rows(stored, action="update")] == [{"resolved": True}]


def test_a_blank_flag_is_refused(cast):
    with writes_nothing(CaseFlag), pytest.raises(ValidationError):
        flag_add(actor=cast.worker, case=cast.case, message="  ")
    assert Case.objects.get(pk=cast.case.pk).open_flag_count == 0


def test_a_household_member_is_stored_and_audited_without_their_name(cast):
    member = household_member_add(
        actor=cast.worker, child=cast.case.child, name="张秀兰", relation="外婆", is_caregiver=True
    )
    stored = HouseholdMember.objects.get(pk=member.pk)
    assert (stored.child, stored.relation, stored.is_caregiver) == (cast.case.child, "外婆", True)
    entry = last_audit(stored)
    assert entry.detail == {"child": cast.case.child.pk}
    assert "张秀兰" not in str(entry.detail)


def test_a_household_member_without_a_relation_is_refused(cast):
    with writes_nothing(HouseholdMember), pytest.raises(ValidationError) as error:
        household_member_add(actor=cast.worker, child=cast.case.child, name="张秀兰", relation="")
    assert "relation" in error.value.message_dict


# --- the team --------------------------------------------------------------------------------------


def test_sharing_grants_and_unsharing_revokes(cast):
    case_team_add(actor=cast.worker, case=cast.case, user=cast.colleague)
    assert grants(cast.case, cast.colleague) == {"view_case", "change_case"}
    assert list(cast.case.team.all()) == [cast.colleague]
    assert last_audit(cast.case).detail == {"team_add": cast.colleague.pk}
    case_team_remove(actor=cast.worker, case=cast.case, user=cast.colleague)
    assert grants(cast.case, cast.colleague) == set()
    assert not cast.case.team.exists()
    assert last_audit(cast.case).detail == {"team_remove": cast.colleague.pk}


def test_removing_the_lead_from_the_team_keeps_their_access(cast):
    case_team_add(actor=cast.manager, case=cast.case, user=cast.worker)
    case_team_remove(actor=cast.manager, case=cast.case, user=cast.worker)
    assert grants(cast.case, cast.worker) == {"view_case", "change_case"}


def test_a_case_is_shared_only_with_a_worker_of_its_organisation(cast, elsewhere):
    outsider = elsewhere.worker
    for user in (cast.volunteer, outsider):
        with writes_nothing(CaseUserObjectPermission), pytest.raises(ValidationError):
            case_team_add(actor=cast.worker, case=cast.case, user=user)
    assert not cast.case.team.exists()


# --- the child -------------------------------------------------------------------------------------


def test_a_child_is_created_and_audited_and_updated_field_by_field(cast):
    child = child_create(actor=cast.worker, name="李想", sex="male", birth_date=today() - dt.timedelta(days=3000))
    assert Child.objects.get(pk=child.pk).name == "李想"
    assert (last_audit(child).action, last_audit(child).user_id) == ("create", cast.worker.pk)
    child_update(actor=cast.worker, child=child, name="李想", grade="三年级", left_behind=True)
    stored = Child.objects.get(pk=child.pk)
    assert (stored.grade, stored.left_behind) == ("三年级", True)
    assert last_audit(child).detail == {"fields": ["grade", "left_behind"]}


def test_a_child_born_tomorrow_is_refused(cast):
    with writes_nothing(Child), pytest.raises(ValidationError) as error:
        child_create(actor=cast.worker, name="未来", birth_date=today() + dt.timedelta(days=1))
    assert message_of(error.value, "birth_date") == "The birth date cannot be in the future."
    child = ChildFactory()
    with writes_nothing(), pytest.raises(ValidationError):
        child_update(actor=cast.worker, child=child, birth_date=today() + dt.timedelta(days=1))


def test_a_child_born_on_29_february_is_accepted(cast):
    year = today().year - 8
    while year % 4:
        year -= 1
    child = child_create(actor=cast.worker, name="闰日", birth_date=dt.date(year, 2, 29))
    assert Child.objects.get(pk=child.pk).birth_date == dt.date(year, 2, 29)
