"""Who may see and change which case: the one access policy for pages, API, search, exports and tasks.

Managers and admins hold the model permission ``cases.view_case`` through their role group and
see every case. Everyone else sees exactly the cases they hold a guardian object permission on
(granted and revoked only by cases.services). The visibility filter starts from the caller's
own grant rows, so its cost follows what the user may see, not the size of the table.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role
from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission

ROLE_PERMISSIONS = {
    Role.MANAGER: [
        "cases.view_case",
        "cases.add_case",
        "cases.change_case",
        "cases.close_case",
        "cases.assign_case",
        "cases.view_child",
        "cases.add_child",
        "cases.change_child",
        "cases.view_activity",
        "cases.add_activity",
        "cases.change_activity",
    ],
    Role.SOCIAL_WORKER: ["cases.add_case", "cases.add_child", "cases.add_activity"],
}

CASE_OBJECT_PERMS = ("view_case", "change_case")


_PERMISSION_IDS: dict[str, int] = {}


def permission_id(codename: str) -> int | QuerySet:
    """The permission's id, read once per process (a literal lets the planner use the grant
    tables' statistics). Forgotten after every migrate or flush (``post_migrate``), which is when
    ids change; a subquery if the permission does not exist yet."""
    if codename not in _PERMISSION_IDS:
        permissions = Permission.objects.filter(content_type__app_label="cases", codename=codename)
        found = permissions.values_list("pk", flat=True).first()
        if found is None:
            return permissions.values("pk")[:1]
        _PERMISSION_IDS[codename] = found
    return _PERMISSION_IDS[codename]


def forget_permission_ids(**kwargs: Any) -> None:
    _PERMISSION_IDS.clear()


def sees_all_cases(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(Role.ADMIN, Role.MANAGER))


def visible_case_ids(user: Any, codename: str = "view_case") -> QuerySet:
    """A subquery of case ids: the user's own grants UNION their groups' grants."""
    perm = permission_id(codename)
    own = CaseUserObjectPermission.objects.filter(user_id=user.pk, permission_id=perm).values("content_object_id")
    via_groups = CaseGroupObjectPermission.objects.filter(group__in=user.groups.all(), permission_id=perm).values(
        "content_object_id"
    )
    # UNION ALL: IN is a semi-join, duplicates do not matter, and no dedupe step is planned.
    return own.union(via_groups, all=True)


def _grant_filters(user: Any, codename: str = "view_case") -> tuple[QuerySet, QuerySet]:
    perm = permission_id(codename)
    own = CaseUserObjectPermission.objects.filter(user_id=user.pk, permission_id=perm).values("content_object_id")
    via_groups = CaseGroupObjectPermission.objects.filter(group__in=user.groups.all(), permission_id=perm).values(
        "content_object_id"
    )
    return own, via_groups


def holds_many_grants(user: Any) -> bool:
    """Whether a top-N list should walk the table's order index and test each row against the
    user's grants (many grants: ~table/grants rows to walk for each row of the page) rather than
    look up every granted case and sort them (few grants). The crossover is where
    grants = sqrt(page × table rows); one query, index-only."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM cases_caseuserobjectpermission WHERE user_id = %s AND permission_id = %s),"
            " (SELECT reltuples FROM pg_class WHERE oid = 'cases_case'::regclass)",
            [user.pk, perm if isinstance(perm := permission_id("view_case"), int) else 0],
        )
        grants, rows = cursor.fetchone()
    return grants > 1000 and grants * grants > 25 * max(rows or 0, 0)


def case_scope(user: Any, *, many_grants: bool = False) -> QuerySet[Case]:
    """The cases the user may see, narrow: no joins, so lists sort and limit ids before widening.

    Every list starts here (``cases_visible_to`` adds the joins for a page's rows). A further
    scope (e.g. the caller's organisation) is one more ``.filter`` on the returned queryset.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    if sees_all_cases(user):
        return Case.objects.all()
    if not user.has_role(Role.SOCIAL_WORKER):
        return Case.objects.none()
    if many_grants:  # the same rows; a plan that walks the list's index (see holds_many_grants)
        own, via_groups = _grant_filters(user)
        return Case.objects.filter(Q(pk__in=own) | Q(pk__in=via_groups))
    return Case.objects.filter(pk__in=visible_case_ids(user))


CASE_ROW_RELATIONS = ("child", "child__location", "lead_worker", "contract")


def cases_visible_to(user: Any) -> QuerySet[Case]:
    return case_scope(user).select_related(*CASE_ROW_RELATIONS)


def may_change_case(user: Any, case: Case) -> bool:
    if sees_all_cases(user):
        return True
    if not user.has_role(Role.SOCIAL_WORKER) or case.status == "closed":
        return False
    return (
        CaseUserObjectPermission.objects.filter(
            user_id=user.pk, permission_id=permission_id("change_case"), content_object_id=case.pk
        ).exists()
        or CaseGroupObjectPermission.objects.filter(
            group__in=user.groups.all(), permission_id=permission_id("change_case"), content_object_id=case.pk
        ).exists()
    )


def may_read_sensitive(user: Any, case: Case) -> bool:
    """Sensitive activities (e.g. details of sexual abuse): the lead worker and managers only."""
    return sees_all_cases(user) or (case.lead_worker_id is not None and case.lead_worker_id == user.pk)


def get_case_for_user(user: Any, pk: Any, *, for_change: bool = False) -> Case:
    """The case if the user may see it, else 404 (the same as "does not exist"); 403 if read-only."""
    try:
        case = cases_visible_to(user).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if for_change and not may_change_case(user, case):
        raise PermissionDenied
    return case
