"""Reads of reports and dashboards on a PostgreSQL read replica (``DATABASE_REPLICA_URL``).

Only code that asks for it reads from the replica: ``with replica_reads(fresh_as_of=lsn):`` around the
figures' computation (``reports/cache.py``, the report task). Everything else — every write, every
read outside such a block, every read inside a transaction on the primary (it may have written) —
goes to the primary. A block runs on the replica only if it has replayed the primary's WAL up to
``fresh_as_of`` (taken on the primary together with the figures' cache generation), so a figure is
never older than the generation it is cached under; a replica behind or down means the primary.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
_reading: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def primary_position() -> str | None:
    """The primary's current WAL position (None when no replica is configured: nothing to compare)."""
    if not replica_configured():
        return None
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replica_has_replayed(position: str) -> bool:
    """Whether the replica has replayed the primary's WAL up to ``position`` (False if it cannot say)."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, NOT pg_is_in_recovery())", [position]
            )
            return bool(cursor.fetchone()[0])
    except DatabaseError as exc:
        log.warning("read replica unavailable, reading from the primary: %s", exc)
        return False


@contextmanager
def replica_reads(*, fresh_as_of: str | None = None) -> Iterator[bool]:
    """Send the block's reads to the replica when one is configured, no transaction is open on the
    primary and the replica has replayed ``fresh_as_of``; yields whether it does."""
    if (
        not replica_configured()
        or connections[PRIMARY].in_atomic_block
        or (fresh_as_of is not None and not replica_has_replayed(fresh_as_of))
    ):
        yield False
        return
    token = _reading.set(True)
    try:
        yield True
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads inside ``replica_reads`` to the replica, everything else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading.get() and not connections[PRIMARY].in_atomic_block:
            return REPLICA
        return None  # Django's own choice: the instance's database, else the primary

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY  # the replica follows the primary's WAL; nothing is migrated on it
