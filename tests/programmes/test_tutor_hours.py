"""Volunteer tutors' time at sessions counts toward their volunteer hours and the report's hours figure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.selectors import member_contribution, volunteer_minutes
from programmes import services
from reports import figures
from tests.factories import VolunteerLogFactory

pytestmark = pytest.mark.django_db


def test_tutor_minutes_add_to_visit_logs(cast, classroom):
    today = timezone.localdate()
    # given: a visit log of 90 minutes and two sessions (90 + 60) with the tutor present, one without
    VolunteerLogFactory(member=classroom.tutor, case=cast.case, minutes=90, date=today)
    for minutes, tutors in ((90, [classroom.tutor]), (60, [classroom.tutor]), (45, [])):
        services.session_record(
            actor=cast.worker,
            programme=classroom.programme,
            date=today - dt.timedelta(days=1),
            duration_minutes=minutes,
            attendees=[],
            tutors=tutors,
        )
    # then
    assert volunteer_minutes(member=classroom.tutor) == 90 + 90 + 60
    assert member_contribution(classroom.tutor)["hours"] == 4.0
    summary = figures.summary(today - dt.timedelta(days=7), today)
    assert summary["activities"]["volunteer_hours"] == 4.0
    # a period before the sessions counts none of them
    assert volunteer_minutes(start=today - dt.timedelta(days=30), end=today - dt.timedelta(days=2)) == 0


def test_volunteer_sees_tutoring_hours_on_their_page(cast, client_for, classroom):
    volunteer = cast.volunteer.member
    classroom.programme.volunteers.add(volunteer)
    services.session_record(
        actor=cast.worker,
        programme=classroom.programme,
        date=timezone.localdate(),
        duration_minutes=120,
        attendees=[],
        tutors=[volunteer],
    )
    page = client_for(cast.volunteer).get("/alliance/visits/")
    assert page.status_code == 200 and page.context["hours"] == 2.0
