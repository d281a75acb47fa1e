"""Who sees which register file: the one access policy for pages, API, exports, reports and tasks.

A children director sees the files of the villages they serve, a supervisor those of their town,
managers and admins all, a social worker a file only when its linked case is visible to them;
everyone else gets 404 (the same answer as "does not exist").
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import Role
from cases.permissions import cases_visible_to
from core.models import Contract, Location
from core.permissions import one_or_404
from registry.models import ChildFile, RegisterUpdate, ServiceArea

ROLE_PERMISSIONS = {
    Role.MANAGER: [
        "registry.view_childfile",
        "registry.change_childfile",
        "registry.view_categoryrule",
        "registry.add_categoryrule",
        "registry.change_categoryrule",
    ],
}

REPORT_ROLES = (Role.ADMIN, Role.MANAGER, Role.CHILDREN_SUPERVISOR, Role.FUNDER)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def sees_all_files(user: Any) -> bool:
    return _active(user) and user.has_role(Role.ADMIN, Role.MANAGER)


def served_location_ids(user: Any) -> set[int]:
    """The places a director or supervisor serves: ``User.location`` and any further assignment."""
    if not _active(user) or not user.has_role(Role.CHILDREN_DIRECTOR, Role.CHILDREN_SUPERVISOR):
        return set()
    cached = getattr(user, "_served_location_ids", None)
    if cached is not None:
        return set(cached)
    ids = set(ServiceArea.objects.filter(user=user).values_list("location_id", flat=True))
    if user.location_id:
        ids.add(user.location_id)
    user._served_location_ids = ids
    return ids


def director_village_ids(user: Any) -> set[int]:
    if not _active(user) or not user.has_role(Role.CHILDREN_DIRECTOR):
        return set()
    return set(
        Location.objects.filter(pk__in=served_location_ids(user), kind__in=["village", "community"]).values_list(
            "pk", flat=True
        )
    )


def supervisor_town_ids(user: Any) -> set[int]:
    if not _active(user) or not user.has_role(Role.CHILDREN_SUPERVISOR):
        return set()
    return set(Location.objects.filter(pk__in=served_location_ids(user), kind="town").values_list("pk", flat=True))


def files_visible_to(user: Any) -> QuerySet[ChildFile]:
    """The files of the user's organisation's register (admins: every organisation's) that their role
    and area show them."""
    if not _active(user):
        return ChildFile.objects.none()
    base = ChildFile.objects.select_related("location", "location__parent", "director", "case")
    if not user.has_role(Role.ADMIN):
        base = base.filter(organisation_id=user.organisation_id)
    if sees_all_files(user):
        return base
    if user.has_role(Role.CHILDREN_DIRECTOR):
        return base.filter(location_id__in=director_village_ids(user))
    if user.has_role(Role.CHILDREN_SUPERVISOR):
        towns = supervisor_town_ids(user)
        return base.filter(Q(location__parent_id__in=towns) | Q(location_id__in=towns))
    if user.has_role(Role.SOCIAL_WORKER):
        return base.filter(case__in=cases_visible_to(user).values("pk"))
    return ChildFile.objects.none()


def may_change_file(user: Any, file: ChildFile) -> bool:
    if sees_all_files(user):
        return True
    return user.has_role(Role.CHILDREN_DIRECTOR) and file.location_id in director_village_ids(user)


def may_register_in(user: Any, location: Location) -> bool:
    if sees_all_files(user):
        return True
    return user.has_role(Role.CHILDREN_DIRECTOR) and location.pk in director_village_ids(user)


def may_review_updates_of(user: Any, file: ChildFile) -> bool:
    """The supervisor of the file's town (managers and admins stand in)."""
    if sees_all_files(user):
        return True
    return user.has_role(Role.CHILDREN_SUPERVISOR) and file.location.parent_id in supervisor_town_ids(user)


def may_escalate(user: Any, file: ChildFile) -> bool:
    return may_change_file(user, file) or may_review_updates_of(user, file)


def get_file_for_user(user: Any, pk: Any, *, for_change: bool = False) -> ChildFile:
    file = one_or_404(files_visible_to(user), pk=pk)
    if for_change and not may_change_file(user, file):
        raise PermissionDenied
    return file


def updates_visible_to(user: Any) -> QuerySet[RegisterUpdate]:
    return (
        RegisterUpdate.objects.filter(file__in=files_visible_to(user).values("pk"))
        .select_related("file", "file__location", "submitted_by", "reviewed_by")
        .order_by("-date", "-pk")
    )


def get_update_for_user(user: Any, pk: Any, *, for_review: bool = False) -> RegisterUpdate:
    update = one_or_404(updates_visible_to(user), pk=pk)
    if for_review and not may_review_updates_of(user, update.file):
        raise PermissionDenied
    return update


def may_see_register_report(user: Any) -> bool:
    return _active(user) and user.has_role(*REPORT_ROLES)


def register_organisation_ids(user: Any) -> tuple[int, ...] | None:
    """Whose register a report counts (files, directors, supervisors): an admin the instance's (None);
    a funder the organisations delivering the contracts it funds (its own when it funds none: a
    single-NGO instance); everyone else their own organisation's."""
    if user.has_role(Role.ADMIN):
        return None
    if user.has_role(Role.FUNDER) and not user.has_role(Role.MANAGER):
        funded = Contract.objects.filter(funder_organisation_id=user.organisation_id).values_list(
            "organisation_id", flat=True
        )
        return tuple(sorted(set(funded))) or (user.organisation_id,)
    return (user.organisation_id,)


def files_counted_for(user: Any) -> QuerySet[ChildFile]:
    """The files a register report counts for ``user``: a funder's organisations' (counts only, never
    a file), everyone else's visible files."""
    if _active(user) and user.has_role(Role.FUNDER) and not user.has_role(Role.MANAGER, Role.ADMIN):
        return ChildFile.objects.filter(organisation_id__in=register_organisation_ids(user) or ())
    return files_visible_to(user)


def may_manage_rules(user: Any) -> bool:
    return sees_all_files(user)


def may_take_calls(user: Any) -> bool:
    return _active(user) and user.has_role(Role.ADMIN, Role.MANAGER, Role.SOCIAL_WORKER)
