"""Sending notifications: an in-app row now, email through Celery after commit.

Other apps call ``notify()``; the notifications app owns inbox pages, preferences, digests and
reminder sweeps. ``dedupe_key`` makes a notification exactly-once per recipient (unique in the
database), so a retried or repeated sweep cannot send the same reminder twice.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

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
    if email and user.email:
        enqueue("notifications.tasks.send_notification_email", notification.pk)
    return notification
