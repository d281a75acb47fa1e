"""Writes shared by every app."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

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


def model_create(*, actor: Any, obj: M, detail: dict[str, Any] | None = None) -> M:
    """Validate, save and audit a new record (``model_update``'s twin for a record not saved yet)."""
    obj.full_clean()
    obj.save()
    audit_log(action=AuditAction.CREATE, user=actor, obj=obj, detail=detail)
    return obj
