"""Dates the apps compute the same way everywhere."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def age_in_years(birth_date: dt.date, *, on: dt.date | None = None) -> int:
    """Whole years from ``birth_date`` to ``on`` (today, local time, by default) — the birthday
    counts on the day, as PostgreSQL's AGE() does in ``reports.figures.AgeInYears``."""
    on = on or timezone.localdate()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
