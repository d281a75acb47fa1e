"""The benchmark's anchors, served by the same process as the app, on the same data:

- ``floor``: the same page's rows by a plain owner filter (``lead_worker = me``) — what the page
  would cost if there were no object permissions at all;
- ``sql``: the floor's SQL alone over a raw cursor (no ORM, no serializer, no template);
- ``guardian``: stock django-guardian ``get_objects_for_user`` over the same grants, the rest of
  the page unchanged.

Only in bench/settings.py's URLconf: never routed in the app.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from cases.apis import CaseSerializer
from cases.models import Case, CaseFlag
from cases.permissions import CASE_ROW_RELATIONS
from cases.selectors import CASELOAD_ORDER, with_due_dates
from config.api import StandardPagination

CASES_SQL = """
SELECT c.id, c.number, c.status, c.risk_level, c.opened_on, c.closed_on, ch.name, l.name, u.username, k.name
FROM cases_case c
JOIN cases_child ch ON ch.id = c.child_id
LEFT JOIN core_location l ON l.id = ch.location_id
LEFT JOIN accounts_user u ON u.id = c.lead_worker_id
LEFT JOIN core_contract k ON k.id = c.contract_id
WHERE c.lead_worker_id = %s
ORDER BY c.opened_on DESC, c.id DESC
LIMIT %s
"""

CASELOAD_SQL = """
SELECT c.id, c.number, c.status, c.risk_level, c.next_visit_due, ch.name, l.name
FROM cases_case c
JOIN cases_child ch ON ch.id = c.child_id
LEFT JOIN core_location l ON l.id = ch.location_id
WHERE c.lead_worker_id = %s AND c.status <> 'closed'
ORDER BY c.next_visit_due < %s DESC, c.open_flag_count DESC,
         CASE c.risk_level WHEN 'immediate' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
         c.next_visit_due, c.id
LIMIT %s
"""


def _raw(sql: str, params: list[Any], count_sql: str, count_params: list[Any]) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(count_sql, count_params)
        count = cursor.fetchone()[0]
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {"count": count, "results": [[str(v) if v is not None else None for v in row] for row in rows]}


@api_view(["GET"])
def cases_list(request: Request, which: str) -> Response | JsonResponse:
    user = request.user
    if which == "sql":
        return JsonResponse(
            _raw(CASES_SQL, [user.pk, 25], "SELECT count(*) FROM cases_case WHERE lead_worker_id = %s", [user.pk])
        )
    if which == "floor":
        cases = Case.objects.filter(lead_worker=user)
    elif which == "guardian":
        cases = get_objects_for_user(user, "cases.view_case", klass=Case, accept_global_perms=False)
    else:
        raise Http404
    cases = cases.select_related(*CASE_ROW_RELATIONS).order_by("-opened_on", "-pk")
    paginator = StandardPagination()
    page = paginator.paginate_queryset(cases, request)
    return paginator.get_paginated_response(CaseSerializer(page, many=True).data)


@login_required
def caseload(request: HttpRequest, which: str) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    if which == "sql":
        return JsonResponse(
            _raw(
                CASELOAD_SQL,
                [user.pk, today, 50],
                "SELECT count(*) FROM cases_case WHERE lead_worker_id = %s AND status <> 'closed'",
                [user.pk],
            )
        )
    if which == "floor":
        cases = Case.objects.filter(lead_worker=user)
    elif which == "guardian":
        cases = get_objects_for_user(user, "cases.view_case", klass=Case, accept_global_perms=False)
        cases = cases.filter(Q(lead_worker=user) | Q(team=user)).distinct()
    else:
        raise Http404
    cases = (
        with_due_dates(cases.exclude(status="closed").select_related(*CASE_ROW_RELATIONS))
        .prefetch_related(Prefetch("flags", queryset=CaseFlag.objects.filter(resolved_at__isnull=True)))
        .order_by(*CASELOAD_ORDER)
    )
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    context = {"cases": list(page), "page": page, "worker": None, "today": today}
    return render(request, "cases/caseload.html", context)
