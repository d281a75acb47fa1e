"""Enqueue Celery tasks without ever losing them and without ever blocking a request on Redis.

``enqueue("app.tasks.name", *args)`` writes an OutboxMessage in the caller's transaction and,
once that transaction commits, tries to publish it. If the broker is down the row stays unsent
and ``outbox_drain`` (every 30 s from beat, and on worker start) publishes it later.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.models import OutboxMessage

log = logging.getLogger(__name__)


def enqueue(task_name: str, *args: Any, **kwargs: Any) -> OutboxMessage:
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: publish(message.pk))
    return message


def celery_app() -> Any:
    """The project's Celery app (config/celery.py, made current when the ``config`` package loads);
    looked up, not imported, so core does not depend on the project package above it."""
    from celery import current_app

    return current_app._get_current_object()


def publish(message_id: int) -> bool:
    """Send one outbox row to the broker; True when it was sent (now or before)."""
    app = celery_app()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id, sent_at=None).first()
        if message is None:
            return True
        try:
            app.send_task(message.task_name, args=message.args, kwargs=message.kwargs, retry=False, ignore_result=True)
        except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row for the drain
            log.warning("outbox: broker unavailable for %s: %s", message.task_name, exc)
            OutboxMessage.objects.filter(pk=message.pk).update(attempts=message.attempts + 1, last_error=str(exc)[:500])
            return False
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), attempts=message.attempts + 1)
        return True


def drain(limit: int = 500) -> int:
    """Publish what is waiting, oldest first; stops at the first broker failure. Returns the number sent."""
    sent = 0
    ids = list(OutboxMessage.objects.filter(sent_at=None).order_by("created_at").values_list("pk", flat=True)[:limit])
    for message_id in ids:
        if not publish(message_id):
            break
        sent += 1
    return sent
