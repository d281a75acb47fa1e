"""The summary's figures, cached per period and invalidated by any write to what they count.

A PostgreSQL sequence is the generation: every save or delete of a counted model calls
``nextval`` (no row lock, so concurrent writers never wait on each other), and the cache key
holds the sequence's current value, so a write anywhere makes every cached period stale at
once, in every process. The dashboard and ``reports/summary/`` read the same cached figures.
The cache is the process's own (settings.CACHES): a cold process computes once per period.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError, connection

from core.replica import primary_position, replica_reads

SEQUENCE = "reports_figures_generation"
TIMEOUT = 3600
# Writes that never change a figure (and are frequent): no bump.
IGNORED_APPS = {"sessions", "admin", "axes", "authtoken", "contenttypes", "migrations", "django_celery_results"}
IGNORED_MODELS = {"core.auditentry", "notifications.notification", "reports.report"}


def generation() -> int | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value, is_called FROM {SEQUENCE}")  # noqa: S608  (a constant)
            last, called = cursor.fetchone()
    except DatabaseError:
        return None
    return last if called else 0


_ready = False


def bump() -> None:
    global _ready
    with connection.cursor() as cursor:
        if not _ready:  # until reports' migration created it (writes during migrate)
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [SEQUENCE])
            _ready = cursor.fetchone()[0]
            if not _ready:
                return
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])


def model_written(sender: Any, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label in IGNORED_APPS or meta.label_lower in IGNORED_MODELS:
        return
    if kwargs.get("raw"):  # fixtures being loaded
        return
    bump()


def summary(
    start: dt.date, end: dt.date, contract: Any = None, *, for_funder: bool = False, scope: Any = None
) -> dict[str, Any]:
    """``reports.figures.summary``, computed once per period, audience, scope and generation."""
    from core.figure_scope import EVERYTHING
    from reports import figures

    scope = scope or EVERYTHING
    gen = generation()
    # Taken after the generation: a replica that replayed this far has every write the generation counts.
    position = primary_position()
    if gen is None:
        with replica_reads(fresh_as_of=position):
            return figures.summary(start, end, contract, for_funder=for_funder, scope=scope)
    audience = "funder" if for_funder else "staff"
    key = f"figures:{start}:{end}:{contract.pk if contract else '-'}:{audience}:{scope.key}:{gen}"
    hit = cache.get(key)
    if hit is None:
        with replica_reads(fresh_as_of=position):
            hit = figures.summary(start, end, contract, for_funder=for_funder, scope=scope)
        cache.set(key, hit, TIMEOUT)
    return copy.deepcopy(hit)
