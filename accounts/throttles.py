"""Rate limits of the API and of failed logins, within the contract (shared/api-v1.md, "Authentication").

- Failed logins are counted per account by django-axes (in PostgreSQL; ``accounts.lockout``) and per
  address here: past ``FAILED_LOGINS_PER_ADDRESS`` failures in ``FAILED_LOGIN_WINDOW_SECONDS`` that
  address is answered 429 with ``Retry-After`` on the login page and the token endpoint until the window
  ends. Only failures count, so successful logins are never limited (the contract: not below 10 a second).
- Ordinary API calls: per account (``user``) and, before login, per address (``anon``), in one-second
  windows, at rates well above the contract's floor (50 calls a second per account).

Counters are fixed windows (``add`` + ``incr``, one round trip each) in the ``throttle`` cache, Redis in
production. If that cache fails, the limits are skipped (fail open) for ``CACHE_RETRY_SECONDS``, logged
once: a limit that keeps out a social worker when Redis is down is worse than no limit for a minute — the
per-account lockout, in PostgreSQL, still holds.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

log = logging.getLogger(__name__)

CACHE_ALIAS = "throttle"
CACHE_RETRY_SECONDS = 30.0
_cache_down_until = [0.0]


def _limits() -> dict[str, Any]:
    return settings.SHOUHU["RATE_LIMITS"]


def _cache_failed(exc: Exception) -> None:
    if time.monotonic() >= _cache_down_until[0]:
        log.warning("rate limits skipped for %.0f s: the throttle cache failed (%s)", CACHE_RETRY_SECONDS, exc)
    _cache_down_until[0] = time.monotonic() + CACHE_RETRY_SECONDS


def reset_cache_breaker() -> None:
    _cache_down_until[0] = 0.0


def _window(seconds: int) -> tuple[int, int]:
    """The current window's number and the seconds left in it (at least 1)."""
    now = time.time()
    number = int(now // seconds)
    return number, max(1, math.ceil((number + 1) * seconds - now))


def count_hit(key: str, *, window_seconds: int) -> int | None:
    """Adds one to ``key``'s counter for the current window; its new value, or None if the cache failed."""
    if time.monotonic() < _cache_down_until[0]:
        return None
    number, _left = _window(window_seconds)
    full_key = f"{key}:{number}"
    try:
        cache = caches[CACHE_ALIAS]
        cache.add(full_key, 0, timeout=window_seconds + 1)
        return int(cache.incr(full_key))
    except ValueError:  # expired between add and incr
        return 1
    except Exception as exc:  # noqa: BLE001 — any cache failure means "no limit for now"
        _cache_failed(exc)
        return None


def read_count(key: str, *, window_seconds: int) -> int:
    """``key``'s counter in the current window (0 if the cache failed)."""
    if time.monotonic() < _cache_down_until[0]:
        return 0
    number, _left = _window(window_seconds)
    try:
        return int(caches[CACHE_ALIAS].get(f"{key}:{number}", 0))
    except Exception as exc:  # noqa: BLE001
        _cache_failed(exc)
        return 0


def client_address(request: Any) -> str:
    from axes.helpers import get_client_ip_address

    django_request = getattr(request, "_request", request)
    return get_client_ip_address(django_request) or "unknown"


def _failed_key(address: str) -> str:
    return f"failed-login:addr:{address}"


def failed_login_count(address: str) -> None:
    """One more failed login from ``address`` (accounts.signals, on ``user_login_failed``)."""
    count_hit(_failed_key(address), window_seconds=_limits()["FAILED_LOGIN_WINDOW_SECONDS"])


def failed_logins_retry_after(request: Any) -> int | None:
    """Seconds to wait when the request's address has failed too many logins in this window, else None."""
    window = _limits()["FAILED_LOGIN_WINDOW_SECONDS"]
    if read_count(_failed_key(client_address(request)), window_seconds=window) < _limits()["FAILED_LOGINS_PER_ADDRESS"]:
        return None
    return _window(window)[1]


class FailedLoginAddressThrottle(BaseThrottle):
    """The token endpoint: an address past its failed logins waits (429, Retry-After)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        self._wait = failed_logins_retry_after(request)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class _WindowThrottle(BaseThrottle):
    scope = ""

    def ident(self, request: Request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request, view: Any) -> bool:
        ident = self.ident(request)
        self._wait: int | None = None
        if ident is None:
            return True
        rate = _limits()[f"{self.scope.upper()}_PER_SECOND"]
        count = count_hit(f"api:{self.scope}:{ident}", window_seconds=1)
        if count is None or count <= rate:
            return True
        self._wait = _window(1)[1]
        return False

    def wait(self) -> float | None:
        return self._wait


class UserRateThrottle(_WindowThrottle):
    """Calls per account per second."""

    scope = "user"

    def ident(self, request: Request) -> str | None:
        user = request.user
        return str(user.pk) if user is not None and user.is_authenticated else None


class AnonRateThrottle(_WindowThrottle):
    """Calls per address per second before login (the token endpoint, the schema)."""

    scope = "anon"

    def ident(self, request: Request) -> str | None:
        user = request.user
        if user is not None and user.is_authenticated:
            return None
        return client_address(request)
