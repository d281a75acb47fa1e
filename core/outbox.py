"""Enqueue Celery tasks without ever losing them and without ever holding a request on Redis.

``enqueue("app.tasks.name", *args)`` writes an OutboxMessage in the caller's transaction. The request
never talks to the broker. Two relays publish what waits, both outside the request cycle:

* **on commit, in a background thread** (the *relay thread*, one per process): the committed ids are
  handed to a queue and published by a daemon thread, so a healthy Redis still starts a report or
  sends the urgent referral's emails within a second. After a broker failure the thread stops trying
  for ``BREAKER_SECONDS`` (a circuit breaker) and leaves the rows to the drain, so a dead or frozen
  Redis costs nothing but one short attempt.
* **``outbox_drain`` from Celery beat every 10 s** (and on worker start): the safety net. Whatever the
  thread could not send goes out within ~10 s of Redis returning, far inside the one minute the
  immediate referral allows.

Why both: beat alone would add up to 10 s to every report start; the thread alone would lose its
in-memory queue when a web process restarts. Rows are claimed with ``SELECT … FOR UPDATE SKIP
LOCKED``, so the two relays never publish one row twice.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from core.models import OutboxMessage

log = logging.getLogger(__name__)

BREAKER_SECONDS = 10.0
# Publishing from the relay thread or the drain: short, so a frozen Redis holds no relay for long.
PUBLISH_TIMEOUTS = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}

_pending: queue.Queue[int | None] = queue.Queue()
_thread: threading.Thread | None = None
_thread_lock = threading.Lock()
_broken_until = 0.0
_idle = threading.Event()
_idle.set()


def enqueue(task_name: str, *args: Any, **kwargs: Any) -> OutboxMessage:
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args), kwargs=kwargs)
    if relay_mode() != "off":
        transaction.on_commit(lambda: _hand_to_relay(message.pk))
    return message


def enqueue_many(task_name: str, args_list: list[list[Any]]) -> list[OutboxMessage]:
    """``enqueue`` for many calls of one task: one INSERT, each handed to the relay after commit."""
    messages = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task_name=task_name, args=list(args), kwargs={}) for args in args_list]
    )
    if messages and relay_mode() != "off":
        transaction.on_commit(lambda: _hand_all_to_relay([m.pk for m in messages]))
    return messages


def _hand_all_to_relay(message_ids: list[int]) -> None:
    for message_id in message_ids:
        _hand_to_relay(message_id)


def relay_mode() -> str:
    """``thread`` (default): publish after commit in the relay thread; ``off``: leave it all to beat."""
    return getattr(settings, "SHOUHU_OUTBOX_RELAY", "thread")


def celery_app() -> Any:
    """The project's Celery app (config/celery.py, made current when the ``config`` package loads);
    looked up, not imported, so core does not depend on the project package above it."""
    from celery import current_app

    return current_app._get_current_object()


def broker_recently_failed() -> bool:
    return time.monotonic() < _broken_until


def _trip_breaker() -> None:
    global _broken_until
    _broken_until = time.monotonic() + BREAKER_SECONDS


def reset_breaker() -> None:
    global _broken_until
    _broken_until = 0.0


def _hand_to_relay(message_id: int) -> None:
    global _thread
    if broker_recently_failed():
        return  # the drain will send it; don't even queue work for a broker known to be down
    _idle.clear()
    _pending.put(message_id)
    with _thread_lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_relay_loop, name="outbox-relay", daemon=True)
            _thread.start()


def _relay_loop() -> None:
    while True:
        try:
            message_id = _pending.get(timeout=30)
        except queue.Empty:
            connection.close()
            continue
        try:
            if message_id is not None and not broker_recently_failed():
                publish(message_id)
        except Exception:  # noqa: BLE001 - the thread must survive a database blip; the drain retries
            log.exception("outbox relay: could not publish %s", message_id)
        finally:
            if _pending.empty():
                close_old_connections()
                connection.close()
                _idle.set()


def wait_for_relay(timeout: float = 10.0) -> bool:
    """For tests and shutdown: wait until the relay thread has handled what it was given."""
    return _idle.wait(timeout)


def broker_connection() -> Any:
    """A broker connection with the relay's short timeouts (not yet connected)."""
    return celery_app().connection_for_write(transport_options=PUBLISH_TIMEOUTS)


def publish(message_id: int, conn: Any = None) -> bool:
    """Send one outbox row to the broker; True when it was sent (now or before)."""
    if conn is None:
        with broker_connection() as own:
            return publish(message_id, own)
    app = celery_app()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id, sent_at=None).first()
        if message is None:
            return True
        try:
            conn.ensure_connection(max_retries=0, timeout=PUBLISH_TIMEOUTS["socket_connect_timeout"])
            app.send_task(
                message.task_name,
                args=message.args,
                kwargs=message.kwargs,
                retry=False,
                ignore_result=True,
                connection=conn,
            )
        except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row for the drain
            _trip_breaker()
            log.warning("outbox: broker unavailable for %s: %s", message.task_name, exc)
            OutboxMessage.objects.filter(pk=message.pk).update(attempts=message.attempts + 1, last_error=str(exc)[:500])
            return False
        OutboxMessage.objects.filter(pk=message.pk).update(
            sent_at=timezone.now(), attempts=message.attempts + 1, last_error=""
        )
        return True


def drain(limit: int = 500) -> int:
    """Publish what is waiting, oldest first; stops at the first broker failure. Returns the number sent."""
    sent = 0
    ids = list(OutboxMessage.objects.filter(sent_at=None).order_by("created_at").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    with broker_connection() as conn:
        for message_id in ids:
            if not publish(message_id, conn):
                break
            sent += 1
    if sent:
        reset_breaker()
    return sent
