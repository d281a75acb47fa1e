"""Keeps the current request reachable for the audit helper (address, user) without threading it everywhere."""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any, Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.cache import patch_vary_headers

_request: ContextVar[Any] = ContextVar("shouhu_request", default=None)


def current_request() -> Any:
    return _request.get()


class AuditRequestMiddleware:
    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403 and getattr(getattr(request, "user", None), "is_authenticated", False):
                # Refusals are audited with the path only (ids, never names).
                from core.audit import audit_log
                from core.models import AuditAction

                audit_log(
                    action=AuditAction.PERMISSION_DENIED,
                    request=request,
                    detail={"path": request.path[:200], "method": request.method},
                )
            return response
        finally:
            _request.reset(token)


class ThrottledSessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware, saving an unchanged session at most once a minute.

    SESSION_SAVE_EVERY_REQUEST keeps the 30-minute idle timeout sliding; writing the session row
    on every request cost three statements per request (savepoint, UPDATE, release). An
    unchanged session touched less than ``SESSION_TOUCH_SECONDS`` ago is not written again, so
    the idle timeout is exact to within that minute. A changed session is always saved.
    """

    TOUCH_KEY = "_touched"

    def process_response(self, request: Any, response: Any) -> Any:
        session = getattr(request, "session", None)
        if session is None or session.modified or not settings.SESSION_SAVE_EVERY_REQUEST or session.is_empty():
            return super().process_response(request, response)
        now = int(time.time())
        if now - int(session.get(self.TOUCH_KEY, 0)) < settings.SESSION_TOUCH_SECONDS:
            patch_vary_headers(response, ("Cookie",))
            return response
        session[self.TOUCH_KEY] = now
        return super().process_response(request, response)
