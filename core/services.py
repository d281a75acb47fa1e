"""Writes shared by every app."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.models import AuditAction

M = TypeVar("M", bound=models.Model)


def model_update(*, actor: Any, obj: M, fields: dict[str, Any]) -> M:
    """Set the fields that changed, validate, save only those (and updated_at), and audit which changed."""
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    if changed:
        obj.full_clean()
        extra = ["updated_at"] if any(f.name == "updated_at" for f in obj._meta.fields) else []
        obj.save(update_fields=[*changed, *extra])
        audit_log(action=AuditAction.UPDATE, user=actor, obj=obj, detail={"fields": sorted(changed)})
    return obj


def submitted_before(queryset: models.QuerySet[M], submission_key: str | None, **same: Any) -> M | None:
    """The record a form's idempotency key already created (a phone's outbox sending again after a lost
    answer, a double tap), or None. A key that created a record of another person or another case is
    refused: the form was copied, not retried."""
    if not submission_key:
        return None
    existing = queryset.filter(submission_key=submission_key).first()
    if existing is not None and any(getattr(existing, field) != value for field, value in same.items()):
        raise ValidationError(_("This form was already used. Please open a new form."))
    return existing


def save_once(obj: M, **same: Any) -> tuple[M, bool]:
    """Save a new record that carries a ``submission_key``; when the same key won a race a moment
    before, return that record instead (created = False), under the same rule as ``submitted_before``."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        key = getattr(obj, "submission_key", None)
        existing = submitted_before(type(obj)._default_manager.all(), key, **same)
        if existing is None:
            raise
        return existing, False
    return obj, True


def model_create(*, actor: Any, obj: M, detail: dict[str, Any] | None = None) -> M:
    """Validate, save and audit a new record (``model_update``'s twin for a record not saved yet)."""
    obj.full_clean()
    obj.save()
    audit_log(action=AuditAction.CREATE, user=actor, obj=obj, detail=detail)
    return obj
