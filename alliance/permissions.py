"""The Alliance directory is for project staff; members with a login see only their own part."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role
from accounts.roles import is_project_staff
from alliance.models import Event, Member, VolunteerLog

# What project staff do with the Alliance: its members, meetings and volunteers' logs.
_STAFF_PERMISSIONS = [
    "alliance.view_member",
    "alliance.add_member",
    "alliance.change_member",
    "alliance.view_event",
    "alliance.add_event",
    "alliance.change_event",
    "alliance.view_volunteerlog",
    "alliance.add_volunteerlog",
]

ROLE_PERMISSIONS = {
    Role.MANAGER: _STAFF_PERMISSIONS,
    Role.SOCIAL_WORKER: _STAFF_PERMISSIONS,
    Role.VOLUNTEER: ["alliance.add_volunteerlog"],
}


def _in_own_organisation(user: Any, queryset: QuerySet[Any], field: str = "organisation_id") -> QuerySet[Any]:
    """Admins see the instance; everyone else their own organisation's Alliance."""
    if user.has_role(Role.ADMIN):
        return queryset
    return queryset.filter(**{field: user.organisation_id})


def members_visible_to(user: Any) -> QuerySet[Member]:
    """Project staff see their own organisation's Alliance (admins: every organisation's)."""
    if is_project_staff(user):
        return _in_own_organisation(user, Member.objects.select_related("location", "responsible_worker"))
    return Member.objects.none()


MemberAction = Literal["view", "certificate", "change"]


def may_act_on_member(user: Any, member: Member, action: MemberAction) -> bool:
    """Project staff see and change every member of their organisation; a member may download their
    own certificate."""
    if is_project_staff(user):
        return bool(user.has_role(Role.ADMIN) or member.organisation_id == user.organisation_id)
    return action == "certificate" and getattr(user, "member_id", None) == member.pk


def get_member_for_user(user: Any, pk: Any, action: MemberAction = "view") -> Member:
    """The member if the user may do ``action`` with them, else 404 (members outside the project's
    staff see no one else, so there is nothing to refuse with 403)."""
    member = Member.objects.select_related("location", "responsible_worker").filter(pk=pk).first()
    if member is None or not may_act_on_member(user, member, action):
        raise Http404
    return member


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Events linked to a case are seen only by those who may see the case."""
    if not is_project_staff(user):
        return Event.objects.none()
    from django.db.models import Q

    from cases.permissions import cases_visible_to

    own_events = Q(case__isnull=True)
    if not user.has_role(Role.ADMIN):
        # Events entered by nobody in particular (imported, seeded) stay with every organisation.
        own_events &= Q(created_by__isnull=True) | Q(created_by__organisation_id=user.organisation_id)
    return Event.objects.filter(own_events | Q(case__in=cases_visible_to(user).values("pk")))


def volunteer_logs_visible_to(user: Any) -> QuerySet[VolunteerLog]:
    if is_project_staff(user):
        from cases.permissions import cases_visible_to

        return VolunteerLog.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related("member")
    if getattr(user, "is_authenticated", False) and user.has_role(Role.VOLUNTEER) and user.member_id:
        return VolunteerLog.objects.filter(member_id=user.member_id).select_related("member")
    return VolunteerLog.objects.none()
