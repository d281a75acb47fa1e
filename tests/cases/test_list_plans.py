"""The core list queries do not scan the case table: EXPLAIN on a seeded (and ANALYZEd) database."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import Role, User
from cases import selectors
from cases.permissions import case_scope, holds_many_grants


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def seeded(db):
    call_command("seed_scale", cases=4000, seed=3, activities=2, stdout=open("/dev/null", "w"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_core_list_queries_use_indexes_not_a_case_table_scan(seeded):
    worker = User.objects.filter(role=Role.SOCIAL_WORKER, username__startswith="sw").order_by("pk").first()
    supervisor = User.objects.get(username__startswith="supervisor")
    manager = User.objects.filter(role=Role.MANAGER).order_by("pk").first()
    queries = {
        "worker api page": case_scope(worker).order_by("-opened_on", "-pk").values("pk")[:25],
        "worker caseload page": selectors.caseload_scope(worker).values("pk")[:50],
        "manager api page": case_scope(manager).order_by("-opened_on", "-pk").values("pk")[:25],
        "supervisor api page": case_scope(supervisor, many_grants=holds_many_grants(supervisor))
        .order_by("-opened_on", "-pk")
        .values("pk")[:25],
        "worker's caseload of a manager": selectors.caseload_scope(manager, worker=worker).values("pk")[:50],
    }
    for label, queryset in queries.items():
        text = plan(queryset)
        assert "Seq Scan on cases_case " not in text and not text.rstrip().endswith("Seq Scan on cases_case"), (
            label,
            text,
        )
