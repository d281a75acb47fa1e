"""Absence streaks raise a reminder to the child's social worker; the case page shows sessions attended."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Notification
from programmes import services

pytestmark = pytest.mark.django_db


def _held(classroom, days_ago, present):
    return services.session_record(
        actor=classroom.programme.facilitators.first(),
        programme=classroom.programme,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        duration_minutes=90,
        topic=f"第{days_ago}课",
        attendees=present,
    )


def test_three_missed_sessions_in_a_row_tell_the_social_worker_once(cast, classroom):
    # given: cast.case (lead worker cast.worker) attends once, then misses three in a row
    everyone = classroom.cases
    others = [c for c in everyone if c != cast.case]
    _held(classroom, 10, everyone)
    _held(classroom, 8, others)
    _held(classroom, 6, others)
    assert not Notification.objects.filter(kind="programme_absence").exists()
    # when: the third miss
    third = _held(classroom, 4, others)
    # then: one reminder to the lead worker, naming the case number, linking to the case
    reminders = Notification.objects.filter(kind="programme_absence")
    assert [(n.user_id, n.object_id) for n in reminders] == [(cast.worker.pk, str(cast.case.pk))]
    assert cast.case.number in reminders[0].text and "3" in reminders[0].text
    assert reminders[0].link == f"/cases/{cast.case.pk}/"
    # a fourth miss in the same streak does not send another, saving attendance again neither
    _held(classroom, 2, others)
    services.attendance_save(actor=cast.worker, session=third, attendees=others)
    assert Notification.objects.filter(kind="programme_absence").count() == 1


def test_attending_breaks_the_streak_and_a_new_streak_tells_again(cast, classroom):
    others = [c for c in classroom.cases if c != cast.case]
    for days in (20, 18, 16):
        _held(classroom, days, others)
    _held(classroom, 14, classroom.cases)  # back
    for days in (12, 10):
        _held(classroom, days, others)
    assert Notification.objects.filter(kind="programme_absence").count() == 1
    _held(classroom, 8, others)
    assert Notification.objects.filter(kind="programme_absence").count() == 2


def test_sessions_before_joining_and_untaken_attendance_do_not_count(cast, classroom):
    from tests.factories import make_case

    newcomer = make_case(lead_worker=cast.colleague)
    services.enrolment_add(
        actor=cast.worker, programme=classroom.programme, case=newcomer, joined_on=timezone.localdate()
    )
    for days in (6, 4, 2):
        _held(classroom, days, classroom.cases)
    for _ in range(3):
        services.session_record(
            actor=cast.worker,
            programme=classroom.programme,
            date=timezone.localdate(),
            duration_minutes=60,
            attendees=None,
        )
    assert not Notification.objects.filter(kind="programme_absence").exists()


def test_case_page_shows_programmes_and_sessions_attended(cast, client_for, classroom):
    _held(classroom, 5, classroom.cases)
    _held(classroom, 3, classroom.cases[1:])
    page = client_for(cast.worker).get(f"/cases/{cast.case.pk}/")
    assert page.status_code == 200 and f"/programmes/case/{cast.case.pk}/" in page.content.decode()
    panel = client_for(cast.worker).get(f"/programmes/case/{cast.case.pk}/")
    assert panel.status_code == 200
    html = panel.content.decode()
    assert "四点半课堂" in html and "第5课" in html and "第3课" not in html
    assert panel.context["rows"][0]["held"] == 2 and len(panel.context["rows"][0]["attended"]) == 1
    timeline = [e for e in page.context["timeline"] if e.kind == "programme"]
    assert [(e.title, e.text) for e in timeline] == [("参加“四点半课堂”", "第5课")]


def test_case_panel_follows_the_case_access_policy(cast, client_for, classroom):
    url = f"/programmes/case/{cast.case.pk}/"
    assert client_for(cast.colleague).get(url).status_code == 404
    assert client_for(cast.referrer).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert client_for(cast.worker).post(url).status_code == 405
