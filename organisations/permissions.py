"""Who sees which organisation, and the one test of "same organisation" every policy uses.

An organisation's name, kind and place are the directory of the city's agencies: project staff
(who transfer cases and refer children to them) see every organisation; an admin manages them all;
a funder sees its own and those delivering the contracts it funds; everyone else only their own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.roles import PROJECT_STAFF
from core.permissions import one_or_404
from organisations.models import Organisation

ROLE_PERMISSIONS = {
    Role.MANAGER: [
        "organisations.view_organisation",
        "organisations.add_organisation",
        "organisations.view_service",
        "organisations.add_service",
        "organisations.change_service",
    ],
    Role.SOCIAL_WORKER: ["organisations.view_organisation", "organisations.view_service"],
    Role.FUNDER: ["organisations.view_organisation", "organisations.view_service"],
}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def manages_instance(user: Any) -> bool:
    """Admins manage every organisation of the instance; everyone else works inside their own."""
    return _active(user) and bool(user.has_role(Role.ADMIN))


def in_organisation_of(user: Any, organisation_id: Any) -> bool:
    """Whether a record of ``organisation_id`` is inside the user's organisation (admins: always)."""
    return manages_instance(user) or (_active(user) and organisation_id == user.organisation_id)


def uses_shouhu(organisation: Organisation) -> bool:
    """Whether the organisation works on this instance: it has active staff who triage referrals."""
    return organisation.staff.filter(is_active=True, role__in=[Role.MANAGER, Role.SOCIAL_WORKER]).exists()


def may_edit_services_of(user: Any, organisation: Organisation) -> bool:
    """An admin: any organisation's services. A manager: their own organisation's, and those of
    agencies outside Shouhu (no staff here), whose services the project maps."""
    if manages_instance(user):
        return True
    if not (_active(user) and user.has_role(Role.MANAGER)):
        return False
    return organisation.pk == user.organisation_id or not organisation.staff.exists()


def may_add_services(user: Any) -> bool:
    """Managers and admins map the services of the city."""
    return _active(user) and bool(user.has_role(Role.ADMIN, Role.MANAGER))


def organisations_editable_by(user: Any) -> QuerySet[Organisation]:
    """The organisations whose services ``user`` may add or change (see ``may_edit_services_of``)."""
    if manages_instance(user):
        return Organisation.objects.order_by("name")
    if not may_add_services(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(Q(pk=user.organisation_id) | Q(staff__isnull=True)).distinct().order_by("name")


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    if not _active(user):
        return Organisation.objects.none()
    base = Organisation.objects.select_related("location")
    if user.has_role(*PROJECT_STAFF):
        return base
    if user.has_role(Role.FUNDER):
        return base.filter(
            Q(pk=user.organisation_id) | Q(contracts__funder_organisation_id=user.organisation_id)
        ).distinct()
    return base.filter(pk=user.organisation_id)


def get_organisation_for_user(user: Any, pk: Any) -> Organisation:
    return one_or_404(organisations_visible_to(user), pk=pk)
