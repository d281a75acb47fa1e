from __future__ import annotations

from django.contrib import messages
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
