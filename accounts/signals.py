from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from core.audit import audit_log
from core.models import AuditAction


@receiver(user_logged_in)
def _audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_log(action=AuditAction.LOGIN, user=user, obj=user, request=request)


@receiver(user_login_failed)
def _audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    audit_log(
        action=AuditAction.LOGIN_FAILED,
        request=request,
        object_type="user",
        detail={"username": str(credentials.get("username", ""))[:150]},
    )
