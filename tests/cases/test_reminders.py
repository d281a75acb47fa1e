"""Unit tests of the cases app's reminder rules (cases/reminders.py), called directly with ``today``:
the day a reminder starts, who gets it, who never does, and that a second run adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from cases.models import Case
from cases.reminders import care_plans_due, caseload_pace, cases_quiet, visits_done, visits_due
from cases.services import activity_record, careplan_action_add, careplan_action_set_status, careplan_save, case_close
from notifications.models import Notification
from organisations.models import Organisation
from tests.factories import ContractFactory, UserFactory, make_case
from tests.writes import today

pytestmark = pytest.mark.django_db


def due_in(case: Case, days: int) -> Case:
    Case.objects.filter(pk=case.pk).update(next_visit_due=today() + dt.timedelta(days=days))
    return case


def reminded(kind: str) -> set[tuple[int, str]]:
    return set(Notification.objects.filter(kind=kind).values_list("user_id", "object_id"))


# --- visits ----------------------------------------------------------------------------------------


def test_a_visit_is_due_on_its_day_not_the_day_before(cast):
    tomorrow = due_in(make_case(lead_worker=cast.worker), 1)
    due_in(cast.case, 0)
    visits_due(today=today())
    assert reminded("visit_due") == {(cast.worker.pk, str(cast.case.pk))}
    assert str(tomorrow.pk) not in {o for _, o in reminded("visit_due")}


def test_a_visit_is_escalated_to_managers_at_seven_days_overdue_not_six(cast):
    six = due_in(make_case(lead_worker=cast.worker), -6)
    due_in(cast.case, -7)
    visits_due(today=today())
    assert reminded("visit_overdue") == {(cast.manager.pk, str(cast.case.pk))}
    assert (cast.worker.pk, str(six.pk)) in reminded("visit_due")


def test_escalation_goes_to_the_cases_own_organisations_active_managers(cast):
    elsewhere = Organisation.objects.create(name="外地中心", kind="ngo")
    UserFactory(role=Role.MANAGER, organisation=elsewhere)
    UserFactory(role=Role.MANAGER, is_active=False)
    second = UserFactory(role=Role.MANAGER)
    due_in(cast.case, -10)
    visits_due(today=today())
    assert {user for user, _ in reminded("visit_overdue")} == {cast.manager.pk, second.pk}


def test_no_visit_reminder_for_a_closed_case_or_an_inactive_lead(cast):
    gone = UserFactory(role=Role.SOCIAL_WORKER)
    orphan = due_in(make_case(lead_worker=gone), -3)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    due_in(cast.case, -3)
    case_close(actor=cast.manager, case=cast.case, closed_on=today(), closure_reason="目标达成")
    assert visits_due(today=today()) == 0
    assert not Notification.objects.filter(object_id__in=[str(orphan.pk), str(cast.case.pk)]).exists()


def test_a_second_run_adds_no_reminder_and_a_new_due_date_is_a_new_one(cast):
    due_in(cast.case, -1)
    visits_due(today=today())
    visits_due(today=today())
    assert Notification.objects.filter(kind="visit_due").count() == 1
    due_in(cast.case, 0)  # e.g. a visit was recorded and the next one is due today
    visits_due(today=today())
    assert Notification.objects.filter(kind="visit_due").count() == 2


def test_a_home_visit_recorded_after_the_reminder_resolves_it_a_phone_call_does_not(cast):
    due_in(cast.case, -1)
    visits_due(today=today())
    note = Notification.objects.get(kind="visit_due")
    open_reminders = Notification.objects.filter(resolved_at__isnull=True)
    activity_record(actor=cast.worker, case=cast.case, kind="phone_call", date=today(), summary="电话")
    assert visits_done(open_reminders=open_reminders, now=timezone.now()) == 0
    activity_record(actor=cast.worker, case=cast.case, kind="home_visit", date=today(), summary="家访")
    assert visits_done(open_reminders=open_reminders, now=timezone.now()) == 1
    assert Notification.objects.get(pk=note.pk).resolved_at is not None


# --- quiet cases -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_ago", "quiet"), [(30, True), (29, False)])
def test_a_case_is_quiet_when_its_last_activity_is_thirty_days_old(cast, days_ago, quiet):
    case = make_case(lead_worker=cast.worker, opened_on=today() - dt.timedelta(days=60))
    activity_record(
        actor=cast.worker, case=case, kind="phone_call", date=today() - dt.timedelta(days=days_ago), summary="电话"
    )
    cases_quiet(today=today())
    assert ((cast.worker.pk, str(case.pk)) in reminded("case_quiet")) is quiet


def test_a_case_opened_under_thirty_days_ago_is_not_quiet(cast):
    young = make_case(lead_worker=cast.worker, opened_on=today() - dt.timedelta(days=29))
    cases_quiet(today=today())
    assert str(young.pk) not in {o for _, o in reminded("case_quiet")}
    assert (cast.worker.pk, str(cast.case.pk)) in reminded("case_quiet")  # opened 30 days ago


def test_a_quiet_case_is_told_once_a_month(cast):
    cases_quiet(today=today())
    cases_quiet(today=today())
    assert Notification.objects.filter(kind="case_quiet").count() == 1
    next_month = (today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    cases_quiet(today=next_month)
    assert Notification.objects.filter(kind="case_quiet").count() == 2


# --- care plans ------------------------------------------------------------------------------------


def test_a_review_and_open_actions_are_due_on_their_day_for_the_lead_worker(cast):
    plan = careplan_save(actor=cast.worker, case=cast.case, goals="目标", review_on=today() + dt.timedelta(days=1))
    due = careplan_action_add(
        actor=cast.worker, plan=plan, description="联系学校", actor_kind="social_worker", due_on=today()
    )
    done = careplan_action_add(
        actor=cast.worker, plan=plan, description="申请低保", actor_kind="department", due_on=today()
    )
    careplan_action_set_status(actor=cast.worker, action=done, status="done")
    careplan_action_add(
        actor=cast.worker, plan=plan, description="下周", actor_kind="volunteer", due_on=today() + dt.timedelta(days=1)
    )
    assert care_plans_due(today=today()) == 1
    note = Notification.objects.get(kind="plan_action_due")
    assert (note.user, note.object_id, note.dedupe_key) == (
        cast.worker,
        str(cast.case.pk),
        f"plan-action:{due.pk}:{today()}",
    )
    assert not Notification.objects.filter(kind="plan_review").exists()
    assert care_plans_due(today=today() + dt.timedelta(days=1)) == 3  # the review, the action, the next one


def test_an_old_plan_version_and_a_closed_case_remind_nobody(cast):
    careplan_save(actor=cast.worker, case=cast.case, goals="旧", review_on=today())
    careplan_save(actor=cast.worker, case=cast.case, goals="新", review_on=today() + dt.timedelta(days=20))
    assert care_plans_due(today=today()) == 0
    other = make_case(lead_worker=cast.worker)
    careplan_save(actor=cast.worker, case=other, goals="目标", review_on=today())
    case_close(actor=cast.manager, case=other, closed_on=today(), closure_reason="目标达成")
    assert care_plans_due(today=today()) == 0


# --- caseload pace ---------------------------------------------------------------------------------


def test_a_contract_behind_its_target_tells_its_organisations_managers(cast):
    elsewhere = Organisation.objects.create(name="外地中心", kind="ngo")
    UserFactory(role=Role.MANAGER, organisation=elsewhere)
    contract = ContractFactory(
        start=today() - dt.timedelta(days=100), end=today() + dt.timedelta(days=100), caseload_target=20
    )
    # 10 expected by now, none opened
    assert caseload_pace(today=today()) == 1
    note = Notification.objects.get(kind="caseload_pace")
    assert (note.user, note.object_id) == (cast.manager, str(contract.pk))


def test_a_contract_less_than_a_whole_case_behind_tells_nobody(cast):
    contract = ContractFactory(
        start=today() - dt.timedelta(days=100), end=today() + dt.timedelta(days=100), caseload_target=5
    )
    # 2.5 expected by now: one case opened is more than a whole case behind (told), two are not
    Case.objects.filter(pk=cast.case.pk).update(contract=contract)
    assert caseload_pace(today=today()) == 1
    Notification.objects.all().delete()
    make_case(lead_worker=cast.worker, contract=contract)
    assert caseload_pace(today=today()) == 0


def test_a_contract_not_running_today_is_not_paced(cast):
    ContractFactory(start=today() - dt.timedelta(days=400), end=today() - dt.timedelta(days=1), caseload_target=50)
    ContractFactory(start=today() + dt.timedelta(days=1), end=today() + dt.timedelta(days=300), caseload_target=50)
    assert caseload_pace(today=today()) == 0
