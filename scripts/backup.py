"""Back up or restore everything Shouhu keeps: the database and the private files, in one archive.

    python scripts/backup.py backup  [--out backups/]                       (make backup)
    python scripts/backup.py restore ARCHIVE --database-url URL --private-dir DIR   (make restore)
    python scripts/backup.py fingerprint [--database-url URL] [--private-dir DIR]

The archive (``shouhu-YYYYmmdd-HHMMSS.tar``) holds ``database.dump`` (``pg_dump --format=custom``),
``private.tar`` (every file under PRIVATE_MEDIA_ROOT: case documents, report files) and
``manifest.json`` (when, from which database, sha256 of both parts, and a fingerprint: the row count
and an md5 of every table's rows, plus the list of files with their sha256). ``restore`` refuses an
archive whose checksums do not match, refuses a database that already has tables and a folder that is
not empty (restore into a fresh one, then switch), and checks the restored fingerprint against the
manifest. Uses DATABASE_URL and PRIVATE_MEDIA_ROOT from the environment like the app.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent


def _pg_env(url: str) -> tuple[dict[str, str], str]:
    """libpq environment for a postgres:// URL (host may be a socket dir in ?host=), and the db name."""
    parts = urlparse(url)
    env = dict(os.environ)
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    env["PGHOST"] = unquote(query.get("host") or parts.hostname or "127.0.0.1")
    if parts.port:
        env["PGPORT"] = str(parts.port)
    env["PGUSER"] = unquote(parts.username or "postgres")
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return env, unquote(parts.path.lstrip("/"))


def _psql(url: str, sql: str, dbname: str | None = None) -> str:
    env, name = _pg_env(url)
    out = subprocess.run(
        ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", dbname or name, "-c", sql],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def private_dir_default() -> Path:
    return Path(os.environ.get("PRIVATE_MEDIA_ROOT") or ROOT / ".local" / "private")


def fingerprint(url: str, private_dir: Path) -> dict[str, object]:
    """Row count and md5 of the rows of every table in public, and sha256 of every private file."""
    tables = _psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").split()
    result: dict[str, object] = {}
    if tables:
        # One round trip: count and md5 of every table's rows (in a stable order).
        sql = " UNION ALL ".join(
            f"SELECT '{t}', count(*), coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '-') FROM \"{t}\" x"  # noqa: S608 - table names from pg_tables
            for t in tables
        )
        for line in _psql(url, sql).splitlines():
            table, count, digest = line.split("|")
            result[table] = {"rows": int(count), "md5": digest}
    files = {}
    if private_dir.is_dir():
        for path in sorted(p for p in private_dir.rglob("*") if p.is_file()):
            files[str(path.relative_to(private_dir))] = _sha256(path)
    return {"tables": result, "files": files}


def backup(out_dir: Path, url: str, private_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    archive = out_dir / f"shouhu-{stamp}.tar"
    env, name = _pg_env(url)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # Fingerprint first, then dump in one snapshot: a busy database may move on in between, so the
        # manifest's fingerprint is checked against the restore only when asked (drills, quiet hours).
        prints = fingerprint(url, private_dir)
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(work / "database.dump"), name],
            env=env,
            check=True,
        )
        with tarfile.open(work / "private.tar", "w") as tar:
            if private_dir.is_dir():
                tar.add(private_dir, arcname="private")
        manifest = {
            "format": "shouhu-backup-1",
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": name,
            "parts": {part: _sha256(work / part) for part in ("database.dump", "private.tar")},
            "fingerprint": prints,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        with tarfile.open(archive, "w") as tar:
            for part in ("manifest.json", "database.dump", "private.tar"):
                tar.add(work / part, arcname=part)
    os.chmod(archive, 0o600)  # it holds children's records
    return archive


def restore(archive: Path, url: str, private_dir: Path, check_fingerprint: bool = True) -> dict[str, object]:
    env, name = _pg_env(url)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        for part, digest in manifest["parts"].items():
            if _sha256(work / part) != digest:
                raise SystemExit(f"{part}: checksum does not match the manifest; the archive is damaged")
        if private_dir.exists() and any(private_dir.iterdir()):
            raise SystemExit(f"{private_dir} is not empty; restore into a fresh folder")
        if not name.replace("_", "").isalnum():
            raise SystemExit(f"database name {name!r}: use letters, digits and _ only")
        exists = _psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'", dbname="postgres")  # noqa: S608
        if not exists:
            subprocess.run(["createdb", name], env=env, check=True)
        elif _psql(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") != "0":
            raise SystemExit(f"database {name} already has tables; restore into a fresh database")
        subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", name, str(work / "database.dump")],
            env=env,
            check=True,
        )
        private_dir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(work / "private.tar") as tar:
            staging = work / "files"
            tar.extractall(staging, filter="data")
        source = staging / "private"
        if source.is_dir():
            for item in source.iterdir():
                shutil.move(str(item), private_dir / item.name)
    restored = fingerprint(url, private_dir)
    if check_fingerprint and restored != manifest["fingerprint"]:
        raise SystemExit("the restored fingerprint differs from the manifest")
    return restored


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup")
    b.add_argument("--out", default=str(ROOT / "backups"))
    r = sub.add_parser("restore")
    r.add_argument("archive")
    r.add_argument("--database-url", required=True, help="a fresh (or not yet existing) database")
    r.add_argument("--private-dir", required=True, help="a fresh (or empty) folder for the private files")
    r.add_argument("--no-fingerprint-check", action="store_true")
    f = sub.add_parser("fingerprint")
    f.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    f.add_argument("--private-dir", default=str(private_dir_default()))
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shouhu")
    if args.command == "backup":
        print(backup(Path(args.out), url, private_dir_default()))
    elif args.command == "restore":
        restore(Path(args.archive), args.database_url, Path(args.private_dir), not args.no_fingerprint_check)
        print(f"restored {args.archive} into {args.database_url} and {args.private_dir}; fingerprint matches")
    else:
        json.dump(fingerprint(args.database_url or url, Path(args.private_dir)), sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
