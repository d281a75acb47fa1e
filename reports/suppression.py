"""What a funder may read of the figures: the one place for the small-count rule and the period rule.

A count from 1 to 2 could point at a child (two single-day windows subtracted describe one child),
so for funders every such count is suppressed in every output: ``None`` in JSON with its path in
``"suppressed"``, "<3" wherever a person reads it (CSV, XLSX, PDF, dashboard). A share or an
average computed from a suppressed count goes with it and reads "—" (it is not a count: "<3%" would
be wrong), and so does a second cell of a breakdown
whose only hidden cell could be recomputed from the total. (Differences between overlapping periods
of a month or more are not prevented; the month rule makes them coarse.) Periods shorter than a month are refused
for funders. Managers see exact figures for any period.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Role
from core.suppression import SHOWN, SUPPRESS_BELOW, is_small  # noqa: F401  (SUPPRESS_BELOW re-exported)

# Whole sections that are not counts of people or things.
NOT_COUNTED_SECTIONS = {"period", "contract", "funding", "suppressed"}
# Figures that are not counts: targets, shares, averages, hours, money (shares and averages are
# floats, money strings; these may be ints).
NOT_COUNTS = {
    "caseload_target",
    "parent_child_calls_target",
    "volunteer_hours",
    "tutor_hours",
    "training_hours",
    "goods_value",
    "average_age",
    "average_attendance",
    "average_hours_to_triage",
}


# How a hidden figure reads: a count "<3"; a share, an average or any other figure that is not a count "—".
HIDDEN_DERIVED = "—"


def is_derived(key: str) -> bool:
    """Whether the figure named ``key`` (the last part of its path) is not a count: a share (``x_pct``),
    an average (``average_x``) or one of ``NOT_COUNTS``."""
    return key.endswith("_pct") or key.startswith("average_") or key in NOT_COUNTS


def hidden_shown(key: str) -> str:
    """How a person reads the hidden figure named ``key``: "<3" for a count, "—" for a share or an average."""
    return HIDDEN_DERIVED if is_derived(key) else SHOWN


def is_funder_audience(user: Any) -> bool:
    """Funders read suppressed figures; an account that is also a manager (or admin) reads exact ones."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(Role.FUNDER)
        and not user.has_role(Role.MANAGER, Role.ADMIN)
    )


def _month_after(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def shortest_funder_end(start: dt.date) -> dt.date:
    """The first end date a funder may ask for: a calendar month from ``start`` (1 Jan → 31 Jan)."""
    return _month_after(start) - dt.timedelta(days=1)


def check_period(user: Any, start: dt.date, end: dt.date) -> None:
    """Refuse a funder a period shorter than a month (ValidationError on ``end``)."""
    if is_funder_audience(user) and end < shortest_funder_end(start):
        raise ValidationError(
            {
                "end": _("Funders see figures for periods of at least a month: choose an end date on or after %(d)s.")
                % {"d": shortest_funder_end(start).isoformat()}
            }
        )


def funder_period_start(end: dt.date, start: dt.date) -> dt.date:
    """For a funder's dashboard: move ``start`` back so the period ending ``end`` is at least a month."""
    earliest = start
    while shortest_funder_end(earliest) > end:
        earliest -= dt.timedelta(days=1)
    return earliest


def _small(value: Any) -> bool:
    return is_small(value)


def suppress(summary: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``summary`` with every count from 1 to 2 set to ``None`` and listed (dotted paths,
    sorted) in ``"suppressed"``; shares (``x_pct``) of a suppressed ``x``, and the average age of
    fewer than 3 cases, are suppressed with them."""
    result = copy.deepcopy(summary)
    paths: list[str] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in list(node.items()):
            path = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(value, f"{path}.")
            elif key not in NOT_COUNTS and _small(value):
                node[key] = None
                paths.append(path)
        # A breakdown sums to a published total (cases by sex, by issue ...): one hidden cell would be
        # the total minus the others, so the smallest other non-zero cell is hidden with it.
        if prefix.count(".") >= 2:
            hidden = [k for k, v in node.items() if v is None and f"{prefix}{k}" in paths]
            others = [(v, k) for k, v in node.items() if isinstance(v, int) and not isinstance(v, bool) and v > 0]
            if len(hidden) == 1 and others:
                _value, key = min(others)
                node[key] = None
                paths.append(f"{prefix}{key}")
        for key in list(node):
            base = key[: -len("_pct")] if key.endswith("_pct") else None
            if base and f"{prefix}{base}" in paths and node[key] is not None:
                node[key] = None
                paths.append(f"{prefix}{key}")

    for section, value in result.items():
        if section not in NOT_COUNTED_SECTIONS and isinstance(value, dict):
            walk(value, f"{section}.")
    cases = result.get("cases")
    if isinstance(cases, dict) and "cases.total" in paths and cases.get("average_age") is not None:
        cases["average_age"] = None
        paths.append("cases.average_age")
    result["suppressed"] = sorted(paths)
    return result


def for_display(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary as a person reads it: each suppressed count reads "<3", each suppressed share or
    average "—" (``hidden_shown``); exact figures unchanged."""
    hidden = summary.get("suppressed") or []
    if not hidden:
        return summary
    result = copy.deepcopy(summary)
    for path in hidden:
        *parents, leaf = path.split(".")
        node = result
        for part in parents:
            node = node[part]
        node[leaf] = hidden_shown(leaf)
    return result
