"""The reminder sweep's watermark: a re-run selects only what became due since the previous run.

Each test runs with no margin for writes in flight (``REMINDER_CHANGE_MARGIN_MINUTES = 0``) and puts
the rows it did not mean to change before the watermark, so what a re-run finds is only what the
watermark lets through; the margin itself is tested on its own.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from notifications.models import Notification, SweepWatermark
from notifications.reminders import sweep
from tests.factories import ActivityFactory, PledgeRequestFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_margin(settings):
    settings.SHOUHU = {**settings.SHOUHU, "REMINDER_CHANGE_MARGIN_MINUTES": 0}


def local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def written_before_the_sweep() -> None:
    """Every case as if last written an hour ago (before the watermark the next sweep records)."""
    Case.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))


def visit_reminders() -> set[tuple[str, str]]:
    return set(Notification.objects.filter(kind__in=["visit_due", "visit_overdue"]).values_list("kind", "object_id"))


def test_an_immediate_re_run_creates_nothing_and_reads_nothing_old(cast, no_margin):
    today = timezone.localdate()
    high = make_case(lead_worker=cast.worker, risk_level="high", opened_on=today - dt.timedelta(days=40))
    written_before_the_sweep()
    # given a first sweep that reminds of both due visits
    first = sweep(now=local(today, 10))
    assert first["visits_due"] == 4  # two due, two more than a week overdue (to the manager)
    assert visit_reminders() == {
        ("visit_due", str(cast.case.pk)),
        ("visit_due", str(high.pk)),
        ("visit_overdue", str(cast.case.pk)),
        ("visit_overdue", str(high.pk)),
    }
    # when the reminders are gone and the sweep runs again on the same day with nothing written
    Notification.objects.all().delete()
    second = sweep(now=local(today, 10) + dt.timedelta(minutes=15))
    # then it did not look at the cases again: nothing recreated
    assert second["visits_due"] == 0 and second["cases_quiet"] == 0
    assert visit_reminders() == set()
    # and a full sweep (the daily one, or asked for) does look at everything
    assert sweep(now=local(today, 11), full=True)["visits_due"] == 4


def test_a_re_run_issues_the_same_queries_however_many_cases_are_due(cast, no_margin):
    today = timezone.localdate()

    def re_run_queries() -> int:
        written_before_the_sweep()
        sweep(now=local(today, 9), full=True)
        with CaptureQueriesContext(connection) as queries:
            assert sweep(now=local(today, 9) + dt.timedelta(minutes=15))["visits_due"] == 0
        return len(queries)

    few = re_run_queries()
    for _ in range(6):
        make_case(lead_worker=cast.worker, risk_level="high", opened_on=today - dt.timedelta(days=40))
    assert re_run_queries() == few
    assert few <= 70  # one statement or a few per rule, none per item


def test_a_visit_coming_due_after_the_watermark_is_picked_up_the_next_day(cast, no_margin):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    # a weekly visit last made six days ago: due tomorrow; another due six days ago: a week overdue tomorrow
    soon = make_case(lead_worker=cast.worker, risk_level="high", opened_on=today - dt.timedelta(days=60))
    ActivityFactory(case=soon, date=today - dt.timedelta(days=6))
    late = make_case(lead_worker=cast.worker, risk_level="high", opened_on=today - dt.timedelta(days=60))
    ActivityFactory(case=late, date=today - dt.timedelta(days=13))
    written_before_the_sweep()
    sweep(now=local(today, 22))
    assert ("visit_due", str(soon.pk)) not in visit_reminders()
    assert ("visit_overdue", str(late.pk)) not in visit_reminders()
    assert ("visit_due", str(late.pk)) in visit_reminders()
    # when the sweep runs after midnight, nothing having been written
    result = sweep(now=local(tomorrow, 1))
    # then the visit that came due and the one now a week overdue are reminded, nothing else
    assert result["visits_due"] == 2
    assert ("visit_due", str(soon.pk)) in visit_reminders()
    assert Notification.objects.filter(kind="visit_overdue", object_id=str(late.pk), user=cast.manager).exists()


def test_a_case_edit_that_makes_a_visit_due_again_is_picked_up(cast, no_margin):
    from cases.services import case_update

    today = timezone.localdate()
    calm = make_case(lead_worker=cast.worker, risk_level="low", opened_on=today - dt.timedelta(days=60))
    ActivityFactory(case=calm, date=today - dt.timedelta(days=5))  # monthly visits: next in 25 days
    written_before_the_sweep()
    sweep(now=timezone.now())
    assert ("visit_due", str(calm.pk)) not in visit_reminders()
    # when the risk is raised to immediate (a visit every two days): the visit is due again today
    calm.refresh_from_db()
    case_update(actor=cast.worker, case=calm, version=calm.version, risk_level="immediate", reason="家暴")
    result = sweep(now=timezone.now())
    assert result["visits_due"] == 1
    assert ("visit_due", str(calm.pk)) in visit_reminders()
    assert sweep(now=timezone.now())["visits_due"] == 0


def test_a_recorded_visit_resolves_its_reminder_on_a_re_run(cast, no_margin):
    today = timezone.localdate()
    written_before_the_sweep()
    sweep(now=timezone.now())
    note = Notification.objects.get(kind="visit_due", object_id=str(cast.case.pk))
    ActivityFactory(case=cast.case, date=today)
    assert sweep(now=timezone.now())["resolved"] == 2  # the reminder and the manager's escalation
    note.refresh_from_db()
    assert note.resolved_at is not None


def test_a_pledge_request_reaching_a_week_is_picked_up(cast, no_margin):
    today = timezone.localdate()
    request = PledgeRequestFactory(case=cast.case, requested_by=cast.worker, requested_on=today - dt.timedelta(days=6))
    type(request).objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    sweep(now=local(today, 22))
    assert not Notification.objects.filter(kind="pledge_unanswered").exists()
    assert sweep(now=local(today + dt.timedelta(days=1), 1))["pledge_requests_unanswered"] == 1
    assert Notification.objects.filter(kind="pledge_unanswered", object_id=str(request.pk)).exists()


def test_a_write_just_before_the_watermark_is_still_read_by_the_margin(cast):
    # a case written a minute before the sweep's start (its transaction may commit after the sweep's
    # snapshot) is read again by the next run: the margin (10 minutes) reaches back over it
    written_before_the_sweep()
    sweep(now=timezone.now())
    Notification.objects.all().delete()
    Case.objects.filter(pk=cast.case.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=1))
    SweepWatermark.objects.update(changed_after=timezone.now() - dt.timedelta(minutes=10))
    assert sweep(now=timezone.now())["visits_due"] == 2
    mark = SweepWatermark.objects.get(rule="visits_due")
    assert timezone.now() - dt.timedelta(minutes=11) < mark.changed_after < timezone.now() - dt.timedelta(minutes=9)


def test_a_day_old_watermark_or_a_clock_gone_back_sweeps_everything(cast, no_margin):
    written_before_the_sweep()
    now = timezone.now()
    sweep(now=now)
    Notification.objects.all().delete()
    SweepWatermark.objects.update(full_at=now - dt.timedelta(hours=25))
    assert sweep(now=now + dt.timedelta(minutes=15))["visits_due"] == 2  # the daily full sweep
    Notification.objects.all().delete()
    assert sweep(now=now + dt.timedelta(minutes=30))["visits_due"] == 0  # then incremental again
    assert sweep(now=now - dt.timedelta(days=1))["visits_due"] == 2  # an earlier clock: everything


def test_a_failing_rule_keeps_its_previous_watermark(cast, monkeypatch, no_margin):
    from notifications import reminders

    written_before_the_sweep()
    now = timezone.now()
    sweep(now=now)
    before = SweepWatermark.objects.get(rule="visits_due").swept_through

    def broken(**_: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setitem(reminders.RULES, "visits_due", (broken, "today"))
    with pytest.raises(reminders.SweepFailed):
        sweep(now=now + dt.timedelta(minutes=15))
    assert SweepWatermark.objects.get(rule="visits_due").swept_through == before
    assert SweepWatermark.objects.get(rule="cases_quiet").swept_through == now + dt.timedelta(minutes=15)


def test_a_referral_passing_its_triage_limit_after_the_watermark_is_picked_up(cast, no_margin):
    from referrals.models import Referral
    from tests.factories import ReferralFactory

    now = timezone.now()
    late = ReferralFactory(urgency="immediate", location=cast.village)  # two hours to triage
    soon = ReferralFactory(urgency="immediate", location=cast.village)
    Referral.objects.filter(pk=late.pk).update(received_at=now - dt.timedelta(hours=3))
    Referral.objects.filter(pk=soon.pk).update(received_at=now - dt.timedelta(hours=1))
    Referral.objects.update(updated_at=now - dt.timedelta(hours=1))
    sweep(now=now)
    waiting = Notification.objects.filter(kind="referral_waiting")
    assert list(waiting.values_list("object_id", flat=True)) == [str(late.pk)]
    waiting.delete()
    # an hour and a half later: the second one is late now; the first was reminded before (not read again)
    assert sweep(now=now + dt.timedelta(minutes=90))["referrals_waiting"] == 1
    assert list(waiting.values_list("object_id", "user__username")) == [(str(soon.pk), "liu")]
