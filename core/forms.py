"""What every app's forms share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.dateparse import parse_date


def add_validation_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form that fed it: an error naming one of the
    form's fields goes under that field, any other (or one with no field) above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class Saved(NamedTuple):
    """What ``save_form`` returns when the service wrote: its result (truthy even when that is None)."""

    result: Any


def save_form(
    request: HttpRequest,
    form: forms.BaseForm,
    service: Callable[..., Any],
    success: str | None = None,
    **arguments: Any,
) -> Saved | None:
    """The one path of a page that writes what a Django form took in: on a POST whose form is valid,
    ``service(actor=request.user, **arguments, **form.cleaned_data)``; what the service refuses goes onto
    the form (``add_validation_errors``) and a write flashes ``success``. ``Saved(result)`` when it wrote,
    else None: the page shows the form again, with its errors and what was typed."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = service(actor=request.user, **arguments, **form.cleaned_data)
    except ValidationError as exc:
        add_validation_errors(form, exc)
        return None
    if success:
        messages.success(request, success)
    return Saved(result)


def date_or_error(text: str, field: str, message: str, *, default: dt.date | None = None) -> dt.date:
    """A date typed by hand (``YYYY-MM-DD``): blank is ``default``; blank without one, or a date that is
    not one (``2026-02-30`` included), is a ``ValidationError`` on ``field`` saying ``message``."""
    try:
        parsed = parse_date(text) if text else default
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({field: message})
    return parsed
