"""Dates the apps compute the same way everywhere."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def age_in_years(birth_date: dt.date, *, on: dt.date | None = None) -> int:
    """Whole years from ``birth_date`` to ``on`` (today, local time, by default) — the birthday
    counts on the day, as PostgreSQL's AGE() does in ``reports.figures.AgeInYears``."""
    on = on or timezone.localdate()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def typed_date(text: str | None, *, field: str, message: str = "") -> dt.date | None:
    """A date a person typed into a form ("2026-03-01"): ``None`` when left empty, a ``ValidationError``
    on ``field`` when it is not a date or not a real day (30 February) — Django's ``parse_date`` raises
    ``ValueError`` for the latter, which a view must never let through as a 500."""
    from django.core.exceptions import ValidationError
    from django.utils.dateparse import parse_date
    from django.utils.translation import gettext as _

    text = (text or "").strip()
    if not text:
        return None
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({field: message or _("Enter a real date, for example 2026-03-01.")})
    return parsed


def required_date(text: str | None, *, field: str, message: str) -> dt.date:
    """As ``typed_date``, and an empty field is refused with ``message`` too."""
    from django.core.exceptions import ValidationError

    parsed = typed_date(text, field=field, message=message)
    if parsed is None:
        raise ValidationError({field: message})
    return parsed
