"""reports.suppression on hand-made summaries: which figures a funder may not read (counts of 1 and
2, the shares and averages made from them, the cell that would let a hidden one be recomputed), what
is never touched, how a hidden figure reads, and the shortest period a funder may ask for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from reports.suppression import (
    check_period,
    for_display,
    funder_period_start,
    is_funder_audience,
    shortest_funder_end,
    suppress,
)

SUMMARY = {
    "period": {"days": 1, "year": 2},
    "contract": {"caseload_target": 2},
    "cases": {
        "total": 2,
        "average_age": 9.5,
        "alliance": 0,
        "alliance_pct": 0.0,
        "by_sex": {"female": 1, "male": 7, "unknown": 0},
        "by_issue": {"neglect": 4, "poverty": 5},
        "flagged": True,
    },
    "alliance": {"referrers": 12, "volunteers": 1, "volunteers_pct": 8.3, "volunteer_hours": 2},
}


def test_counts_of_one_and_two_are_hidden_and_listed_zero_and_three_are_not():
    result = suppress(SUMMARY)
    assert result["cases"]["total"] is None and result["alliance"]["volunteers"] is None
    assert result["cases"]["alliance"] == 0 and result["alliance"]["referrers"] == 12
    assert result["cases"]["flagged"] is True  # a flag is not a count
    assert "cases.total" in result["suppressed"] and result["suppressed"] == sorted(result["suppressed"])


def test_sections_and_figures_that_are_not_counts_are_never_touched():
    result = suppress(SUMMARY)
    assert result["period"] == {"days": 1, "year": 2}
    assert result["contract"] == {"caseload_target": 2}
    assert result["alliance"]["volunteer_hours"] == 2


def test_a_share_and_the_average_age_go_with_the_count_they_come_from():
    result = suppress(SUMMARY)
    assert result["alliance"]["volunteers_pct"] is None  # volunteers is 1
    assert result["cases"]["average_age"] is None  # fewer than 3 cases
    assert result["cases"]["alliance_pct"] == 0.0  # alliance is 0: shown


def test_a_lone_hidden_cell_of_a_breakdown_takes_the_smallest_other_with_it():
    result = suppress(SUMMARY)
    assert result["cases"]["by_sex"] == {"female": None, "male": None, "unknown": 0}
    assert result["cases"]["by_issue"] == {"neglect": 4, "poverty": 5}
    assert {"cases.by_sex.female", "cases.by_sex.male"} <= set(result["suppressed"])


def test_the_summary_given_is_not_changed():
    before = repr(SUMMARY)
    suppress(SUMMARY)
    assert repr(SUMMARY) == before


def test_a_hidden_count_reads_less_than_three_a_hidden_share_or_average_a_dash():
    shown = for_display(suppress(SUMMARY))
    assert shown["cases"]["total"] == "<3" and shown["cases"]["by_sex"]["male"] == "<3"
    assert shown["alliance"]["volunteers_pct"] == "—" and shown["cases"]["average_age"] == "—"
    exact = {"cases": {"total": 2}}
    assert for_display(exact) is exact  # nothing suppressed: as it is


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2027, 1, 1), dt.date(2027, 1, 31)),
        (dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        (dt.date(2027, 12, 15), dt.date(2028, 1, 14)),
        (dt.date(2027, 1, 31), dt.date(2027, 2, 27)),
    ],
)
def test_the_shortest_funder_period_is_a_calendar_month(start, end):
    assert shortest_funder_end(start) == end
    latest = funder_period_start(end, end)  # the dashboard's start for a period ending ``end``
    assert shortest_funder_end(latest) <= end < shortest_funder_end(latest + dt.timedelta(days=1))


def test_a_funder_is_refused_a_shorter_period_and_a_manager_is_not(cast):
    start = dt.date(2027, 1, 1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        check_period(cast.funder, start, dt.date(2027, 1, 30))
    assert "2027-01-31" in " ".join(error.value.message_dict["end"])
    check_period(cast.funder, start, dt.date(2027, 1, 31))
    check_period(cast.manager, start, start)
    assert is_funder_audience(cast.funder) and not is_funder_audience(cast.manager)
