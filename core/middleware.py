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
            return self.get_response(request)
        finally:
            _request.reset(token)
