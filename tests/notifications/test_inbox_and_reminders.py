from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections
from django.utils import timezone

from notifications.models import Notification
from notifications.reminders import sweep
from notifications.services import notify
from tests.factories import ActivityFactory, PledgeRequestFactory, ReferralFactory, make_case

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate(NOW)


def test_bell_inbox_and_mark_read(cast, client_for):
    notify(user=cast.worker, kind="visit_due", text="家访提醒", link=f"/cases/{cast.case.pk}/", obj=cast.case)
    client = client_for(cast.worker)
    page = client.get("/notifications/")
    assert "家访提醒" in page.content.decode()
    assert 'data-testid="unread">1<' in client.get("/cases/").content.decode()
    note = Notification.objects.get()
    assert client.post(f"/notifications/{note.pk}/read/", HTTP_HX_REQUEST="true").status_code == 200
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'data-testid="unread"' not in client.get("/cases/").content.decode()


def test_others_cannot_read_or_open_my_notifications(cast, client_for, api_for):
    note = notify(user=cast.worker, kind="visit_due", text="家访提醒", link=f"/cases/{cast.case.pk}/")
    assert client_for(cast.colleague).post(f"/notifications/{note.pk}/read/").status_code == 404
    assert client_for(cast.colleague).get(f"/notifications/{note.pk}/open/").status_code == 404
    assert api_for(cast.colleague).get(f"/api/v1/notifications/{note.pk}/").status_code == 404
    assert api_for(cast.colleague).get("/api/v1/notifications/").json()["count"] == 0
    assert api_for(None).get("/api/v1/notifications/").status_code == 401


def test_a_link_to_a_case_no_longer_mine_answers_404(cast, client_for, api_for):
    note = notify(user=cast.worker, kind="visit_due", text="家访提醒", link=f"/cases/{cast.case.pk}/", obj=cast.case)
    api_for(cast.manager).post(
        f"/api/v1/cases/{cast.case.pk}/assign/", {"lead_worker": cast.colleague.pk}, format="json"
    )
    response = client_for(cast.worker).get(f"/notifications/{note.pk}/open/", follow=True)
    assert response.status_code == 404


def test_notifications_api_newest_first_and_read(cast, api_for):
    old = notify(user=cast.worker, kind="a", text="旧", obj=cast.case)
    new = notify(user=cast.worker, kind="b", text="新", obj=cast.case)
    rows = api_for(cast.worker).get("/api/v1/notifications/").json()["results"]
    assert [r["id"] for r in rows] == [new.pk, old.pk]
    assert set(rows[0]) == {"id", "kind", "text", "link", "object_type", "object_id", "created_at", "read_at"}
    assert rows[0]["object_type"] == "case" and rows[0]["object_id"] == str(cast.case.pk)
    read = api_for(cast.worker).post(f"/api/v1/notifications/{old.pk}/read/")
    assert read.status_code == 200 and read.json()["read_at"]


def test_preferences_turn_email_off_per_kind_and_choose_the_digest(cast, client_for):
    from core.models import OutboxMessage

    cast.worker.email = "chen@example.org"
    cast.worker.save(update_fields=["email"])
    client_for(cast.worker).post("/notifications/settings/", {"email": ["referral_immediate"]})
    notify(user=cast.worker, kind="visit_due", text="x")
    assert not OutboxMessage.objects.exists()
    notify(user=cast.worker, kind="referral_immediate", text="y")
    assert OutboxMessage.objects.count() == 1
    client_for(cast.worker).post(
        "/notifications/settings/", {"email": ["visit_due", "referral_immediate"], "daily_digest": "on"}
    )
    notify(user=cast.worker, kind="visit_due", text="z")
    assert OutboxMessage.objects.count() == 1  # the digest will carry it


# --- reminder rules --------------------------------------------------------------------------------


def test_visit_due_by_risk_level_for_the_lead_worker_only(cast):
    high = make_case(lead_worker=cast.worker, risk_level="high", opened_on=TODAY - dt.timedelta(days=40))
    ActivityFactory(case=high, date=TODAY - dt.timedelta(days=8))  # weekly visits: due
    low = make_case(lead_worker=cast.worker, risk_level="low", opened_on=TODAY - dt.timedelta(days=40))
    ActivityFactory(case=low, date=TODAY - dt.timedelta(days=8))  # monthly: not yet
    sweep(now=NOW)
    due = Notification.objects.filter(kind="visit_due")
    assert set(due.values_list("object_id", flat=True)) == {str(high.pk), str(cast.case.pk)}
    assert set(due.values_list("user__username", flat=True)) == {"xiaochen"}
    assert not Notification.objects.filter(user=cast.colleague).exists()


