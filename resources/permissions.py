"""Promise First: staff see every promise and the requests on cases they may see; a pledger sees
their own promises and the (anonymised) requests made of them — never a child's name or case."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import Role
from accounts.roles import PROJECT_STAFF
from resources.models import Pledge, PledgeRequest

ROLE_PERMISSIONS = {
    Role.MANAGER: [
        "resources.view_pledge",
        "resources.add_pledge",
        "resources.change_pledge",
        "resources.view_pledgerequest",
        "resources.add_pledgerequest",
        "resources.change_pledgerequest",
    ],
    Role.SOCIAL_WORKER: [
        "resources.view_pledge",
        "resources.add_pledge",
        "resources.change_pledge",
        "resources.view_pledgerequest",
        "resources.add_pledgerequest",
        "resources.change_pledgerequest",
    ],
    Role.PLEDGER: ["resources.view_pledge", "resources.change_pledge", "resources.view_pledgerequest"],
}


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*PROJECT_STAFF))


def is_pledger(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.has_role(Role.PLEDGER) and user.member_id
    )


def pledges_visible_to(user: Any) -> QuerySet[Pledge]:
    base = Pledge.objects.select_related("member", "member__location")
    if is_staff(user):
        return base
    if is_pledger(user):
        return base.filter(member_id=user.member_id)
    return Pledge.objects.none()


def requests_visible_to(user: Any) -> QuerySet[PledgeRequest]:
    base = PledgeRequest.objects.select_related("pledge", "pledge__member")
    if is_staff(user):
        from cases.permissions import cases_visible_to

        return base.filter(case__in=cases_visible_to(user).values("pk"))
    if is_pledger(user):
        return base.filter(pledge__member_id=user.member_id)
    return PledgeRequest.objects.none()
