"""Run by tests/drills/test_replica.py in a process of its own, with DATABASE_URL on a primary and
DATABASE_REPLICA_URL on its streaming replica (both started by the test): reads the summary figures,
writes cases, pauses the replica's replay, and prints, as JSON, which server ran which statement."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connections, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from core.replica import primary_position, replica_has_replayed, replica_reads  # noqa: E402
from reports import cache as figures_cache  # noqa: E402
from tests.factories import make_case  # noqa: E402

TODAY = timezone.localdate()


def wait_until_replayed() -> bool:
    position = primary_position()
    assert position is not None
    for _ in range(200):
        if replica_has_replayed(position):
            return True
        time.sleep(0.05)
    return False


def summarised() -> dict[str, object]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        summary = figures_cache.summary(TODAY.replace(month=1, day=1), TODAY)
    return {
        "cases": summary["cases"]["total"],
        "primary_sql": [q["sql"] for q in primary.captured_queries],
        "replica_sql": [q["sql"] for q in replica.captured_queries],
    }


def replica_sql(statement: str) -> object:
    with connections["replica"].cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()[0]


def main() -> None:
    out: dict[str, object] = {"in_recovery": replica_sql("SELECT pg_is_in_recovery()")}
    worker = User.objects.get(username="xiaochen")
    out["replayed"] = wait_until_replayed()
    out["caught_up"] = summarised()
    with CaptureQueriesContext(connections["replica"]) as during_write:
        make_case(lead_worker=worker)
    out["write_replica_sql"] = [q["sql"] for q in during_write.captured_queries]
    out["replayed_again"] = wait_until_replayed()
    out["after_write"] = summarised()
    # the replica stops replaying: a write on the primary is not there yet
    replica_sql("SELECT pg_wal_replay_pause()::text")
    make_case(lead_worker=worker)
    out["replica_behind"] = summarised()
    replica_sql("SELECT pg_wal_replay_resume()::text")
    with transaction.atomic():
        with replica_reads() as used:
            out["inside_a_transaction_uses_replica"] = used
    print("PROBE " + json.dumps(out))


if __name__ == "__main__":
    main()
