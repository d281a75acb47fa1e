"""The Alliance directory is for project staff; members with a login see only their own part."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import Role
from accounts.roles import PROJECT_STAFF
from alliance.models import Event, Member, VolunteerLog

ROLE_PERMISSIONS = {
    Role.MANAGER: [
        "alliance.view_member",
        "alliance.add_member",
        "alliance.change_member",
        "alliance.view_event",
        "alliance.add_event",
        "alliance.change_event",
        "alliance.view_volunteerlog",
        "alliance.add_volunteerlog",
    ],
    Role.SOCIAL_WORKER: [
        "alliance.view_member",
        "alliance.add_member",
        "alliance.change_member",
        "alliance.view_event",
        "alliance.add_event",
        "alliance.change_event",
        "alliance.view_volunteerlog",
        "alliance.add_volunteerlog",
    ],
    Role.VOLUNTEER: ["alliance.add_volunteerlog"],
}


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*PROJECT_STAFF))


def members_visible_to(user: Any) -> QuerySet[Member]:
    if is_staff(user):
        return Member.objects.select_related("location", "responsible_worker")
    return Member.objects.none()


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Events linked to a case are seen only by those who may see the case."""
    if not is_staff(user):
        return Event.objects.none()
    from django.db.models import Q

    from cases.permissions import cases_visible_to

    return Event.objects.filter(Q(case__isnull=True) | Q(case__in=cases_visible_to(user).values("pk")))


def volunteer_logs_visible_to(user: Any) -> QuerySet[VolunteerLog]:
    if is_staff(user):
        from cases.permissions import cases_visible_to

        return VolunteerLog.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related("member")
    if getattr(user, "is_authenticated", False) and user.has_role(Role.VOLUNTEER) and user.member_id:
        return VolunteerLog.objects.filter(member_id=user.member_id).select_related("member")
    return VolunteerLog.objects.none()
