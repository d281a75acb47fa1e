"""Validate docker-compose.yml: `docker compose config` when a Compose client is here, and always a
structural check that the services a deployment needs are there and wired to the right URLs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {"db", "redis", "minio", "web", "worker", "beat"}


def main() -> int:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose.get("services", {})
    errors = [f"missing service: {name}" for name in sorted(REQUIRED - set(services))]
    if not str(services.get("db", {}).get("image", "")).startswith("postgres:16"):
        errors.append("db must be PostgreSQL 16")
    for name in ("web", "worker", "beat"):
        env = services.get(name, {}).get("environment", {})
        if "@db:5432/" not in str(env.get("DATABASE_URL", "")):
            errors.append(f"{name}: DATABASE_URL must point at the db service")
        if not str(env.get("REDIS_URL", "")).startswith("redis://redis:6379"):
            errors.append(f"{name}: REDIS_URL must point at the redis service")
        if not env.get("SHOUHU_S3_BUCKET") or not str(env.get("SHOUHU_S3_ENDPOINT_URL", "")).startswith(
            "http://minio:9000"
        ):
            errors.append(
                f"{name}: private files must go to the minio service (SHOUHU_S3_BUCKET, SHOUHU_S3_ENDPOINT_URL)"
            )
    if "gunicorn" not in " ".join(services.get("web", {}).get("command", [])):
        errors.append("web must run gunicorn")
    if "worker" not in services.get("worker", {}).get("command", []) or "beat" not in services.get("beat", {}).get(
        "command", []
    ):
        errors.append("worker and beat must run celery worker and celery beat")
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("fonts-noto-cjk", "libpango-1.0-0"):
        if package not in dockerfile:
            errors.append(f"Dockerfile must install {package} (WeasyPrint, Chinese PDFs)")
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        env_file = ROOT / ".env"
        created = not env_file.exists()
        if created:
            env_file.write_text("SECRET_KEY=x\n")
        try:
            result = subprocess.run(
                ["docker", "compose", "config", "--quiet"], cwd=ROOT, capture_output=True, text=True
            )
        finally:
            if created:
                env_file.unlink()
        if result.returncode != 0:
            errors.append("docker compose config: " + result.stderr.strip())
    else:
        print("compose-check: no Docker Compose client here; structural check only.")
    for error in errors:
        print("compose-check:", error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
