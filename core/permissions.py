"""Access policy for locations, contracts, the audit log and the health page."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import Role

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
