from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Role
from core import outbox
from core.http_types import AuthenticatedHttpRequest
from core.models import AuditAction, AuditEntry, OutboxMessage, ServiceHeartbeat
from core.permissions import is_admin

# Each role lands on the page it works from, once the app that owns it provides it.
HOME_BY_ROLE = {
    Role.SOCIAL_WORKER: "cases:caseload",
    Role.MANAGER: "reports:dashboard",
    Role.REFERRER: "referrals:mine",
    Role.PLEDGER: "resources:my-requests",
    Role.VOLUNTEER: "alliance:my-visits",
    Role.FUNDER: "reports:list",
    Role.CHILDREN_DIRECTOR: "registry:home",
    Role.CHILDREN_SUPERVISOR: "registry:town",
}


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    target = HOME_BY_ROLE.get(request.user.effective_role)
    if target:
        try:
            return redirect(reverse(target))
        except NoReverseMatch:
            pass
    return render(request, "core/home.html", {"role": request.user.get_role_display()})


def _broker_state() -> tuple[bool, str]:
    app = outbox.celery_app()
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, ""
    except Exception as exc:  # noqa: BLE001 - any failure means "down" on this page
        return False, str(exc)[:200]


@login_required
def health(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied
    broker_ok, broker_error = _broker_state()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    now = timezone.now()
    beats = {hb.name: hb.seen_at for hb in ServiceHeartbeat.objects.all()}
    fresh = now - timedelta(minutes=3)
    context = {
        "broker_ok": broker_ok,
        "broker_error": broker_error,
        "worker_seen": beats.get("worker"),
        "worker_ok": bool(beats.get("worker") and beats["worker"] > fresh),
        "outbox_waiting": OutboxMessage.objects.filter(sent_at=None).count(),
    }
    return render(request, "core/health.html", context)


@login_required
def audit_log_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied
    entries = AuditEntry.objects.all()
    filters = {k: request.GET.get(k, "").strip() for k in ("username", "action", "object_type", "object_id")}
    if filters["username"]:
        entries = entries.filter(username__icontains=filters["username"])
    if filters["action"] in AuditAction.values:
        entries = entries.filter(action=filters["action"])
    if filters["object_type"]:
        entries = entries.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        entries = entries.filter(object_id=filters["object_id"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "filters": filters, "actions": AuditAction.choices})
