"""Notifications rendered in the reader's language: a message (its English source, a gettext msgid)
and parameters, stored as data and translated when shown, in the inbox, the API and email.

A parameter that itself needs translating (a status, a kind of help) is stored as
``{"msgid": "Accepted"}`` and translated with the message.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext


def source_of(text: Any) -> str:
    """The English source of a lazily translated string (its msgid); a plain string as it is."""
    if isinstance(text, Promise):
        with translation.override(None):
            return str(text)
    return str(text)


def stored_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """Parameters as JSON: lazy strings become ``{"msgid": ...}``, everything else text or number."""
    stored: dict[str, Any] = {}
    for key, value in (params or {}).items():
        if isinstance(value, Promise):
            stored[key] = {"msgid": source_of(value)}
        elif isinstance(value, int | float | str) and not isinstance(value, bool):
            stored[key] = value
        else:
            stored[key] = str(value)
    return stored


def _param(value: Any) -> Any:
    if isinstance(value, dict) and "msgid" in value:
        return gettext(str(value["msgid"]))
    return value


def render_message(message: str, params: dict[str, Any] | None, *, fallback: str = "") -> str:
    """``message`` translated into the active language, with its parameters; ``fallback`` when there
    is no message or it does not fit its parameters (a row from an older release)."""
    if not message:
        return fallback
    try:
        return gettext(message) % {k: _param(v) for k, v in (params or {}).items()}
    except (KeyError, TypeError, ValueError):
        return fallback or message


def worded(message: Promise, params: dict[str, Any]) -> dict[str, Any]:
    """The words of a notification row built directly (a reminder rule's ``Notification(...)``): the
    message and its parameters, stored as data and rendered in each reader's language, and the text in
    the active language as the stored fallback. ``Notification(..., **worded(gettext_lazy("..."), {...}))``."""
    stored = stored_params(params)
    source = source_of(message)
    return {"text": render_message(source, stored)[:500], "message": source[:300], "params": stored}
