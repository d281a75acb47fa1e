"""The shape of a page action that writes and then redirects."""

from __future__ import annotations

from types import TracebackType

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
