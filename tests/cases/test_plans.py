"""The core list queries do not scan the case table sequentially on a large table: 200,000 cases are
planted with one INSERT … SELECT (copies of one case, with their own numbers, places in the due order,
risk levels, flags and lead workers) and ``ANALYZE``d, so the planner sees the table a city has. Each
statement of the social worker's caseload page and ``cases/`` list, and the manager's caseload rows
and ``cases/`` page rows, is then EXPLAINed as the app sent it (about a minute on the shared machine)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db

PLANTED = 200_000


def _plant(template: Case, lead_worker_id: int) -> None:
    varying = {  # %% : the statement has parameters
        "number": "'P' || g",
        "lead_worker_id": str(lead_worker_id),
        "opened_on": "current_date - (g %% 700)",
        "next_visit_due": "current_date + (g %% 90) - 45",
        "risk_level": "(ARRAY['low', 'medium', 'high', 'immediate'])[1 + g %% 4]",
        "open_flag_count": "(g %% 7 = 0)::int",
    }
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key and not f.generated]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    values = ", ".join(varying.get(f.column, f'c."{f.column}"') for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO cases_case ({columns}) SELECT {values} FROM cases_case c, generate_series(1, %s) g "  # noqa: S608
            "WHERE c.id = %s",
            [PLANTED, template.pk],
        )
        cursor.execute("ANALYZE cases_case")


def _plans(client, url: str) -> list[tuple[str, str]]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if "cases_case" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN {sql}")
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    assert plans, url
    return plans


def test_core_list_queries_do_not_scan_the_case_table(cast, client_for, api_for):
    others = UserFactory(role="social_worker")
    for i in range(30):
        make_case(lead_worker=cast.worker, risk_level=["low", "high"][i % 2])
    _plant(cast.case, others.pk)
    assert Case.objects.count() > PLANTED
    checked = [
        *_plans(client_for(cast.worker), "/cases/"),
        *_plans(api_for(cast.worker), "/api/v1/cases/"),
    ]
    # The manager's ``cases/`` list: its page of rows. Its exact ``count`` (the API's contract) is of every
    # case of the organisation, which reads them all whatever the plan: not a list query's cost.
    checked += [(sql, plan) for sql, plan in _plans(api_for(cast.manager), "/api/v1/cases/") if "COUNT(" not in sql]
    # The manager's caseload (every open case of the organisation): its page of rows, walked by the
    # urgency index per due group; its figures statement counts them by index too.
    checked += [(sql, plan) for sql, plan in _plans(client_for(cast.manager), "/cases/") if "UNION ALL" in sql]
    for sql, plan in checked:
        assert "Seq Scan on cases_case" not in plan, f"{sql}\n{plan}"
