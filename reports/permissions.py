"""Reports are for managers and funders (and admins) only; funders see aggregates and nothing else."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role
from accounts.roles import MANAGERS, REPORT_READERS
from reports.models import Report

ROLE_PERMISSIONS = {
    Role.MANAGER: ["reports.view_report", "reports.add_report"],
    Role.FUNDER: ["reports.view_report"],
}


def may_see_reports(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*REPORT_READERS))


def may_generate(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*MANAGERS))


def reports_visible_to(user: Any) -> QuerySet[Report]:
    if not may_see_reports(user):
        return Report.objects.none()
    return Report.objects.select_related("contract", "created_by")


ReportAction = Literal["view", "generate"]


def get_report_for_user(user: Any, pk: Any, action: ReportAction = "view") -> Report:
    """The report if the user may read reports (403 for every other role), else 404 for a wrong id;
    ``generate`` (regenerate it) is for managers."""
    if not may_see_reports(user) or (action == "generate" and not may_generate(user)):
        raise PermissionDenied
    try:
        return reports_visible_to(user).get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
