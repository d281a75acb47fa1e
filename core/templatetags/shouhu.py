"""Locale-aware formatting of yuan amounts: ¥1,234.50 in both languages, grouping per locale."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    return "¥" + number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


@register.filter
def percent(value: Any) -> str:
    """A share as a person reads it: "33.3%"; a missing or hidden share ("—", None) reads "—" alone
    (never "—%" or "<3%")."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "—"
    if isinstance(value, int | float | Decimal):
        return f"{number_format(value, use_l10n=True)}%"
    try:
        Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    return f"{value}%"


@register.filter
def audit_object_type(code: str) -> str:
    """An audit row's object type in the reader's language (see core.audit.audit_object_type_label)."""
    from core.audit import audit_object_type_label

    return audit_object_type_label(code or "")
