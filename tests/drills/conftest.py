"""Failure drills: each starts its own redis-server, Celery worker and (for the database drill) its own
PostgreSQL cluster (initdb / pg_ctl on a spare port in a temp dir), never the machine's services.

Each drill records its outcome and timings with ``record(...)``; they are printed at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.conftest import celery_app_on

RESULTS: list[str] = []
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def record(line: str) -> None:
    RESULTS.append(line)
    print(f"\n[drill] {line}")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if RESULTS:
        terminalreporter.section("failure drills: outcome and timings")
        for line in RESULTS:
            terminalreporter.write_line(line)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class Redis:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server():
    server = Redis()
    server.start()
    yield server
    server.stop()


@dataclass
class Worker:
    queue: str
    env: dict[str, str]
    process: subprocess.Popen | None = None
    log: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def start(self, app: Any, **extra_env: str) -> None:
        env = {**self.env, **extra_env}
        self.log = Path(tempfile.mkstemp(prefix=f"drill-worker-{self.queue}-", suffix=".log")[1])
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                self.queue,
                "-n",
                f"{uuid.uuid4().hex[:8]}@drill",
            ]
            + ["--pool", "solo", "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=open(self.log, "w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the drill worker exited: " + self.log.read_text()[-2000:])
            if "ready." in self.log.read_text():
                return
            time.sleep(0.2)
        raise RuntimeError("the drill worker did not start: " + self.log.read_text()[-2000:])

    def kill9(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def drill_app(redis_server, monkeypatch):
    """The outbox publishes to this drill's redis, on a queue only this drill's worker reads."""
    from core import outbox

    app = celery_app_on(redis_server.url)
    app.conf.task_default_queue = f"drill-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(outbox, "celery_app", lambda: app)
    return app


@pytest.fixture
def worker_factory(drill_app, redis_server, tmp_path):
    from tests.conftest import _test_database_url

    workers: list[Worker] = []
    mail = tmp_path / "mail"
    mail.mkdir()

    def make(database_url: str | None = None) -> Worker:
        env = dict(
            os.environ,
            DATABASE_URL=database_url or _test_database_url(),
            REDIS_URL=redis_server.url,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail),
            PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        )
        worker = Worker(queue=drill_app.conf.task_default_queue, env=env)
        workers.append(worker)
        return worker

    make.mail_dir = mail  # type: ignore[attr-defined]
    make.private_dir = tmp_path / "private"  # type: ignore[attr-defined]
    yield make
    for worker in workers:
        worker.stop()


def mails_to(mail_dir: Path) -> list[str]:
    """The To: address of every mail the filebased backend wrote."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        found += [line[4:].strip() for line in path.read_text().splitlines() if line.startswith("To: ")]
    return found


class PostgresCluster:
    """A throwaway PostgreSQL cluster: initdb in a temp dir, pg_ctl on a spare port (as user postgres under root)."""

    def __init__(self) -> None:
        if PG_BIN is None or not shutil.which("pg_dump"):
            # A developer's machine on embedded PostgreSQL (make run) may lack initdb/pg_ctl: the database
            # drills are skipped there. CI (.ci/run sets SHOUHU_REQUIRE_DRILLS) has Debian's server, and a
            # missing one fails the run instead of skipping the drills silently.
            if os.environ.get("SHOUHU_REQUIRE_DRILLS"):
                pytest.fail("The PostgreSQL drills need initdb, pg_ctl and pg_dump, and none were found")
            pytest.skip("PostgreSQL server binaries are not installed")
        self.dir = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/drill"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres")
        self._run([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])

    def _run(self, cmd: list[str]) -> None:
        subprocess.run(self.as_user + cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start"]
        )

    def stop(self) -> None:
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def psql(self, sql: str, db: str = "drill") -> str:
        out = subprocess.run(
            ["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db, "-c", sql],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    def restore_test_database(self) -> None:
        """A copy of the test database (committed rows) as this cluster's database ``drill``."""
        from tests.conftest import _test_database_url

        self.psql("CREATE DATABASE drill", db="postgres")
        dump = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-d", _test_database_url()],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["pg_restore", "--no-owner", "-d", self.url], input=dump, check=True, capture_output=True)

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def postgres_cluster():
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.destroy()
