"""The one threshold of small-count suppression: a funder never reads a count from 1 to 2 of children
(it could name a child). Used by the funder report (reports.suppression) and the register report
(registry.suppression)."""

from __future__ import annotations

from typing import Any

SUPPRESS_BELOW = 3
SHOWN = f"<{SUPPRESS_BELOW}"


def is_small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SUPPRESS_BELOW
