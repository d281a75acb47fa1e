"""Unit tests of cases.services.access (access beyond the team: a request a manager answers, and
emergency "break glass" access) and cases.services.retention (when a closed file is anonymised)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from cases.models import AccessGrant, Case, CaseUserObjectPermission
from cases.permissions import cases_visible_to
from cases.services import access
from cases.services.access import access_decide, access_expiry_sweep, access_request, break_glass
from cases.services.retention import cases_due_for_anonymising, retention_ends
from notifications.models import Notification
from organisations.models import Organisation
from tests.factories import ChildFactory, UserFactory, make_case
from tests.writes import last_audit, message_of, writes_nothing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

REASON = "孩子的老师今晚打来电话"


def sees(user, case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


# --- asking ----------------------------------------------------------------------------------------


def test_a_request_is_stored_audited_and_told_to_each_manager_of_the_organisation(cast):
    second_manager = UserFactory(role=Role.MANAGER)
    UserFactory(role=Role.MANAGER, is_active=False)
    grant = access_request(actor=cast.colleague, number=f"  {cast.case.number} ", reason=f"  {REASON} ")
    stored = AccessGrant.objects.get(pk=grant.pk)
    assert (stored.case, stored.user, stored.kind, stored.status, stored.reason) == (
        cast.case,
        cast.colleague,
        "request",
        "requested",
        REASON,
    )
    assert not sees(cast.colleague, cast.case)  # asking opens nothing
    entry = last_audit(stored)
    assert (entry.action, entry.user_id, entry.detail) == (
        "create",
        cast.colleague.pk,
        {"case": cast.case.pk, "kind": "request"},
    )
    told = Notification.objects.filter(kind="access_requested")
    assert set(told.values_list("user_id", flat=True)) == {cast.manager.pk, second_manager.pk}
    assert all(cast.case.child.name not in n.text for n in told)


def test_asking_twice_returns_the_waiting_request(cast):
    first = access_request(actor=cast.colleague, number=cast.case.number, reason=REASON)
    with writes_nothing(AccessGrant, Notification):
        again = access_request(actor=cast.colleague, number=cast.case.number, reason="再问一次，很着急")
    assert again.pk == first.pk and AccessGrant.objects.get(pk=first.pk).reason == REASON


def test_no_request_for_a_missing_case_a_visible_one_or_another_organisations(cast):
    elsewhere = Organisation.objects.create(name="外地中心", kind="ngo")
    foreign = make_case(lead_worker=UserFactory(role=Role.SOCIAL_WORKER, organisation=elsewhere))
    for number in ("2000-9999", "", cast.case.number, foreign.number):
        actor = cast.worker if number == cast.case.number else cast.colleague
        with writes_nothing(AccessGrant, Notification):
            assert access_request(actor=actor, number=number, reason=REASON) is None


@pytest.mark.parametrize("who", ["referrer", "volunteer", "funder", "pledger"])
def test_roles_that_never_lead_cases_get_no_request(cast, who):
    with writes_nothing(AccessGrant, Notification):
        assert access_request(actor=getattr(cast, who), number=cast.case.number, reason=REASON) is None


@pytest.mark.parametrize("reason", ["", "    ", "急", "1234"])
def test_a_request_needs_a_reason_of_a_few_words(cast, reason):
    with writes_nothing(AccessGrant, Notification), pytest.raises(ValidationError) as error:
        access_request(actor=cast.colleague, number=cast.case.number, reason=reason)
    assert message_of(error.value, "reason") == "Say why you need this case (a few words at least)."


# --- answering -------------------------------------------------------------------------------------


def test_a_granted_request_opens_the_case_for_that_many_days(cast):
    grant = access_request(actor=cast.colleague, number=cast.case.number, reason=REASON)
    before = timezone.now()
    access_decide(actor=cast.manager, grant=grant, grant_days=7, note=" 一周 ")
    stored = AccessGrant.objects.get(pk=grant.pk)
    assert (stored.status, stored.decided_by, stored.decision_note) == ("granted", cast.manager, "一周")
    assert before + dt.timedelta(days=7) <= stored.ends_at <= timezone.now() + dt.timedelta(days=7)
    assert sees(cast.colleague, cast.case)
    assert last_audit(stored).detail == {"case": cast.case.pk, "status": "granted", "days": 7}
    assert Notification.objects.filter(user=cast.colleague, kind="access_decided").count() == 1


def test_a_decline_needs_a_note_and_opens_nothing(cast):
    grant = access_request(actor=cast.colleague, number=cast.case.number, reason=REASON)
    with writes_nothing(Notification), pytest.raises(ValidationError) as error:
        access_decide(actor=cast.manager, grant=grant, grant_days=None, note="  ")
    assert message_of(error.value, "note") == "Say why you decline."
    assert AccessGrant.objects.get(pk=grant.pk).status == "requested"
    access_decide(actor=cast.manager, grant=grant, grant_days=None, note="请先找组长")
    stored = AccessGrant.objects.get(pk=grant.pk)
    assert (stored.status, stored.ends_at) == ("declined", None)
    assert not sees(cast.colleague, cast.case)


@pytest.mark.parametrize("days", [0, -1, 31, 365])
def test_access_is_granted_for_one_to_thirty_days_only(cast, days):
    grant = access_request(actor=cast.colleague, number=cast.case.number, reason=REASON)
    with writes_nothing(CaseUserObjectPermission, Notification), pytest.raises(ValidationError) as error:
        access_decide(actor=cast.manager, grant=grant, grant_days=days)
    assert message_of(error.value, "days") == "Grant access for 1 to 30 days."
    assert AccessGrant.objects.get(pk=grant.pk).status == "requested"


@pytest.mark.parametrize("days", [1, 30])
def test_the_bounds_of_the_grant_are_accepted(cast, days):
    grant = access_request(actor=cast.colleague, number=cast.case.number, reason=REASON)
    assert access_decide(actor=cast.manager, grant=grant, grant_days=days).status == "granted"


def test_only_a_manager_of_the_cases_organisation_or_an_admin_answers(cast):
    elsewhere = Organisation.objects.create(name="外地中心", kind="ngo")
    outsider_manager = UserFactory(role=Role.MANAGER, organisation=elsewhere)
    grant = access_request(actor=cast.colleague, number=cast.case.number, reason=REASON)
    for actor in (cast.worker, outsider_manager, cast.funder):
        with writes_nothing(CaseUserObjectPermission, Notification), pytest.raises(ValidationError) as error:
            access_decide(actor=actor, grant=grant, grant_days=3)
        assert message_of(error.value) == "Only a manager of the case's organisation decides."
    access_decide(actor=cast.admin, grant=grant, grant_days=3)
    assert AccessGrant.objects.get(pk=grant.pk).decided_by == cast.admin


def test_a_request_is_answered_once(cast):
    grant = access_request(actor=cast.colleague, number=cast.case.number, reason=REASON)
    access_decide(actor=cast.manager, grant=grant, grant_days=None, note="不需要")
    with writes_nothing(CaseUserObjectPermission, Notification), pytest.raises(ValidationError) as error:
        access_decide(actor=cast.manager, grant=grant, grant_days=5)
    assert message_of(error.value) == "This request was already answered."
    assert not sees(cast.colleague, cast.case)


# --- break glass and expiry ------------------------------------------------------------------------


def test_break_glass_opens_the_case_for_a_day_and_tells_the_managers(cast):
    before = timezone.now()
    case = break_glass(actor=cast.colleague, number=cast.case.number, reason=REASON)
    assert case.pk == cast.case.pk and sees(cast.colleague, cast.case)
    grant = AccessGrant.objects.get(case=cast.case, user=cast.colleague)
    assert (grant.kind, grant.status) == ("break_glass", "granted")
    assert before + dt.timedelta(hours=24) <= grant.ends_at <= timezone.now() + dt.timedelta(hours=24)
    assert last_audit(grant).detail == {"case": cast.case.pk, "kind": "break_glass"}
    assert list(Notification.objects.filter(kind="access_break_glass").values_list("user_id", flat=True)) == [
        cast.manager.pk
    ]


def test_break_glass_on_a_case_one_cannot_open_is_refused_with_one_message(cast):
    for actor, number in (
        (cast.colleague, "2000-9999"),
        (cast.worker, cast.case.number),
        (cast.volunteer, cast.case.number),
    ):
        with (
            writes_nothing(AccessGrant, CaseUserObjectPermission, Notification),
            pytest.raises(ValidationError) as error,
        ):
            break_glass(actor=actor, number=number, reason=REASON)
        assert message_of(error.value, "number") == "No case with this number that you could open."


def test_a_failing_notification_rolls_back_break_glass(cast, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("inbox down")

    monkeypatch.setattr(access, "notify", broken)
    with writes_nothing(AccessGrant, CaseUserObjectPermission), pytest.raises(RuntimeError):
        break_glass(actor=cast.colleague, number=cast.case.number, reason=REASON)
    assert not sees(cast.colleague, cast.case)


def test_the_sweep_ends_grants_past_their_time_once_and_keeps_the_teams_access(cast):
    other = make_case(lead_worker=cast.worker)
    break_glass(actor=cast.colleague, number=cast.case.number, reason=REASON)
    break_glass(actor=cast.colleague, number=other.number, reason=REASON)
    from cases.services import case_team_add

    case_team_add(actor=cast.manager, case=other, user=cast.colleague)  # shared meanwhile: stays
    later = timezone.now() + dt.timedelta(hours=25)
    assert access_expiry_sweep(now=timezone.now()) == 0
    assert access_expiry_sweep(now=later) == 2
    assert not sees(cast.colleague, cast.case)
    assert sees(cast.colleague, other)
    ended = AccessGrant.objects.get(case=cast.case)
    assert (ended.status, ended.ended_at) == ("ended", later)
    entry = last_audit(ended)
    assert (entry.user_id, entry.detail) == (None, {"case": cast.case.pk, "status": "ended"})
    with writes_nothing(AccessGrant):
        assert access_expiry_sweep(now=later) == 0


# --- retention -------------------------------------------------------------------------------------


def _closed(cast, *, closed_on, born):
    case = make_case(lead_worker=cast.worker, child=ChildFactory(birth_date=born), opened_on=closed_on)
    Case.objects.filter(pk=case.pk).update(status="closed", closed_on=closed_on)
    return Case.objects.select_related("child").get(pk=case.pk)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def test_an_open_case_has_no_retention_end(cast):
    assert retention_ends(cast.case, cast.case.child) is None


def test_retention_is_the_later_of_five_years_after_closure_and_the_childs_23rd_birthday(cast):
    today = timezone.localdate()
    young = _closed(cast, closed_on=today - dt.timedelta(days=10), born=_years_before(today, 10))
    assert retention_ends(young, young.child) == young.child.birth_date.replace(year=young.child.birth_date.year + 23)
    old = _closed(cast, closed_on=today - dt.timedelta(days=10), born=_years_before(today, 22))
    assert retention_ends(old, old.child) == _years_before(old.closed_on, -5)


def test_a_child_born_on_29_february_is_kept_until_28_february_of_a_common_year(cast):
    leap = 2008  # 2008 + 23 = 2031, a common year
    case = _closed(cast, closed_on=dt.date(2020, 3, 1), born=dt.date(leap, 2, 29))
    assert retention_ends(case, case.child) == dt.date(2031, 2, 28)


def test_a_case_closed_on_29_february_is_kept_until_28_february_five_years_on(cast):
    case = _closed(cast, closed_on=dt.date(2020, 2, 29), born=None)
    assert retention_ends(case, case.child) == dt.date(2025, 2, 28)


def test_only_files_past_retention_with_no_open_case_on_the_child_are_due(cast):
    today = timezone.localdate()
    long_closed = _years_before(today, 6)
    due = _closed(cast, closed_on=long_closed, born=_years_before(today, 30))
    on_the_day = _closed(cast, closed_on=_years_before(today, 5), born=_years_before(today, 30))
    recent = _closed(cast, closed_on=today - dt.timedelta(days=30), born=_years_before(today, 30))
    still_young = _closed(cast, closed_on=long_closed, born=_years_before(today, 15))
    reopened = _closed(cast, closed_on=long_closed, born=_years_before(today, 30))
    make_case(lead_worker=cast.worker, child=reopened.child)
    ids = cases_due_for_anonymising(today)
    assert due.pk in ids and on_the_day.pk in ids
    assert not {recent.pk, still_young.pk, reopened.pk, cast.case.pk} & set(ids)
