from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import UserForm
from accounts.lockout import account_is_locked
from accounts.permissions import get_user_for_manager, may_manage_users, users_visible_to
from accounts.services import account_unlock, user_create, user_update
from accounts.throttles import failed_logins_retry_after
from core.http_types import AuthenticatedHttpRequest


@login_required
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
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@login_required
def user_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_manage_users(request.user):
        raise PermissionDenied
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and _save_user_form(request, form):
        messages.success(request, _("The user was created."))
        return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
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
        {"form": form, "creating": False, "edited": user, "locked": account_is_locked(user)},
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
