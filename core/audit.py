"""The one helper every view, endpoint and task calls to write the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from core.middleware import current_request
from core.models import AuditAction, AuditEntry
from core.project_apps import PROJECT_APPS


def client_address(request: Any) -> str | None:
    if request is None:
        return None
    # Behind a proxy the deployment sets REMOTE_ADDR correctly (gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None


def audit_log(
    *,
    action: str,
    user: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    request: Any = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Append one row to the audit log.

    ``obj`` names the object by its type and id only: the audit log itself must not become
    a second copy of a child's name.
    """
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    request = request or current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = obj.pk
    return AuditEntry.objects.create(
        user_id=user.pk if user else None,
        username=(user.get_username() if user else "")[:150],
        action=action,
        object_type=(object_type or "")[:50],
        object_id=str(object_id if object_id is not None else "")[:64],
        ip_address=client_address(request),
        detail=detail or {},
    )


def audit_log_each(*, action: str, objs: Iterable[models.Model], request: Any = None) -> list[AuditEntry]:
    """``audit_log`` of one action on each of ``objs`` (a case and its child), in one INSERT."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    request = request or current_request()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    address = client_address(request)
    return AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user_id=user.pk if user else None,
                username=(user.get_username() if user else "")[:150],
                action=action,
                object_type=(obj._meta.model_name or "")[:50],
                object_id=str(obj.pk)[:64],
                ip_address=address,
                detail={},
            )
            for obj in objs
        ]
    )


def audit_read(
    request: Any,
    objects_or_ids: Iterable[Any],
    object_type: str,
    detail: dict | None = None,
    *,
    action: str = AuditAction.VIEW,
    always: bool = False,
) -> AuditEntry | None:
    """One audit row for one response that showed records: ``detail["ids"]`` lists them, in order.

    Lists, partials, autocompletes and exports call this with what they actually rendered, so the
    log answers "who saw this child, and where" without one row per record. Nothing shown, no row
    (unless ``always``: an export of nothing is still an export).
    """
    ids: list[Any] = []
    seen: set[Any] = set()
    for item in objects_or_ids:
        pk = item.pk if isinstance(item, models.Model) else item
        if pk is not None and pk not in seen:
            seen.add(pk)
            ids.append(pk)
    if not ids and not always:
        return None
    body: dict[str, Any] = {"ids": ids}
    body.update(detail or {})
    return audit_log(
        action=action,
        request=request,
        object_type=object_type,
        object_id=ids[0] if len(ids) == 1 else "",
        detail=body,
    )


# Audit object types that are not a model's name: what the reader sees for each.
AUDIT_OBJECT_TYPES: dict[str, Any] = {
    "case-list": gettext_lazy("case list"),
    "case-search": gettext_lazy("case search"),
    "concern": gettext_lazy("volunteer's concern"),
    "member-import": gettext_lazy("member import"),
    "member-list": gettext_lazy("member list"),
    "parentcall-week": gettext_lazy("week of parent calls"),
    "register-report": gettext_lazy("register report"),
    "registry": gettext_lazy("children's register file"),
    "registry-update": gettext_lazy("quarterly register update"),
    "report-summary": gettext_lazy("report summary"),
    "pledge-request": gettext_lazy("request made of a promise"),
}


def audit_object_types() -> list[str]:
    """Every object type an audit row can name: the project's models and the types above (no query)."""
    from django.apps import apps

    models_ = [m._meta.model_name for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]
    machinery = (
        "historical",
        "caseuserobjectpermission",
        "casegroupobjectpermission",
        "outboxmessage",
        "serviceheartbeat",
    )
    return sorted({*(name for name in models_ if name and not name.startswith(machinery)), *AUDIT_OBJECT_TYPES})


def audit_object_type_label(code: str) -> str:
    """An audit row's object type in the reader's language: a model's verbose name (``child`` →
    儿童), or the label of a non-model type above; an unknown code as it is."""
    if code in AUDIT_OBJECT_TYPES:
        return str(AUDIT_OBJECT_TYPES[code])
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.model_name == code:
            return str(model._meta.verbose_name)
    return code
