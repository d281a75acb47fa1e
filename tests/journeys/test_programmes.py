"""A facilitator on a 360-px phone takes attendance for a 4:30 class of 20 children in well under a minute
(19 with a case and one child of the state register who has none)."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from programmes import services
from programmes.models import ProgrammeSession
from registry import roster as register_roster
from tests.conftest import browser_login
from tests.factories import make_case
from tests.registry.conftest import ensure_default_rules, make_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_takes_attendance_for_twenty_on_a_phone(cast, phone_page, shot):
    # given: a classroom of 20 children and today's session, attendance not yet taken
    today = timezone.localdate()
    programme = services.programme_create(
        actor=cast.manager,
        kind="after_school_class",
        title="四点半课堂",
        starts_on=today.replace(day=1),
        facilitators=[cast.worker],
    )
    cases = [cast.case] + [make_case(lead_worker=cast.worker) for _ in range(18)]
    for case in cases:
        services.enrolment_add(actor=cast.manager, programme=programme, case=case, joined_on=today.replace(day=1))
    ensure_default_rules()
    register_child = make_file(location=cast.village, name="刘小雨")
    place = register_roster.place_add(
        actor=cast.manager, file=register_child, programme=programme, joined_on=today.replace(day=1)
    )
    session = services.session_record(
        actor=cast.worker, programme=programme, date=today, duration_minutes=90, topic="作业辅导", attendees=None
    )
    page = phone_page
    browser_login(page, "xiaochen")
    # when: the facilitator opens the page, taps the three who are absent and saves
    started = time.monotonic()
    page.goto(page.base_url + f"/programmes/sessions/{session.pk}/attendance/")
    roster = page.locator("[data-testid=attendance-roster] label")
    assert roster.count() == 20
    assert page.locator("[name=present]:checked").count() == 20  # everyone present by default
    assert "刘小雨" in page.inner_text("[data-testid=attendance-roster]")
    absent = cases[3:5]
    for case in absent:
        page.tap(f"[data-testid=child-{case.pk}]")
    page.tap(f"[data-testid=child-register{register_child.pk}]")
    assert page.inner_text("#present-count") == "17"
    page.tap("[data-testid=save-attendance]")
    page.wait_for_selector("[data-testid=sessions]")
    elapsed = time.monotonic() - started
    # then
    assert elapsed < 60
    session = ProgrammeSession.objects.get(pk=session.pk)
    assert session.attendance_taken
    assert set(session.attendees.values_list("pk", flat=True)) == {c.pk for c in cases} - {c.pk for c in absent}
    assert not place.sessions_attended.exists()
    # the page fits the phone and every row is a big tap target
    page.goto(page.base_url + f"/programmes/sessions/{session.pk}/attendance/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    heights = page.eval_on_selector_all(
        "[data-testid=attendance-roster] label", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert min(heights) >= 44
    shot(page, "attendance-roster")
