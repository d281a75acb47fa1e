"""Latency and query counts of the hot pages and API lists on a seeded database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shouhu_bench python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shouhu_bench python manage.py seed_scale --cases 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shouhu_bench python bench/run.py [--repeat 5]

Prints a Markdown table (median and worst of N runs, queries per request) for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from cases.models import Case  # noqa: E402
from core.models import Contract  # noqa: E402


def timed(label: str, fn, repeat: int) -> tuple[str, float, float, int]:
    durations, queries = [], 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            durations.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return label, statistics.median(durations), max(durations), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    worker = User.objects.filter(role=Role.SOCIAL_WORKER, lead_cases__isnull=False).order_by("pk").first()
    manager = User.objects.filter(role=Role.MANAGER).order_by("-pk").first()
    as_worker, as_manager = Client(), Client()
    as_worker.force_login(worker)
    as_manager.force_login(manager)
    case_id = Case.objects.filter(lead_worker=worker).values_list("pk", flat=True).first()
    contract = Contract.objects.order_by("-pk").first()
    today = timezone.localdate()

    def ok(response):
        assert response.status_code == 200, response.status_code
        return response

    rows = [
        timed("caseload page (social worker)", lambda: ok(as_worker.get("/cases/")), args.repeat),
        timed("case page (social worker)", lambda: ok(as_worker.get(f"/cases/{case_id}/")), args.repeat),
        timed("GET /api/v1/cases/ (social worker, 25 rows)", lambda: ok(as_worker.get("/api/v1/cases/")), args.repeat),
        timed("GET /api/v1/cases/ (manager, 25 rows)", lambda: ok(as_manager.get("/api/v1/cases/")), args.repeat),
        timed(
            "GET /api/v1/cases/?page=200 (manager)", lambda: ok(as_manager.get("/api/v1/cases/?page=200")), args.repeat
        ),
        timed("case search 'wang' (social worker)", lambda: ok(as_worker.get("/cases/search/?q=王")), args.repeat),
        timed("triage queue (social worker)", lambda: ok(as_worker.get("/referrals/queue/")), args.repeat),
        timed("GET /api/v1/referrals/ (manager)", lambda: ok(as_manager.get("/api/v1/referrals/")), args.repeat),
        timed(
            "GET /api/v1/pledge-requests/ (manager)",
            lambda: ok(as_manager.get("/api/v1/pledge-requests/")),
            args.repeat,
        ),
        timed(
            "reports summary, contract year (manager)",
            lambda: ok(
                as_manager.get(f"/api/v1/reports/summary/?start={contract.start}&end={today}&contract={contract.pk}")
            ),
            args.repeat,
        ),
        timed("manager dashboard", lambda: ok(as_manager.get("/reports/dashboard/")), args.repeat),
    ]
    print(
        f"Cases in the database: {Case.objects.count():,}; social worker leads "
        f"{Case.objects.filter(lead_worker=worker).count():,}."
    )
    print()
    print("| request | median ms | worst ms | queries |")
    print("| --- | ---: | ---: | ---: |")
    for label, median, worst, queries in rows:
        print(f"| {label} | {median:.0f} | {worst:.0f} | {queries} |")


if __name__ == "__main__":
    main()
