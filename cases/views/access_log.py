"""A case's access log, for its managers: who viewed, changed, exported or downloaded the file, and when."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases import selectors
from cases.permissions import get_case_for_user, sees_all_cases
from core.audit import audit_log
from core.http_types import AuthenticatedHttpRequest
from core.models import AuditAction


@login_required
@require_GET
def case_access_log(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)  # 404 for whoever may not see the case
    if not sees_all_cases(request.user):  # the case's managers (its organisation's) and admins
        raise PermissionDenied
    page = Paginator(selectors.case_access_log(case), 50).get_page(request.GET.get("page"))
    audit_log(action=AuditAction.VIEW, obj=case, request=request, detail={"page": "access-log"})
    return render(request, "cases/access_log.html", {"case": case, "page": page})
