"""What a funder reads of the register report: counts of children from 1 to 2 are suppressed (None in
JSON, listed in ``"suppressed"``; "<3" on the page and in the XLSX), with what is derived from them
(children per director). Counts of places and people who serve them are not about children and stay.
The threshold is the funder report's (core.suppression)."""

from __future__ import annotations

import copy
from typing import Any

from core.suppression import SHOWN, is_small

CHILD_COUNTS = ("children", "updates_overdue")


def report_for_funder(report: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(report)
    paths: list[str] = []
    rows = [(f"areas.{i}", row) for i, row in enumerate(result.get("areas", []))] + [("total", result["total"])]
    for prefix, row in rows:
        for key in CHILD_COUNTS:
            if is_small(row.get(key)):
                row[key] = None
                paths.append(f"{prefix}.{key}")
        if row.get("children") is None and "children_per_director" in row:
            row["children_per_director"] = None
            paths.append(f"{prefix}.children_per_director")
    result["suppressed"] = paths
    return result


def shown(value: Any) -> Any:
    """A suppressed count as a person reads it."""
    return SHOWN if value is None else value


def counts_for_funder(rows: list[tuple[Any, int]]) -> list[tuple[Any, Any]]:
    return [(label, SHOWN if is_small(n) else n) for label, n in rows]


def entitlements_for_funder(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, **{k: SHOWN for k in ("eligible", "claimed", "granted") if is_small(row.get(k))}} for row in rows]
