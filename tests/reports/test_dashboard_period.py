"""The dashboard says which period its figures are for and lets the reader choose another (issue 14, item
5); a bad period is reported in the reader's language, keeps what was typed and shows the default period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.pages import text_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _shown(response) -> str:
    return text_of(response.content, "period-shown")


def test_the_manager_chooses_the_period_and_the_figures_follow_it(cast, client_for):
    manager = client_for(cast.manager)
    # the cast's case was opened 30 days ago: in the last 40 days, not in a year that ended 100 days ago
    recent = manager.get(
        "/reports/dashboard/", {"start": (TODAY - dt.timedelta(days=40)).isoformat(), "end": TODAY.isoformat()}
    )
    earlier_start, earlier_end = TODAY - dt.timedelta(days=465), TODAY - dt.timedelta(days=100)
    earlier = manager.get("/reports/dashboard/", {"start": earlier_start.isoformat(), "end": earlier_end.isoformat()})
    assert recent.status_code == earlier.status_code == 200
    assert recent.context["summary"]["cases"]["total"] == 1
    assert earlier.context["summary"]["cases"]["total"] == 0
    with translation.override("zh-hans"):
        a, b = date_format(earlier_start, "SHORT_DATE_FORMAT"), date_format(earlier_end, "SHORT_DATE_FORMAT")
    assert a in _shown(earlier) and b in _shown(earlier)
    # the CSV link exports the period on the screen
    assert f"start={earlier_start.isoformat()}&amp;end={earlier_end.isoformat()}" in earlier.content.decode()


def test_the_default_period_is_said_on_the_page(cast, client_for):
    response = client_for(cast.manager).get("/reports/dashboard/")
    with translation.override("zh-hans"):
        today = date_format(TODAY, "SHORT_DATE_FORMAT")
        jan_first = date_format(TODAY.replace(month=1, day=1), "SHORT_DATE_FORMAT")
    assert response.context["period_start"] == TODAY.replace(month=1, day=1)  # no contract: from 1 January
    assert jan_first in _shown(response) and today in _shown(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-05-01", "end": "2026-04-01"}, "结束日期不能早于开始日期"),
        ({"start": "2026-05-01", "end": ""}, "两个日期"),
        ({"start": "五月一日", "end": "2026-06-01"}, "有效"),
    ],
)
def test_a_bad_period_is_reported_keeps_what_was_typed_and_shows_the_default(cast, client_for, params, message):
    response = client_for(cast.manager).get("/reports/dashboard/", params)
    assert response.status_code == 200
    errors = text_of(response.content, "dashboard-period")
    assert message in errors
    page = response.content.decode()
    for typed in params.values():
        if typed:
            assert f'value="{typed}"' in page
    assert response.context["period_start"] == TODAY.replace(month=1, day=1)
    assert response.context["period_end"] == TODAY


def test_a_funder_is_refused_a_period_shorter_than_a_month_on_the_dashboard(cast, client_for):
    start = TODAY - dt.timedelta(days=40)
    response = client_for(cast.funder).get(
        "/reports/dashboard/", {"start": start.isoformat(), "end": (start + dt.timedelta(days=5)).isoformat()}
    )
    assert response.status_code == 200
    assert "至少" in text_of(response.content, "dashboard-period")
    # a month and more is fine, and still suppressed
    ok = client_for(cast.funder).get("/reports/dashboard/", {"start": start.isoformat(), "end": TODAY.isoformat()})
    assert ok.context["period_start"] == start and ok.context["summary"]["cases"]["total"] == "<3"
