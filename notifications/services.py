"""Sending notifications: an in-app row now, email through Celery after commit.

Other apps call ``notify()``; the notifications app owns inbox pages, preferences, digests and
reminder sweeps. ``dedupe_key`` makes a notification exactly-once per recipient (unique in the
database), so a retried or repeated sweep cannot send the same reminder twice.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.outbox import enqueue
from notifications.models import Notification


def notify(
    *,
    user: Any,
    kind: str,
    text: str,
    link: str = "",
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    dedupe_key: str | None = None,
    email: bool = True,
) -> Notification | None:
    """Create one notification for one user; returns None if ``dedupe_key`` was already used for them.

    ``text`` must say only what the recipient may know (no child's name to a pledger).
    """
    if user is None or not getattr(user, "is_active", False):
        return None
    if obj is not None:
        object_type = object_type or obj._meta.model_name.replace("pledgerequest", "pledge-request")
        object_id = obj.pk
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                kind=kind,
                text=text[:500],
                link=link,
                object_type=object_type,
                object_id=str(object_id or ""),
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    if email and user.email and wants_single_email(user, kind):
        enqueue("notifications.tasks.send_notification_email", notification.pk)
    return notification


KINDS = {
    "referral_immediate": _("Immediate referrals"),
    "referral_status": _("News about my referrals"),
    "referral_waiting": _("Referrals waiting past their limit"),
    "pledge_request": _("Requests made of my promises"),
    "pledge_fulfilled": _("Promises fulfilled"),
    "pledge_unanswered": _("Requests with no answer"),
    "volunteer_concern": _("A volunteer is worried"),
    "visit_due": _("Home visits due"),
    "visit_overdue": _("Home visits a week overdue (managers)"),
    "case_quiet": _("Cases with no activity for 30 days"),
    "plan_review": _("Care plan reviews due"),
    "plan_action_due": _("Care plan actions due"),
    "director_meeting_due": _("WF directors without this month's meeting"),
    "caseload_pace": _("Caseload behind the contract target (managers)"),
    "programme_absence": _("Children missing group sessions"),
}

# Urgent kinds are always emailed at once, whatever the digest setting.
URGENT_KINDS = {"referral_immediate", "volunteer_concern"}


def wants_single_email(user: Any, kind: str) -> bool:
    from notifications.models import NotificationPreference

    pref = NotificationPreference.objects.filter(user=user).first()
    if pref is None or kind in URGENT_KINDS:
        return True
    return kind not in pref.email_off_kinds and not pref.daily_digest


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True, resolved_at__isnull=True).count()


def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    from django.utils import timezone

    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
