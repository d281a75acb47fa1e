"""Access policy for locations, contracts, the audit log and the health page."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import Role
from accounts.roles import PROJECT_STAFF
from core.models import Contract

M = TypeVar("M", bound=models.Model)

ROLE_PERMISSIONS = {
    Role.MANAGER: [
        "core.view_location",
        "core.add_location",
        "core.change_location",
        "core.view_contract",
        "core.add_contract",
        "core.change_contract",
    ],
    Role.SOCIAL_WORKER: ["core.view_location", "core.view_contract"],
    Role.FUNDER: ["core.view_location", "core.view_contract"],
    Role.REFERRER: ["core.view_location"],
    Role.PLEDGER: ["core.view_location"],
    Role.VOLUNTEER: ["core.view_location"],
}


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.ADMIN))


def contracts_visible_to(user: Any) -> QuerySet[Contract]:
    """Admins: every contract. Project staff: their organisation's. A funder: the contracts its
    organisation funds (and, where no funding organisation is named, those of its own organisation —
    a single-NGO instance). Everyone else: none."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return Contract.objects.none()
    if user.has_role(Role.ADMIN):
        return Contract.objects.all()
    if user.has_role(*PROJECT_STAFF):
        return Contract.objects.filter(organisation_id=user.organisation_id)
    if user.has_role(Role.FUNDER):
        return Contract.objects.filter(
            Q(funder_organisation_id=user.organisation_id)
            | Q(funder_organisation__isnull=True, organisation_id=user.organisation_id)
        )
    return Contract.objects.none()


class ModelPermsOrReadOnlyFor(BasePermission):
    """Reads for the roles the view names; writes need the model permission (via the role's group)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        model = view.queryset.model
        opts = model._meta
        if request.method in SAFE_METHODS:
            return bool(user.has_perm(f"{opts.app_label}.view_{opts.model_name}"))
        action = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}.get(request.method, "change")
        return bool(user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"))


def one_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """The one record of ``queryset`` (what a policy lets the user see) matching ``lookup``, else 404:
    a malformed id gets the same answer as a record that does not exist or is hidden."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
