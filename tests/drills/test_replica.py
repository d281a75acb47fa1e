"""Reports and dashboards read from a real streaming replica (issue 17): a primary cluster started
here (initdb on a spare port, never the machine's server), a copy of the test database restored into
it, a standby made with ``pg_basebackup -R`` on another spare port; the app runs in its own process
with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the standby."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.drills.conftest import PG_BIN, free_port, record

pytestmark = [pytest.mark.drill, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROBE = Path(__file__).with_name("replica_probe.py")


@pytest.fixture
def standby(postgres_cluster):
    """A hot standby of ``postgres_cluster``, streaming from it."""
    assert PG_BIN is not None  # postgres_cluster skipped (or failed, in CI) without the binaries
    data, port = postgres_cluster.dir / "standby", free_port()
    postgres_cluster._run(
        [str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(postgres_cluster.port), "-U", "postgres"]
        + ["-D", str(data), "-R", "-X", "stream", "-c", "fast"]
    )
    options = f"-p {port} -k {postgres_cluster.dir} -c listen_addresses=127.0.0.1 -c hot_standby=on"
    postgres_cluster._run(
        [str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(postgres_cluster.dir / "standby.log")]
        + ["-w", "start"]
    )
    yield f"postgres://postgres@127.0.0.1:{port}/drill"
    subprocess.run(
        [*postgres_cluster.as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
        capture_output=True,
    )


@pytest.fixture
def primary_with_data(cast, postgres_cluster):
    postgres_cluster.restore_test_database()
    return postgres_cluster


def test_reports_read_from_a_streaming_replica_and_writes_go_to_the_primary(primary_with_data, standby, tmp_path):
    started = time.monotonic()
    env = dict(
        os.environ,
        DATABASE_URL=primary_with_data.url,
        DATABASE_REPLICA_URL=standby,
        DJANGO_SETTINGS_MODULE="config.settings",
        SHOUHU_OUTBOX_RELAY="off",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    result = subprocess.run(
        [sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("PROBE "))[6:])
    assert probe["in_recovery"] is True and probe["replayed"] and probe["replayed_again"]

    # the figures were computed on the replica; the primary gave only the generation and its WAL position
    caught_up = probe["caught_up"]
    assert any("cases_case" in sql for sql in caught_up["replica_sql"])
    assert not any("cases_case" in sql for sql in caught_up["primary_sql"])
    assert len(caught_up["primary_sql"]) == 2

    # writes went to the primary only; once replayed, the replica's figures count the new case
    assert probe["write_replica_sql"] == []
    assert probe["after_write"]["cases"] == caught_up["cases"] + 1
    assert any("cases_case" in sql for sql in probe["after_write"]["replica_sql"])

    # a replica behind the primary is not read: the figures come from the primary, with the new case
    behind = probe["replica_behind"]
    assert behind["cases"] == caught_up["cases"] + 2
    assert any("cases_case" in sql for sql in behind["primary_sql"])
    assert not any("cases_case" in sql for sql in behind["replica_sql"])

    # inside a transaction on the primary (it may have written) nothing is read from the replica
    assert probe["inside_a_transaction_uses_replica"] is False
    record(f"read replica: figures on the standby, writes on the primary ({time.monotonic() - started:.1f} s)")
