from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import two_factor
from accounts.forms import UserForm
from accounts.forms_auth import SecondFactorForm
from accounts.lockout import account_is_locked
from accounts.permissions import get_user_for_manager, may_manage_users, users_visible_to
from accounts.services import (
    account_unlock,
    recovery_codes_issue,
    two_factor_confirm,
    two_factor_reset,
    two_factor_setup_device,
    user_create,
    user_update,
)
from accounts.throttles import failed_logins_retry_after
from core.forms import add_validation_errors
from core.http_types import AuthenticatedHttpRequest


@login_required
@require_GET
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_manage_users(request.user):
        raise PermissionDenied
    users = users_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(full_name__icontains=q)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": q})


def _save_user_form(request: HttpRequest, form: UserForm, user=None) -> bool:
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    try:
        if user is None:
            user_create(actor=request.user, **data)
        else:
            user_update(actor=request.user, user=user, **data)
    except ValidationError as exc:
        add_validation_errors(form, exc)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def user_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_manage_users(request.user):
        raise PermissionDenied
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and _save_user_form(request, form):
        messages.success(request, _("The user was created."))
        return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = get_user_for_manager(request.user, pk)
    form = UserForm(request.POST or None, instance=user, actor=request.user)
    if request.method == "POST":
        # The form mutates its instance while validating; the service works from a fresh copy.
        fresh = get_user_for_manager(request.user, pk)
        if _save_user_form(request, form, user=fresh):
            messages.success(request, _("The user was saved."))
            return redirect("accounts:user-list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "creating": False,
            "edited": user,
            "locked": account_is_locked(user),
            "two_factor_on": two_factor.has_confirmed_device(user),
        },
    )


@login_required
@require_POST
def user_unlock_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager lets a locked-out account in again at once (audited)."""
    user = get_user_for_manager(request.user, pk)
    account_unlock(actor=request.user, user=user, reason="manager")
    messages.success(request, _("The account is unlocked: it may log in again now."))
    return redirect("accounts:user-edit", pk=user.pk)


class LoginView(auth_views.LoginView):
    """Django's login page; an address past its failed logins waits (429, Retry-After) before trying again."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        wait = failed_logins_retry_after(request)
        if wait is None:
            return super().post(request, *args, **kwargs)
        # An unbound form keeps what was typed without checking it (checking would be one more failure).
        form = self.get_form_class()(request, initial={"username": request.POST.get("username", "")})
        context = self.get_context_data(form=form)
        context["login_refused"] = _(
            "Too many failed logins from this network. Please wait %(minutes)s minutes and try again."
        ) % {"minutes": max(1, -(-wait // 60))}
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(wait)
        return response


# --- Two-factor authentication (accounts.two_factor) ------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _qr_svg(url: str) -> str:
    """The otpauth URL as an inline SVG (no image file, nothing sent elsewhere), sized by CSS (.qr)."""
    import re

    import qrcode
    import qrcode.image.svg

    svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2).to_string(encoding="unicode")
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    return svg.replace("<svg ", '<svg class="qr" role="img" aria-label="QR" ', 1)


def _verified(request: AuthenticatedHttpRequest, device: Any, *, how: str) -> None:
    import django_otp

    from core.audit import audit_log
    from core.models import AuditAction

    django_otp.login(request, device)
    request.session[two_factor.SESSION_ENROLLED] = True
    audit_log(
        action=AuditAction.LOGIN, user=request.user, obj=request.user, request=request, detail={"second_factor": how}
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of logging in: a code from the app or one recovery code."""
    from django_otp import match_token

    if two_factor.session_is_verified(request):
        return redirect(_safe_next(request))
    if not two_factor.has_confirmed_device(request.user):  # reset by a manager since this session began
        request.session[two_factor.SESSION_ENROLLED] = False
        if two_factor.second_factor_required(request.user):
            return redirect(f"{resolve_url('two-factor-setup')}?{urlencode({'next': _safe_next(request)})}")
        return redirect(_safe_next(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            _verified(request, device, how="recovery_code" if device.__class__.__name__ == "StaticDevice" else "totp")
            return redirect(_safe_next(request))
        form.add_error(
            "code", _("This code is not correct (or was already used). Check the time on your phone and try again.")
        )
        from core.audit import audit_log
        from core.models import AuditAction

        audit_log(
            action=AuditAction.LOGIN_FAILED,
            user=request.user,
            obj=request.user,
            request=request,
            detail={"second_factor": "wrong_code"},
        )
    status = 400 if form.errors else 200
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the secret), confirm with a code, see the recovery codes once."""
    import base64

    if two_factor.has_confirmed_device(request.user) and not two_factor.session_is_verified(request):
        return redirect(f"{resolve_url('two-factor-verify')}?{urlencode({'next': _safe_next(request)})}")
    device = two_factor_setup_device(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            _verified(request, device, how="enrolment")
            request.session["shouhu_2fa_new_codes"] = codes
            request.session["shouhu_2fa_next"] = _safe_next(request)
            return redirect("two-factor-codes")
        form.add_error("code", _("This code is not correct. Check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": secret,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _safe_next(request),
            "required": two_factor.second_factor_required(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def two_factor_codes_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The new recovery codes, once: they are taken out of the session as they are shown."""
    codes = request.session.pop("shouhu_2fa_new_codes", None)
    if not codes:
        return redirect("two-factor")
    response = render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": codes, "next": request.session.pop("shouhu_2fa_next", resolve_url(settings.LOGIN_REDIRECT_URL))},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account's two-factor page: whether it is on, enrol (opt in), or new recovery codes."""
    enrolled = two_factor.has_confirmed_device(request.user)
    if enrolled and not two_factor.session_is_verified(request):  # the password alone shows nothing here
        return redirect(f"{resolve_url('two-factor-verify')}?{urlencode({'next': request.path})}")
    if request.method == "POST" and enrolled and request.POST.get("action") == "new-codes":
        request.session["shouhu_2fa_new_codes"] = recovery_codes_issue(user=request.user)
        request.session["shouhu_2fa_next"] = resolve_url("two-factor")
        return redirect("two-factor-codes")
    return render(
        request,
        "accounts/two_factor.html",
        {"enrolled": enrolled, "required": two_factor.second_factor_required(request.user)},
    )


@login_required
@require_POST
def user_two_factor_reset_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager resets a staff member's two-factor (a lost phone): they enrol again at their next login."""
    user = get_user_for_manager(request.user, pk)
    two_factor_reset(actor=request.user, user=user)
    messages.success(request, _("Two-factor authentication was reset: the user sets it up again at the next login."))
    return redirect("accounts:user-edit", pk=user.pk)
