"""Every write to a user account: role changes keep the role group in step and are audited.

Also the account's security: unlocking a locked-out account and revoking its API tokens.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.audit import audit_log
from core.models import AuditAction


def _check_may_grant(*, actor: User, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.ADMIN and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Only an administrator may grant the administrator role."))


AREA_KINDS: dict[str, tuple[str, ...]] = {
    Role.CHILDREN_DIRECTOR: ("village", "community"),
    Role.CHILDREN_SUPERVISOR: ("town",),
}


def check_area(*, role: str | None, location: Any) -> None:
    """A children director serves a village or community, a supervisor a town; other roles serve no area."""
    kinds = AREA_KINDS.get(role or "")
    if location is None:
        return
    if kinds is None:
        raise ValidationError({"location": _("Only children directors and supervisors serve an area.")})
    if location.kind not in kinds:
        if role == Role.CHILDREN_DIRECTOR:
            raise ValidationError({"location": _("A children director serves a village or community.")})
        raise ValidationError({"location": _("A children supervisor serves a town.")})


def _sync_group(user: User) -> None:
    user.groups.set([Group.objects.get_or_create(name=user.role)[0]])


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    phone: str | None = None,
    email: str = "",
    member: Any = None,
    is_active: bool = True,
    location: Any = None,
    organisation: Any = None,
) -> User:
    """A new account. It belongs to ``organisation``, by default the creating manager's own (an admin's
    or a command's: the instance's default organisation); a manager creates accounts only in their own."""
    if actor is not None:
        _check_may_grant(actor=actor, role=role)
        _check_may_place(actor=actor, organisation=organisation)
    check_area(role=role, location=location)
    user = User(
        username=username,
        role=role,
        full_name=full_name,
        phone=phone or None,
        email=email,
        member=member,
        is_active=is_active,
        location=location,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    organisation_id = getattr(organisation, "pk", organisation)
    if organisation_id is None and actor is not None and not actor.has_role(Role.ADMIN):
        organisation_id = actor.organisation_id
    if organisation_id is not None:
        user.organisation_id = organisation_id
    user.full_clean(exclude=["password", "organisation"])
    user.save()
    _sync_group(user)
    audit_log(action=AuditAction.CREATE, user=actor, obj=user, detail={"role": role})
    return user


def _check_may_place(*, actor: User, organisation: Any) -> None:
    """Only an admin places an account in another organisation than their own."""
    organisation_id = getattr(organisation, "pk", organisation)
    if organisation_id is not None and not actor.has_role(Role.ADMIN) and organisation_id != actor.organisation_id:
        raise ValidationError({"organisation": _("You may only manage accounts of your own organisation.")})


@transaction.atomic
def user_update(*, actor: User, user: User, **changes: Any) -> User:
    """Changes role, name, contact, member link or active flag; the password only through ``password``."""
    if user.has_role(Role.ADMIN) and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Only an administrator may change an administrator account."))
    if "role" in changes:
        _check_may_grant(actor=actor, role=changes["role"])
    if "organisation" in changes:
        _check_may_place(actor=actor, organisation=changes["organisation"])
    if "location" in changes or "role" in changes:
        check_area(role=changes.get("role", user.role), location=changes.get("location", user.location))
    if changes.get("is_active") is False and user.pk == actor.pk:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    password = changes.pop("password", None)
    fields = []
    for field, value in changes.items():
        if field == "phone":
            value = value or None
        if getattr(user, field) != value:
            setattr(user, field, value)
            fields.append(field)
    if password:
        user.set_password(password)
        fields.append("password")
    if fields:
        user.full_clean(exclude=["password"])
        user.save(update_fields=fields)
        if "role" in fields:
            _sync_group(user)
        audit_log(action=AuditAction.UPDATE, user=actor, obj=user, detail={"fields": sorted(fields)})
    return user


@transaction.atomic
def account_unlock(*, actor: User | None, user: User, reason: str) -> int:
    """Clears the failed logins counted against ``user`` (django-axes), so they may log in at once.

    ``reason`` is ``"manager"`` (a manager's unlock on the user page) or ``"password_reset"`` (the owner
    set a new password through the e-mailed link). Audited; returns how many counters were removed.
    """
    from axes.utils import reset

    removed = int(reset(username=user.username))
    audit_log(action=AuditAction.UPDATE, user=actor, obj=user, detail={"account": "unlocked", "reason": reason})
    return removed


def api_tokens_revoke(*, user: User, reason: str) -> int:
    """Deletes ``user``'s API tokens (password changed, account deactivated); returns how many went."""
    from rest_framework.authtoken.models import Token

    removed, _by_model = Token.objects.filter(user=user).delete()
    if removed:
        audit_log(action=AuditAction.UPDATE, obj=user, detail={"api_token": "revoked", "reason": reason})
    return removed


def two_factor_setup_device(*, user: User) -> Any:
    """The account's unconfirmed TOTP device for the enrolment page (made once, shown until confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def two_factor_confirm(*, user: User, device: Any, code: str) -> list[str] | None:
    """Confirms the enrolment with a code from the app; returns the new recovery codes (shown once), or
    None when the code is wrong. Earlier devices and recovery codes of the account are replaced."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import RECOVERY_CODE_COUNT

    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = recovery_codes_issue(user=user)
    audit_log(
        action=AuditAction.UPDATE,
        user=user,
        obj=user,
        detail={"two_factor": "enrolled", "recovery_codes": RECOVERY_CODE_COUNT},
    )
    return codes


def recovery_codes_issue(*, user: User) -> list[str]:
    """Ten new single-use recovery codes (django-otp static tokens), replacing any earlier ones."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from accounts.two_factor import RECOVERY_CODE_COUNT

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> int:
    """A manager removes a staff member's authenticator and recovery codes (a lost phone): at their next
    login they enrol again; their sessions verified with the old device stop counting. Audited."""
    from django_otp import devices_for_user

    if user.has_role(Role.ADMIN) and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Only an administrator may change an administrator account."))
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    audit_log(action=AuditAction.UPDATE, user=actor, obj=user, detail={"two_factor": "reset", "devices": removed})
    return removed
