"""The validation rules a client of the API needs, carried by the serializer fields so that the OpenAPI
schema states them (issue 10): phone numbers (a pattern), yuan amounts (no sign, two decimals, bounds)
and date bounds (not in the future, at most so many days ahead, not before a first day).

Dates: ``validators=[not_after_today()]`` or ``not_after_today(days=366)``, and ``not_before(date)``
(documented only: the service refuses it with its own message). The schema gets ``format: date``, a
description, and ``x-latest`` / ``x-earliest`` for tools. Decimal fields get a pattern without a sign where
their minimum is not negative, and their bounds in the description. Phone fields: ``PHONE_VALIDATOR``,
whose regular expression drf-spectacular copies into the schema as ``pattern``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

# A mainland mobile number (11 digits, 13x–19x) or a landline with its area code (0xx(x)-xxxxxxx(x)).
PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
PHONE_MESSAGE = _("Enter a mainland mobile number (11 digits) or a landline with area code.")
PHONE_VALIDATOR = RegexValidator(PHONE_RE, message=PHONE_MESSAGE)


@deconstructible
class NotAfterToday:
    """Refuses a date later than today (Shanghai) plus ``days``; ``note`` adds a rule the service holds
    to (said in the schema: a field's help_text would replace the description)."""

    def __init__(self, days: int = 0, note: str = "", message: Any = None) -> None:
        self.days = days
        self.note = note
        self.message = message

    def __call__(self, value: dt.date) -> None:
        if value > timezone.localdate() + dt.timedelta(days=self.days):
            if self.message:
                raise serializers.ValidationError(self.message)
            if self.days:
                raise serializers.ValidationError(_("The date is too far in the future."))
            raise serializers.ValidationError(_("The date cannot be in the future."))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NotAfterToday) and (other.days, other.note) == (self.days, self.note)

    def __hash__(self) -> int:
        return hash(("NotAfterToday", self.days, self.note))


@deconstructible
class NotBefore:
    """Documents the first day a date may be; the service refuses earlier ones with its own words."""

    def __init__(self, earliest: dt.date) -> None:
        self.earliest = earliest

    def __call__(self, value: dt.date) -> None:
        return None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NotBefore) and other.earliest == self.earliest

    def __hash__(self) -> int:
        return hash(("NotBefore", self.earliest))


def not_after_today(days: int = 0, *, note: str = "", message: Any = None) -> NotAfterToday:
    """``message``: the field's own words (e.g. "The birth date cannot be in the future.")."""
    return NotAfterToday(days, note, message)


def not_before(earliest: dt.date) -> NotBefore:
    return NotBefore(earliest)


class BoundedDateExtension(OpenApiSerializerFieldExtension):
    """A date field with a NotAfterToday / NotBefore validator: its bounds in the schema."""

    target_class = serializers.DateField
    match_subclasses = True

    @classmethod
    def _matches(cls, target: Any) -> bool:
        return super()._matches(target) and any(
            isinstance(v, NotAfterToday | NotBefore) for v in getattr(target, "validators", [])
        )

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = dict(auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True))
        words = []
        for validator in self.target.validators:
            if isinstance(validator, NotAfterToday):
                if validator.days:
                    words.append(f"at most {validator.days} days after today (Asia/Shanghai)")
                    schema["x-latest"] = f"today+{validator.days}d"
                else:
                    words.append("not later than today (Asia/Shanghai)")
                    schema["x-latest"] = "today"
            elif isinstance(validator, NotBefore):
                words.append(f"not before {validator.earliest.isoformat()}")
                schema["x-earliest"] = validator.earliest.isoformat()
        notes = [v.note for v in self.target.validators if isinstance(v, NotAfterToday) and v.note]
        schema["description"] = " ".join(["A date, YYYY-MM-DD, " + " and ".join(words) + ".", *notes])
        return schema


def _digits_pattern(field: serializers.DecimalField) -> str:
    whole = (field.max_digits or 12) - (field.decimal_places or 0)
    places = field.decimal_places or 0
    fraction = rf"(?:\.\d{{1,{places}}})?" if places else ""
    return rf"^\d{{1,{whole}}}{fraction}$"


class DecimalExtension(OpenApiSerializerFieldExtension):
    """Amounts (yuan) with a lower bound of 0 or more: no sign in the pattern, and the bounds said."""

    target_class = serializers.DecimalField
    match_subclasses = True

    @classmethod
    def _matches(cls, target: Any) -> bool:
        minimum = getattr(target, "min_value", None)
        return super()._matches(target) and minimum is not None and Decimal(minimum) >= 0

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field = self.target
        schema = dict(auto_schema._map_serializer_field(field, direction, bypass_extensions=True))
        if schema.get("type") == "string":
            schema["pattern"] = _digits_pattern(field)
        words = [f"at most {field.decimal_places} decimals", f"at least {field.min_value}"]
        if field.max_value is not None:
            words.append(f"at most {field.max_value}")
        schema["description"] = "An amount in yuan as a decimal string: " + ", ".join(words) + "."
        schema["x-minimum"] = str(field.min_value)
        if field.max_value is not None:
            schema["x-maximum"] = str(field.max_value)
        return schema
