"""Two-factor authentication (django-otp: TOTP, plus static tokens as recovery codes).

Who: every role that can see a child's record must use it (``SECOND_FACTOR_ROLES``); referrers,
pledgers, volunteers and funders may opt in (their "two-factor" page). Staff enrol at their first web
login: the password, then the enrolment page (a QR code and the secret), a code to confirm, ten
recovery codes shown once. Afterwards: the password, then a code page.

How a session counts as verified: django-otp's device in the session (``django_otp.login``), which
ends by itself when a manager resets the account's two-factor (the device is gone). Tests that log in
with ``force_login`` mark the session with ``SESSION_VERIFIED`` instead (``mark_session_verified``,
tests/conftest.py ``login``); nothing in the app sets that flag.

The API: the token endpoint asks for ``otp`` once the account has a confirmed device (the contract).
A session may not call the API before it is verified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.roles import Role

# The roles that can see a child's record.
SECOND_FACTOR_ROLES = (
    Role.ADMIN,
    Role.MANAGER,
    Role.SOCIAL_WORKER,
    Role.CHILDREN_DIRECTOR,
    Role.CHILDREN_SUPERVISOR,
)
SESSION_ENROLLED = "shouhu_2fa_enrolled"  # set at login: whether the account had a confirmed device
SESSION_VERIFIED = "shouhu_2fa_verified"  # tests and bench only (force_login): see the docstring
RECOVERY_CODE_COUNT = 10

# Paths an unverified session may reach: the second step itself, logging out, language, static files.
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/login/", "/i18n/", "/static/", "/favicon.ico")


def second_factor_required(user: Any) -> bool:
    """Whether ``user``'s role must use two-factor authentication (a superuser always)."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in SECOND_FACTOR_ROLES)


def has_confirmed_device(user: Any) -> bool:
    from django_otp import user_has_device

    return bool(user_has_device(user, confirmed=True))


def mark_session_verified(session: Any) -> None:
    """For tests that log in with ``force_login``: the session counts as past its second step."""
    session[SESSION_VERIFIED] = True
    session.save()


def session_is_verified(request: HttpRequest) -> bool:
    if request.session.get(SESSION_VERIFIED) is True:
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def remember_enrolment(request: HttpRequest, user: Any) -> None:
    """At login (accounts.signals): note in the session whether the account has a confirmed device."""
    if hasattr(request, "session"):
        request.session[SESSION_ENROLLED] = has_confirmed_device(user)


def _next_step(request: HttpRequest) -> str | None:
    """The second step this session still owes: "verify", "setup" or None."""
    enrolled = request.session.get(SESSION_ENROLLED)
    if enrolled is None:  # a session from before two-factor existed
        enrolled = has_confirmed_device(request.user)
        request.session[SESSION_ENROLLED] = enrolled
    if enrolled:
        return "verify"
    if second_factor_required(request.user):
        return "setup"
    return None


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a logged-in session that owes its second step is sent to it
    (pages) or refused (API, 403 JSON) until it is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(OPEN_PREFIXES)
            or session_is_verified(request)
        ):
            return self.get_response(request)
        step = _next_step(request)
        if step is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Finish logging in with your second step (the code) first."), "code": "otp_required"},
                status=403,
            )
        target = "/accounts/2fa/verify/" if step == "verify" else "/accounts/2fa/setup/"
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
