"""Who may see and do what with which case: the one access policy for pages, API, search, exports and tasks.

Admins see every case of the instance; managers every case of their own organisation. Social
workers see exactly the cases of their organisation they hold a guardian object permission on
(granted and revoked only by cases.services). The organisation is part of the scope itself
(``case_scope``), so every list, search, export, count and lookup inherits it: nobody ever reads
another organisation's case, whatever grant rows exist. The visibility filter starts from the
caller's own grant rows, so its cost follows what the user may see, not the size of the table.
"""

from __future__ import annotations

from typing import Any, Literal

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role
from accounts.roles import MANAGERS, PROJECT_STAFF
from cases.choices import CaseStatus
from cases.models import (
    Activity,
    Case,
    CaseGroupObjectPermission,
    CaseTransfer,
    CaseUserObjectPermission,
    ClosureRequest,
)
from core.permissions import one_or_404

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


def permission_id(codename: str) -> Any:  # an int, or a one-row subquery before the permission exists
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


def works_on_cases(user: Any) -> bool:
    """Project staff (admin, manager, social worker): the only roles that ever see a case file."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*PROJECT_STAFF))


def check_works_on_cases(user: Any) -> None:
    """403 for roles that never see case files (referrer, pledger, volunteer, funder)."""
    if not works_on_cases(user):
        raise PermissionDenied


def sees_all_cases(user: Any) -> bool:
    """Managers and admins: every case in their scope (a manager's organisation, an admin's instance)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*MANAGERS))


def sees_every_organisation(user: Any) -> bool:
    """Admins manage the instance: every organisation's cases."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(Role.ADMIN))


def visible_case_ids(user: Any, codename: str = "view_case") -> QuerySet[Any, Any]:
    """A subquery of case ids: the user's own grants UNION their groups' grants."""
    perm = permission_id(codename)
    own = CaseUserObjectPermission.objects.filter(user_id=user.pk, permission_id=perm).values("content_object_id")
    via_groups = CaseGroupObjectPermission.objects.filter(group__in=user.groups.all(), permission_id=perm).values(
        "content_object_id"
    )
    # UNION ALL: IN is a semi-join, duplicates do not matter, and no dedupe step is planned.
    return own.union(via_groups, all=True)


def _grant_filters(user: Any, codename: str = "view_case") -> tuple[QuerySet[Any], QuerySet[Any]]:
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
    return bool(grants > 1000 and grants * grants > 25 * max(rows or 0, 0))


def case_scope(user: Any, *, many_grants: bool = False) -> QuerySet[Case]:
    """The cases the user may see, narrow: no joins, so lists sort and limit ids before widening.

    Every list starts here (``cases_visible_to`` adds the joins for a page's rows). The caller's
    organisation is part of the scope: only an admin crosses organisations.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    if sees_every_organisation(user):
        return Case.objects.all()
    in_organisation = Case.objects.filter(organisation_id=user.organisation_id)
    if sees_all_cases(user):
        return in_organisation
    if not user.has_role(Role.SOCIAL_WORKER):
        return Case.objects.none()
    if many_grants:  # the same rows; a plan that walks the list's index (see holds_many_grants)
        own, via_groups = _grant_filters(user)
        return in_organisation.filter(Q(pk__in=own) | Q(pk__in=via_groups))
    return in_organisation.filter(pk__in=visible_case_ids(user))


CASE_ROW_RELATIONS = ("child", "child__location", "lead_worker", "contract", "organisation")


def cases_visible_to(user: Any) -> QuerySet[Case]:
    return case_scope(user).select_related(*CASE_ROW_RELATIONS)


def manages_case(user: Any, case: Case) -> bool:
    """A manager of the case's own organisation, or an admin: who assigns, closes and approves."""
    return sees_all_cases(user) and (sees_every_organisation(user) or case.organisation_id == user.organisation_id)


def may_change_case(user: Any, case: Case) -> bool:
    if manages_case(user, case):
        return True
    if not user.has_role(Role.SOCIAL_WORKER) or case.status == CaseStatus.CLOSED:
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
    return manages_case(user, case) or (case.lead_worker_id is not None and case.lead_worker_id == user.pk)


CaseAction = Literal["view", "change", "assign", "close", "approve", "share"]
CaseloadAction = Literal["see_all", "export", "approve"]


def may_act_on_case(user: Any, case: Case, action: CaseAction) -> bool:
    """What a user who sees ``case`` may do with it: ``view`` it; ``change`` it (their own or a shared
    open case, or any for managers); ``share`` it with a colleague (its lead worker, while it is open, or a
    manager); ``assign``, ``close`` or ``approve`` its casework (managers)."""
    if action == "view":
        return True
    if action == "change":
        return may_change_case(user, case)
    if action == "share":
        return manages_case(user, case) or (case.lead_worker_id == user.pk and case.status != CaseStatus.CLOSED)
    return manages_case(user, case)


def get_case_for_user(user: Any, pk: Any, action: CaseAction = "view", *, for_change: bool = False) -> Case:
    """The case if the user may see it, else 404 (the same as "does not exist"); 403 if they see it
    but may not do ``action``. (``for_change=True`` is the older spelling of ``action="change"``.)"""
    if for_change:
        action = "change"
    case = one_or_404(cases_visible_to(user), pk=pk)
    check_case_action(user, case, action)
    return case


def check_case_action(user: Any, case: Case, action: CaseAction) -> None:
    """403 unless the user may do ``action`` on a case they already hold (services call this too)."""
    if not may_act_on_case(user, case, action):
        raise PermissionDenied


def check_caseload_action(user: Any, action: CaseloadAction) -> None:
    """403 unless the user may act on every case at once: see all caseloads, export the case list,
    or decide the approvals waiting (managers and admins)."""
    if not sees_all_cases(user):
        raise PermissionDenied


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    """Activities of the cases the user sees; sensitive ones only for the lead worker and managers."""
    activities = Activity.objects.filter(case__in=cases_visible_to(user).values("pk"))
    if not sees_all_cases(user):
        activities = activities.filter(Q(sensitive=False) | Q(case__lead_worker=user))
    return activities


def get_closure_request_for_user(user: Any, pk: Any, action: Literal["view", "approve"] = "view") -> ClosureRequest:
    """A closure request on a case the user sees (else 404); 403 if they may not do ``action``."""
    closure = ClosureRequest.objects.filter(pk=pk, case__in=cases_visible_to(user).values("pk")).first()
    if closure is None:
        raise Http404
    check_case_action(user, closure.case, action)
    return closure


TransferAction = Literal["view", "answer"]


def transfers_visible_to(user: Any) -> QuerySet[CaseTransfer]:
    """Transfers are seen by the managers of the two organisations (admins: all). After acceptance
    the record is all the sender keeps of the case."""
    base = CaseTransfer.objects.select_related("from_organisation", "to_organisation", "proposed_by", "decided_by")
    if not sees_all_cases(user):
        return base.none()
    if sees_every_organisation(user):
        return base
    return base.filter(Q(from_organisation_id=user.organisation_id) | Q(to_organisation_id=user.organisation_id))


def get_transfer_for_user(user: Any, pk: Any, action: TransferAction = "view") -> CaseTransfer:
    """The transfer if the user sees it, else 404; ``answer`` (accept, decline) is for the receiving
    organisation's managers (403 for the sender's)."""
    transfer = one_or_404(transfers_visible_to(user), pk=pk)
    if action == "answer" and not (
        sees_every_organisation(user) or transfer.to_organisation_id == user.organisation_id
    ):
        raise PermissionDenied
    return transfer
