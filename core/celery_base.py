"""The base class of every Shouhu Celery task: survive a database or broker blip, end visibly.

A task that meets an unreachable PostgreSQL (``OperationalError`` / ``InterfaceError``) or Redis is
retried with exponential backoff and jitter (2 s, 4 s, … capped at 120 s). ``max_retries=8`` bounds
the total: at most 2+4+8+16+32+64+120+120 ≈ 6 minutes of waiting, after which ``on_final_failure``
lets the task record a visible failure (a report becomes ``failed`` with a reason). Whatever a
retry could not even publish (Redis down too) is found by the recovery sweep (core.tasks).
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django import db
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRYABLE: tuple[type[BaseException], ...] = (
    db.OperationalError,
    db.InterfaceError,
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)
MAX_RETRIES = 8
BACKOFF_MAX_SECONDS = 120


def is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, RETRYABLE)


class ResilientTask(Task):
    autoretry_for = RETRYABLE
    retry_backoff = 2
    retry_backoff_max = BACKOFF_MAX_SECONDS
    retry_jitter = True
    max_retries = MAX_RETRIES

    def before_start(self, task_id: str, args: Any, kwargs: Any) -> None:
        # A connection broken by an outage is dropped before the task touches the database again.
        db.close_old_connections()

    def on_retry(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        if isinstance(exc, (db.OperationalError, db.InterfaceError)):
            for conn in db.connections.all(initialized_only=True):
                conn.close()

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        hook = getattr(self, "on_final_failure", None)
        if hook is None:
            return
        try:
            db.close_old_connections()
            hook(exc, *args, **kwargs)
        except Exception:  # noqa: BLE001 - the database may still be down; the sweep will find it
            import logging

            logging.getLogger(__name__).exception("could not record the failure of %s", self.name)
