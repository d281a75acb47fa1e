from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.audit import audit_log
from core.models import AuditAction


@receiver(user_logged_in)
def _audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from accounts.two_factor import remember_enrolment

    audit_log(action=AuditAction.LOGIN, user=user, obj=user, request=request)
    if request is not None:
        remember_enrolment(request, user)


@receiver(user_login_failed)
def _audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    audit_log(
        action=AuditAction.LOGIN_FAILED,
        request=request,
        object_type="user",
        detail={"username": str(credentials.get("username", ""))[:150]},
    )
    if request is not None:
        from accounts.throttles import client_address, failed_login_count

        failed_login_count(client_address(request))


@receiver(post_save, sender=get_user_model())
def _revoke_api_tokens(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A changed password or a deactivated account ends every API token, whichever way it was saved
    (password change or reset page, user page, API, admin, ``changepassword``).

    Django keeps the new raw password in ``_password`` until just after ``post_save``.
    """
    from accounts.services import api_tokens_revoke

    if created:
        return
    if getattr(instance, "_password", None) is not None:
        api_tokens_revoke(user=instance, reason="password_changed")
    elif not instance.is_active:
        api_tokens_revoke(user=instance, reason="deactivated")
