"""Input hygiene in one place: no NUL or other control characters get into Shouhu, or out of it.

* ``clean_text`` removes C0/C1 control characters (keeping tab and newline; carriage returns become
  newlines) and stray surrogates. PostgreSQL refuses NUL in text (a 500 before), openpyxl refuses the
  rest in a cell (every XLSX export of a list with one bad name failed).
* ``InputHygieneMiddleware`` cleans every value of ``request.GET`` and ``request.POST`` for pages and
  form-encoded API calls (search boxes, autocomplete, every form); passwords are left as typed.
* ``JSONObjectParser`` (DRF's default JSON parser here) cleans every string of a JSON body and refuses a
  body that is not a JSON object (``[]``, ``"x"``, ``1`` → 400), so ``request.data.get`` never breaks.
* The roster importer cleans each cell; ``core.exports.safe_cell`` cleans each exported cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

# C0 controls except \t and \n, DEL, C1 controls, lone surrogates, and the non-characters U+FFFE/U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_KEEP_AS_TYPED = ("password", "csrfmiddlewaretoken")


def clean_text(value: str) -> str:
    if not value:
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def clean_data(value: Any) -> Any:
    """Every string inside a JSON-like value, cleaned (keys too)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    return value


def clean_querydict(data: QueryDict) -> QueryDict:
    if not any(_CONTROL.search(k) or any(_CONTROL.search(v) or "\r" in v for v in data.getlist(k)) for k in data):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key in data:
        values = data.getlist(key)
        if not any(word in key.lower() for word in _KEEP_AS_TYPED):
            values = [clean_text(v) for v in values]
        cleaned.setlist(clean_text(key), values)
    cleaned._mutable = False
    return cleaned


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputHygieneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        request.GET = clean_querydict(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST = clean_querydict(request.POST)  # type: ignore[assignment]
        return self.get_response(request)


class JSONObjectParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("The request body must be a JSON object ({…})."))
        return clean_data(data)


class CleanFormParser(FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return clean_querydict(super().parse(stream, media_type, parser_context))


class CleanMultiPartParser(MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        parsed.data = clean_querydict(parsed.data)  # type: ignore[assignment]
        return parsed