def test_a_week_overdue_is_escalated_to_managers(cast):
    late = make_case(lead_worker=cast.worker, risk_level="immediate", opened_on=TODAY - dt.timedelta(days=30))
    ActivityFactory(case=late, date=TODAY - dt.timedelta(days=12))  # due 10 days ago
    sweep(now=NOW)
    assert Notification.objects.filter(kind="visit_overdue", object_id=str(late.pk), user=cast.manager).exists()


def test_sweeps_never_send_twice_even_concurrently(cast, transactional_db):
    high = make_case(lead_worker=cast.worker, risk_level="high", opened_on=TODAY - dt.timedelta(days=40))
    referral = ReferralFactory(urgency="immediate", location=cast.village)
    from referrals.models import Referral

    Referral.objects.update(received_at=NOW - dt.timedelta(hours=5))
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def run() -> None:
        try:
            start.wait(timeout=10)
            results.append(sweep(now=NOW))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below, never lost
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and len(results) == 3
    results.append(sweep(now=NOW))
    # every visit reminder was inserted by exactly one of the four sweeps (the others found it there)
    visit_rows = Notification.objects.filter(kind__in=["visit_due", "visit_overdue"])
    assert sum(r["visits_due"] for r in results) == visit_rows.count()
    assert set(visit_rows.filter(kind="visit_due").values_list("object_id", "user__username")) == {
        (str(cast.case.pk), "xiaochen"),
        (str(high.pk), "xiaochen"),
    }
    waiting = Notification.objects.filter(kind="referral_waiting")
    assert list(waiting.values_list("object_id", "user__username")) == [(str(referral.pk), "liu")]
    assert results[-1]["visits_due"] == 0


def test_a_failing_rule_is_reported_not_swallowed_and_the_others_still_run(cast, monkeypatch, caplog):
    import notifications.reminders as reminders

    def broken(*, today):
        raise RuntimeError("rule broke")

    monkeypatch.setitem(reminders.RULES, "visits_due", (broken, "today"))
    quiet = make_case(lead_worker=cast.worker, opened_on=TODAY - dt.timedelta(days=60))
    with pytest.raises(reminders.SweepFailed) as failure:
        sweep(now=NOW)
    assert set(failure.value.failed) == {"visits_due"}
    assert "visits_due" not in failure.value.results and failure.value.results["cases_quiet"] == 2
    assert "reminder rule visits_due failed" in caplog.text
    # the other rules committed their reminders; the broken one wrote none
    assert set(Notification.objects.filter(kind="case_quiet").values_list("object_id", flat=True)) == {
        str(cast.case.pk),
        str(quiet.pk),
    }
    assert not Notification.objects.filter(kind="visit_due").exists()


def test_a_sweep_returns_what_each_rule_did(cast):
    ReferralFactory(urgency="soon", location=cast.village)
    results = sweep(now=NOW)
    assert results == {
        "visits_due": 2,  # cast.case, never visited: due (its worker) and a week overdue (the manager)
        "referrals_waiting": 0,
        "outgoing_unanswered": 0,  # nothing referred out
        "pledge_requests_unanswered": 0,
        "cases_quiet": 1,  # cast.case, opened 30 days ago
        "care_plans_due": 0,
        "directors_without_meeting": 0,  # no director has a responsible worker
        "caseload_pace": 0,
        "register_updates_due": 0,  # the monitoring register's rules: no files in this dataset
        "register_updates_waiting": 0,
        "register_towns_behind": 0,
        "resolved": 0,
    }
    assert set(Notification.objects.values_list("kind", "user__username")) == {
        ("visit_due", "xiaochen"),
        ("visit_overdue", "liu"),
        ("case_quiet", "xiaochen"),
    }


def test_referral_waiting_past_its_limit_goes_to_managers_and_resolves(cast, api_for):
    from referrals.models import Referral

    referral = ReferralFactory(urgency="soon", location=cast.village)
    Referral.objects.filter(pk=referral.pk).update(received_at=NOW - dt.timedelta(hours=49))
    fresh = ReferralFactory(urgency="routine", location=cast.village)
    sweep(now=NOW)
    notes = Notification.objects.filter(kind="referral_waiting")
    assert list(notes.values_list("object_id", "user__username")) == [(str(referral.pk), "liu")]
    assert fresh.pk not in [int(x) for x in notes.values_list("object_id", flat=True)]
    api_for(cast.worker).post(f"/api/v1/referrals/{referral.pk}/decline/", {"reason": "不符合"}, format="json")
    sweep(now=NOW)
    assert notes.get().resolved_at is not None


