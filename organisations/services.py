"""Writes to organisations and the service directory. Audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_log
from core.models import AuditAction, Location
from organisations.models import Organisation, OrganisationKind, Service, ServiceKind
from organisations.permissions import may_edit_services_of

SERVICE_FIELDS = ("kind", "name", "description", "contact", "hours", "capacity", "languages", "is_active")


@transaction.atomic
def organisation_create(*, actor: User, name: str, kind: str, location: Location | None = None) -> Organisation:
    """An organisation on the directory (an agency outside Shouhu the project refers children to)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the organisation's name.")})
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("Choose the kind of organisation.")})
    if Organisation.objects.filter(name=name).exists():
        raise ValidationError({"name": _("An organisation of that name is already on the directory.")})
    organisation = Organisation.objects.create(name=name[:200], kind=kind, location=location)
    audit_log(action=AuditAction.CREATE, user=actor, obj=organisation)
    return organisation


def _check_service(fields: dict[str, Any], areas: list[Location] | None) -> None:
    errors: dict[str, str] = {}
    if fields.get("kind") not in ServiceKind.values:
        errors["kind"] = _("Choose the kind of service.")
    if not (fields.get("name") or "").strip():
        errors["name"] = _("Give the service's name.")
    capacity = fields.get("capacity")
    if capacity is not None and not (0 <= capacity <= 100_000):
        errors["capacity"] = _("The capacity must be between 0 and 100000.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def service_save(
    *,
    actor: User,
    organisation: Organisation,
    service: Service | None = None,
    areas: list[Location] | None = None,
    **fields: Any,
) -> Service:
    """Add a service to the directory, or change one. A manager edits their own organisation's
    services and those of agencies outside Shouhu; an admin any."""
    if not may_edit_services_of(actor, organisation):
        raise PermissionDenied
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    merged = {name: getattr(service, name) for name in SERVICE_FIELDS} if service is not None else {}
    merged.update(fields)
    _check_service(merged, areas)
    created = service is None
    if service is None:
        service = Service(organisation=organisation)
    service.organisation = organisation
    for name, value in fields.items():
        setattr(service, name, value.strip() if isinstance(value, str) else value)
    service.full_clean()
    service.save()
    if areas is not None:
        service.areas.set(areas)
    audit_log(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        user=actor,
        obj=service,
        detail={"fields": sorted(fields), "areas": [a.pk for a in areas] if areas is not None else None},
    )
    return service
