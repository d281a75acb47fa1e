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
from django.views.decorators.http import require_GET

from accounts.models import Role
from core import outbox
from core.audit import audit_object_type_label, audit_object_types
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
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    target = HOME_BY_ROLE.get(request.user.effective_role)
    if target:
        try:
            return redirect(reverse(target))
        except NoReverseMatch:
            pass
    return render(request, "core/home.html", {"role": request.user.get_role_display()})


def _broker_state() -> tuple[bool, str]:
    """One PING with half-second timeouts: a dead or frozen Redis costs this page at most ~1 s."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    url = outbox.celery_app().conf.broker_url
    try:
        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
        try:
            client.ping()
        finally:
            client.close()
        return True, ""
    except Exception as exc:  # noqa: BLE001 - any failure means "down" on this page
        return False, str(exc)[:200]


@login_required
@require_GET
def health(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied
    from django.apps import apps

    # core may not import the apps above it (docs/architecture.md); their models are looked up by name.
    email_delivery = apps.get_model("notifications", "EmailDelivery")
    report = apps.get_model("reports", "Report")
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
        "emails_failed": email_delivery.objects.filter(status="failed").count(),
        "emails_uncertain": email_delivery.objects.filter(status="uncertain").count(),
        "reports_running": report.objects.filter(status__in=["queued", "running"]).count(),
        "reports_failed": report.objects.filter(status="failed", updated_at__gte=now - timedelta(days=7)).count(),
    }
    return render(request, "core/health.html", context)


@login_required
@require_GET
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
    object_types = sorted(((c, audit_object_type_label(c)) for c in audit_object_types()), key=lambda pair: pair[1])
    context = {"page": page, "filters": filters, "actions": AuditAction.choices, "object_types": object_types}
    return render(request, "core/audit_log.html", context)
