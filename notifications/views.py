from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http_types import AuthenticatedHttpRequest
from notifications.models import Notification, NotificationPreference
from notifications.services import (
    KINDS,
    ROUTINE_GROUP_LIMIT,
    URGENT_KINDS,
    inbox_for,
    notification_mark_read,
    notifications_for,
    notifications_mark_read,
)


def _own(request: HttpRequest, pk: int) -> Notification:
    notification = notifications_for(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


@login_required
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Urgent items pinned and red, routine reminders one line per case, the rest newest first;
    ``?kind=`` shows one kind only (an unknown kind: everything, said so)."""
    kind = request.GET.get("kind", "")
    unknown_kind = bool(kind) and kind not in KINDS
    inbox = inbox_for(request.user, kind="" if unknown_kind else kind)
    page = Paginator(inbox.rest, 30).get_page(request.GET.get("page"))
    context = {
        "inbox": inbox,
        "page": page,
        "kind": "" if unknown_kind else kind,
        "unknown_kind": unknown_kind,
        "kinds": list(KINDS.items()),
        "urgent_kinds": URGENT_KINDS,
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_group_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark a group of routine reminders read (only the user's own ids count)."""
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:ROUTINE_GROUP_LIMIT]
    notifications_mark_read(user=request.user, ids=ids)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = notification_mark_read(user=request.user, notification=_own(request, pk))
    if request.htmx:
        return render(request, "notifications/_item.html", {"n": notification})
    return redirect("notifications:list")


@login_required
@require_GET
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark read and go to the thing it is about; that page checks, as always, whether the user may see it."""
    notification = notification_mark_read(user=request.user, notification=_own(request, pk))
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    pref, _created = NotificationPreference.objects.get_or_create(user=request.user)
    if request.method == "POST":
        emailed = set(request.POST.getlist("email"))
        pref.email_off_kinds = [kind for kind in KINDS if kind not in emailed]
        pref.daily_digest = request.POST.get("daily_digest") == "on"
        pref.save(update_fields=["email_off_kinds", "daily_digest"])
        messages.success(request, _("Saved."))
        return redirect("notifications:preferences")
    kinds = [(code, label, code not in pref.email_off_kinds) for code, label in KINDS.items()]
    return render(request, "notifications/preferences.html", {"pref": pref, "kinds": kinds})
