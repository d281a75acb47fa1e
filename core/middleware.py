"""Keeps the current request reachable for the audit helper (address, user) without threading it everywhere."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Callable

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