def test_unanswered_pledge_request_after_a_week(cast):
    request = PledgeRequestFactory(case=cast.case, requested_by=cast.worker, requested_on=TODAY - dt.timedelta(days=8))
    PledgeRequestFactory(case=cast.case, requested_by=cast.worker, requested_on=TODAY - dt.timedelta(days=2))
    sweep(now=NOW)
    assert list(Notification.objects.filter(kind="pledge_unanswered").values_list("object_id", flat=True)) == [
        str(request.pk)
    ]


def test_quiet_case_after_30_days(cast):
    quiet = make_case(lead_worker=cast.worker, opened_on=TODAY - dt.timedelta(days=60))
    busy = make_case(lead_worker=cast.worker, opened_on=TODAY - dt.timedelta(days=60))
    ActivityFactory(case=busy, date=TODAY - dt.timedelta(days=3))
    sweep(now=NOW)
    ids = set(Notification.objects.filter(kind="case_quiet").values_list("object_id", flat=True))
    assert str(quiet.pk) in ids and str(busy.pk) not in ids


def test_visit_reminder_resolves_when_the_visit_is_recorded(cast, api_for):
    sweep(now=NOW)
    note = Notification.objects.get(kind="visit_due", object_id=str(cast.case.pk))
    api_for(cast.worker).post(
        "/api/v1/activities/",
        {"case": cast.case.pk, "kind": "home_visit", "date": TODAY.isoformat(), "summary": "家访"},
        format="json",
    )
    sweep(now=NOW + dt.timedelta(minutes=1))
    note.refresh_from_db()
    assert note.resolved_at is not None


def test_care_plan_review_and_actions_due(cast):
    from cases.services.casework import careplan_action_add, careplan_save

    plan = careplan_save(actor=cast.worker, case=cast.case, goals="目标", review_on=TODAY)
    careplan_action_add(actor=cast.worker, plan=plan, description="联系学校", actor_kind="social_worker", due_on=TODAY)
    sweep(now=NOW)
    kinds = set(Notification.objects.filter(user=cast.worker).values_list("kind", flat=True))
    assert {"plan_review", "plan_action_due"} <= kinds


def test_director_meeting_reminder_only_in_the_last_week(cast):
    from alliance.reminders import directors_without_meeting

    member = cast.referrer.member
    member.responsible_worker = cast.worker
    member.save(update_fields=["responsible_worker"])
    assert directors_without_meeting(today=TODAY.replace(day=10)) == 0
    last_week = TODAY.replace(day=28)
    # only 王主任 has a responsible worker; 李主任 has none, so nobody is told about her
    assert directors_without_meeting(today=last_week) == 1
    assert list(Notification.objects.filter(kind="director_meeting_due").values_list("user", "object_id")) == [
        (cast.worker.pk, str(member.pk))
    ]


def test_caseload_pace_behind_target_tells_managers(cast):
    from cases.reminders import caseload_pace
    from tests.factories import ContractFactory

    ContractFactory(start=TODAY - dt.timedelta(days=180), end=TODAY + dt.timedelta(days=185), caseload_target=20)
    caseload_pace(today=TODAY)
    assert Notification.objects.filter(user=cast.manager, kind="caseload_pace").count() == 1
    caseload_pace(today=TODAY)
    assert Notification.objects.filter(user=cast.manager, kind="caseload_pace").count() == 1


@pytest.mark.worker
def test_the_beat_task_runs_the_sweep_on_a_real_worker_once(cast, celery_worker):
    from notifications.tasks import reminder_sweep

    # the beat sends the task to the broker; the worker runs it and returns each rule's count
    first = reminder_sweep.apply_async().get(timeout=60)
    second = reminder_sweep.apply_async().get(timeout=60)
    assert first == {**dict.fromkeys(first, 0), "visits_due": 2, "cases_quiet": 1}
    assert second == dict.fromkeys(first, 0)  # the second sweep finds everything there: inserts nothing
    assert list(Notification.objects.filter(kind="visit_due").values_list("object_id", "user__username")) == [
        (str(cast.case.pk), "xiaochen")
    ]
