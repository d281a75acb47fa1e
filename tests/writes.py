"""Helpers for unit tests of services: what a call wrote (row counts, audit rows, object grants)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.utils import timezone

from core.models import AuditEntry


def row_counts(*model_classes: type[models.Model]) -> dict[str, int]:
    """The number of rows of each model and of the audit log."""
    counts = {m._meta.label: m.objects.count() for m in model_classes}
    counts["audit"] = AuditEntry.objects.count()
    return counts


@contextmanager
def writes_nothing(*model_classes: type[models.Model]) -> Iterator[None]:
    """The block adds or removes no row of these models and writes no audit row."""
    before = row_counts(*model_classes)
    yield
    assert row_counts(*model_classes) == before


def audit_rows(obj: models.Model, **filters: Any) -> list[AuditEntry]:
    """The audit rows naming ``obj`` (by its model name and id), oldest first."""
    return list(
        AuditEntry.objects.filter(object_type=obj._meta.model_name, object_id=str(obj.pk), **filters).order_by("pk")
    )


def last_audit(obj: models.Model) -> AuditEntry:
    rows = audit_rows(obj)
    assert rows, f"no audit row names {obj._meta.model_name} {obj.pk}"
    return rows[-1]


def message_of(error: Any, field: str | None = None) -> str:
    """The text of a ValidationError (of one field when given), joined."""
    if field is not None:
        return " ".join(str(m) for m in error.message_dict[field])
    return " ".join(str(m) for m in error.messages)


def today() -> dt.date:
    """Today in the project's time zone (the suite runs with the clock moved: never a fixed date)."""
    return timezone.localdate()


def risk_changes(case: models.Model) -> list[tuple[str, str, Any, str]]:
    """(from, to, who, why) of each recorded change of the case's risk level, oldest first."""
    from cases.models import RiskChange

    rows = RiskChange.objects.filter(case=case).select_related("changed_by").order_by("pk")
    return [(r.from_level, r.to_level, r.changed_by, r.reason) for r in rows]


def closure_of(case: models.Model) -> tuple[Any, ...]:
    """(status, closed on, reason, outcome, code) of the case as stored."""
    from cases.models import Case

    stored = Case.objects.get(pk=case.pk)
    return (stored.status, stored.closed_on, stored.closure_reason, stored.closure_outcome, stored.closure_code)
