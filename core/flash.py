"""The shape of a page action that writes and then redirects."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class flash_outcome:  # noqa: N801 - used as a statement: ``with flash_outcome(request, _("Saved.")):``
    """``with flash_outcome(request, _("Saved.")): services.thing(...)``: a ``ValidationError`` raised
    inside becomes one error message on the next page (its messages joined) and goes no further;
    otherwise ``success``, when given, is the message. ``ok`` says which happened."""

    def __init__(self, request: HttpRequest, success: str | None = None) -> None:
        self.request = request
        self.success = success
        self.ok = False

    def __enter__(self) -> flash_outcome:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if exc is None:
            self.ok = True
            if self.success:
                messages.success(self.request, self.success)
            return False
        if isinstance(exc, ValidationError):
            messages.error(self.request, " ".join(exc.messages))
            return True
        return False


def flash_form(
    request: HttpRequest,
    form: forms.BaseForm,
    service: Callable[..., Any],
    success: str | None = None,
    *,
    invalid: str | None = None,
    **arguments: Any,
) -> bool:
    """A small form posted from a page that the view then redirects back to: an invalid form is one
    error message (``invalid``, else the form's own errors), a valid one goes to
    ``service(actor=request.user, **arguments, **form.cleaned_data)`` under ``flash_outcome``.
    True when it was written."""
    if not form.is_valid():
        messages.error(request, invalid or " ".join(str(e) for errors in form.errors.values() for e in errors))
        return False
    with flash_outcome(request, success) as outcome:
        service(actor=request.user, **arguments, **form.cleaned_data)
    return outcome.ok
