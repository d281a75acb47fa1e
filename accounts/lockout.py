"""Lockout after repeated failed logins (django-axes), counted per account whatever spelling was typed.

``canonical_username`` (settings.AXES_USERNAME_CALLABLE) turns the typed login into the account it names
— ``SUN``, ``sun`` and her phone number are all ``sun`` — through the backend's own lookup, so a name of
n letters no longer has 2ⁿ separate counters. A login that names no account is counted as typed, folded
to lower case.

``lockout_response`` (settings.AXES_LOCKOUT_CALLABLE) is what a locked-out account is answered: the API
answers JSON, as the contract says ("locked-out accounts say so (JSON, 429 or 403)"); pages show the
locked-out page, which names the two ways back in (a password reset, a manager's unlock). Both with 429
and Retry-After (the cool-off).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.backends import account_for_login


def canonical_username(request: Any, credentials: Any = None) -> str | None:
    """The username of the account the typed login names (or the typed login, in lower case)."""
    typed: Any = None
    if credentials:
        typed = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    if typed is None and request is not None:
        data = getattr(request, "data", None)
        if data is None or not hasattr(data, "get"):
            data = getattr(request, "POST", {})
        typed = data.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(typed, str) or not typed.strip():
        return None
    typed = typed.strip()
    account = account_for_login(typed)
    return account.username if account is not None else typed.lower()


def locked_out_message() -> str:
    return _(
        "Too many failed logins: this account is locked for now. Reset your password by e-mail, "
        "ask your project manager to unlock it, or try again later."
    )


def retry_after_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": locked_out_message(), "code": "locked_out"}, status=429)
    else:
        response = render(
            request,
            settings.AXES_LOCKOUT_TEMPLATE,
            {"cooloff_minutes": retry_after_seconds() // 60},
            status=429,
        )
    response["Retry-After"] = str(retry_after_seconds())
    return response


def account_is_locked(user: Any) -> bool:
    """Whether ``user`` is locked out now (their failures within the cool-off reached the limit)."""
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    failures = AccessAttempt.objects.filter(
        username=user.username, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    ).aggregate(n=Sum("failures_since_start"))["n"]
    return bool(failures and failures >= settings.AXES_FAILURE_LIMIT)
