"""Promise First: staff see every promise and the requests on cases they may see; a pledger sees
their own promises and the (anonymised) requests made of them — never a child's name or case."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Role
from accounts.roles import MANAGERS, is_project_staff
from core.permissions import one_or_404
from resources.models import Pledge, PledgeRequest

# What project staff do with Promise First: the promises and the requests made of them.
_STAFF_PERMISSIONS = [
    "resources.view_pledge",
    "resources.add_pledge",
    "resources.change_pledge",
    "resources.view_pledgerequest",
    "resources.add_pledgerequest",
    "resources.change_pledgerequest",
]

ROLE_PERMISSIONS = {
    Role.MANAGER: _STAFF_PERMISSIONS,
    Role.SOCIAL_WORKER: _STAFF_PERMISSIONS,
    Role.PLEDGER: ["resources.view_pledge", "resources.change_pledge", "resources.view_pledgerequest"],
}


def is_pledger(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.has_role(Role.PLEDGER) and user.member_id
    )


def pledges_visible_to(user: Any) -> QuerySet[Pledge]:
    base = Pledge.objects.select_related("member", "member__location")
    if is_project_staff(user):
        return base if user.has_role(Role.ADMIN) else base.filter(member__organisation_id=user.organisation_id)
    if is_pledger(user):
        return base.filter(member_id=user.member_id)
    return Pledge.objects.none()


def may_change_pledges_of(user: Any, member_id: Any) -> bool:
    """A member's promise is the member's word: only their own pledger account and managers
    record or change it (a social worker reads promises to match needs, never rewrites them)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if user.has_role(*MANAGERS):
        return True
    return is_pledger(user) and member_id is not None and member_id == user.member_id


def check_may_change_pledges_of(user: Any, member_id: Any) -> None:
    if not may_change_pledges_of(user, member_id):
        raise PermissionDenied


PledgeRequestAction = Literal["view", "answer", "cancel"]


def may_act_on_pledge_request(user: Any, request: PledgeRequest, action: PledgeRequestAction) -> bool:
    """Who sees a request may view it and answer it (accept, decline, fulfil: the services check that
    the answer comes from the member asked); only project staff cancel a request."""
    return action != "cancel" or is_project_staff(user)


def get_pledge_request_for_user(user: Any, pk: Any, action: PledgeRequestAction = "view") -> PledgeRequest:
    """The request if the user may see it (staff: on their cases; a pledger: made of their promises),
    else 404; 403 if they may not do ``action``."""
    request = one_or_404(requests_visible_to(user), pk=pk)
    if not may_act_on_pledge_request(user, request, action):
        raise PermissionDenied
    return request


def requests_visible_to(user: Any) -> QuerySet[PledgeRequest]:
    base = PledgeRequest.objects.select_related("pledge", "pledge__member")
    if is_project_staff(user):
        from cases.permissions import cases_visible_to

        return base.filter(case__in=cases_visible_to(user).values("pk"))
    if is_pledger(user):
        return base.filter(pledge__member_id=user.member_id)
    return PledgeRequest.objects.none()
