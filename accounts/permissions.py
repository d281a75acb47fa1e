from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from rest_framework.permissions import BasePermission

from accounts.models import Role, User
from accounts.roles import MANAGERS

ROLE_PERMISSIONS = {
    Role.MANAGER: ["accounts.view_user", "accounts.add_user", "accounts.change_user"],
}


def may_manage_users(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*MANAGERS))


def users_visible_to(user: Any) -> QuerySet[User]:
    """A manager manages their own organisation's accounts; an admin every account of the instance."""
    if not may_manage_users(user):
        return User.objects.none()
    users = User.objects.select_related("member", "organisation").order_by("username")
    if not user.has_role(Role.ADMIN):
        users = users.filter(organisation_id=user.organisation_id)
    return users


def get_user_for_manager(actor: Any, pk: Any) -> User:
    if not may_manage_users(actor):
        raise PermissionDenied
    try:
        user: User = users_visible_to(actor).get(pk=pk)
        return user
    except (User.DoesNotExist, ValueError):
        raise Http404 from None


class MayManageUsers(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return may_manage_users(request.user)
