"""Reports are for managers and funders (and admins) only; funders see aggregates and nothing else."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.roles import MANAGERS, REPORT_READERS
from core.figure_scope import EVERYTHING, FigureScope
from core.models import Contract
from core.permissions import contracts_visible_to, one_or_404
from reports.models import Report

ROLE_PERMISSIONS = {
    Role.MANAGER: ["reports.view_report", "reports.add_report"],
    Role.FUNDER: ["reports.view_report"],
}


def may_see_reports(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*REPORT_READERS))


def may_generate(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*MANAGERS))


def figure_scope_for(user: Any) -> FigureScope:
    """Whose figures ``user`` reads: an admin the instance's; a manager their organisation's; a funder
    the contracts its organisation funds, across NGOs (when it funds none — a single-NGO instance
    whose funder account is the NGO's — its own organisation's)."""
    if not may_see_reports(user) or user.has_role(Role.ADMIN):
        return EVERYTHING if may_see_reports(user) else FigureScope(organisation_ids=(), contract_ids=())
    if user.has_role(Role.FUNDER):
        funded = list(
            Contract.objects.filter(funder_organisation_id=user.organisation_id)
            .order_by("pk")
            .values_list("pk", "organisation_id")
        )
        if not funded:  # a single-NGO instance: the funder's account belongs to the NGO's organisation
            return FigureScope(organisation_ids=(user.organisation_id,))
        return FigureScope(
            organisation_ids=tuple(sorted({org for _pk, org in funded})),
            contract_ids=tuple(pk for pk, _org in funded),
        )
    return FigureScope(organisation_ids=(user.organisation_id,))


def reports_visible_to(user: Any) -> QuerySet[Report]:
    """Managers see their organisation's reports, funders those made for contracts they fund (or by
    their organisation), admins all."""
    if not may_see_reports(user):
        return Report.objects.none()
    reports = Report.objects.select_related("contract", "created_by")
    if user.has_role(Role.ADMIN):
        return reports
    if user.has_role(Role.FUNDER):
        return reports.filter(
            Q(contract__in=contracts_visible_to(user)) | Q(created_by__organisation_id=user.organisation_id)
        )
    return reports.filter(created_by__organisation_id=user.organisation_id)


ReportAction = Literal["view", "generate"]


def get_report_for_user(user: Any, pk: Any, action: ReportAction = "view") -> Report:
    """The report if the user may read reports (403 for every other role), else 404 for a wrong id;
    ``generate`` (regenerate it) is for managers."""
    if not may_see_reports(user) or (action == "generate" and not may_generate(user)):
        raise PermissionDenied
    return one_or_404(reports_visible_to(user), pk=pk)
