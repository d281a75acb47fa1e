"""The benchmark: serve the app with gunicorn on a seeded database, drive it over HTTP from this
process as many users, and print p50/p95/p99, requests/s and queries/request beside the anchors.

    createdb -h 127.0.0.1 -U postgres shouhu_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shouhu_bench
    python manage.py migrate && python manage.py seed_scale --cases 100000 --seed 1
    python bench/run.py                      # writes docs/performance.md (--out - to only print)

Loopback only (127.0.0.1), bounded loops (--requests per row, --seconds for the throughput run).
The anchors (bench/anchors.py) are served by the same gunicorn, on the same data: the floor (the
page's rows by a plain owner filter, and its SQL alone) and stock guardian over the same grants.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from accounts.two_factor import SESSION_VERIFIED  # noqa: E402
from alliance.models import Member  # noqa: E402
from cases.models import Activity, Case, CaseUserObjectPermission  # noqa: E402
from core.models import Contract, Location  # noqa: E402


@dataclass
class Who:
    user: User
    token: str
    cookie: str
    case_ids: list[int] = field(default_factory=list)


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.UsernameOrPhoneBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["_touched"] = int(time.time())
    store[SESSION_VERIFIED] = True  # past two-factor's second step, as the tests' sessions (accounts.two_factor)
    store.create()
    return store.session_key


def who(user: User) -> Who:
    token = Token.objects.get_or_create(user=user)[0].key
    ids = list(Case.objects.filter(lead_worker=user).order_by("pk").values_list("pk", flat=True)[:20])
    return Who(user, token, session_for(user), ids)


@dataclass
class Result:
    label: str
    times: list[float]
    queries: list[int]
    statuses: set[int]
    wall: float = 0.0
    concurrency: int = 1

    def pct(self, p: float) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    @property
    def rps(self) -> float:
        return len(self.times) / self.wall if self.wall else float("nan")

    @property
    def q(self) -> str:
        if not self.queries:
            return "?"
        lo, hi = min(self.queries), max(self.queries)
        return str(lo) if lo == hi else f"{lo}-{hi}"


class Driver:
    def __init__(self, port: int) -> None:
        self.port = port

    def _one(self, conn: http.client.HTTPConnection, method: str, path: str, headers: dict, body: bytes | None):
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        return elapsed, response.status, int(response.getheader("X-Queries", "-1")), response.getheader("Connection")

    def run(self, label: str, make, n: int, *, concurrency: int = 1, seconds: float | None = None, expect=(200,)):
        """``make(i)`` → (method, path, headers, body). n requests (or for ``seconds``) per thread pool."""
        result = Result(label, [], [], set(), concurrency=concurrency)
        lock = threading.Lock()
        counter = iter(range(10**9))
        deadline = time.monotonic() + seconds if seconds else None

        def worker() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            while True:
                with lock:
                    i = next(counter)
                if deadline is None and i >= n:
                    break
                if deadline is not None and time.monotonic() > deadline:
                    break
                method, path, headers, body = make(i)
                try:
                    elapsed, status, queries, conn_header = self._one(conn, method, path, headers, body)
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                    elapsed, status, queries, conn_header = self._one(conn, method, path, headers, body)
                if conn_header == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                with lock:
                    result.times.append(elapsed)
                    result.queries.append(queries)
                    result.statuses.add(status)
            conn.close()

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result.wall = time.perf_counter() - started
        bad = result.statuses - set(expect)
        if bad:
            print(f"  !! {label}: unexpected status {sorted(bad)}", file=sys.stderr)
        return result


def get(path: str, w: Who, *, api: bool) -> tuple:
    headers = {"Authorization": f"Token {w.token}"} if api else {"Cookie": f"{settings.SESSION_COOKIE_NAME}={w.cookie}"}
    return ("GET", path, headers, None)


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "300"),
    }
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200, help="requests per row (latency runs)")
    parser.add_argument("--seconds", type=float, default=10, help="length of the throughput run")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--users", type=int, default=40, help="different social workers to rotate")
    parser.add_argument("--sweep", action="store_true", help="also time the reminder sweep (writes reminders)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    rng = random.Random(7)  # noqa: S311  (which users to sample, not a secret)

    n_cases = Case.objects.count()
    if not n_cases:
        raise SystemExit("Seed first: python manage.py seed_scale --cases 100000")
    sws = list(
        User.objects.filter(role=Role.SOCIAL_WORKER, is_active=True, username__startswith="sw").order_by("pk")[:2000]
    )
    workers = [who(u) for u in rng.sample(sws, min(args.users, len(sws)))]
    heavy_user = User.objects.filter(username__startswith="supervisor").order_by("-pk").first()
    heavy = who(heavy_user) if heavy_user else workers[0]
    managers = [who(u) for u in User.objects.filter(role=Role.MANAGER, is_active=True).order_by("-pk")[:4]]
    referrer_members = list(Member.objects.filter(is_referrer=True, is_active=True).order_by("pk")[:8])
    referrers = []
    for k, member in enumerate(referrer_members):
        u, _ = User.objects.get_or_create(
            username=f"benchref{k}", defaults={"role": Role.REFERRER, "member": member, "password": "!"}
        )
        referrers.append(who(u))
    village = Location.objects.filter(kind="village").order_by("pk").first()
    contract = Contract.objects.annotate().order_by("-pk").first()
    today = timezone.localdate()
    own = [Case.objects.filter(lead_worker=w.user).count() for w in workers]
    heavy_grants = (
        CaseUserObjectPermission.objects.filter(user=heavy_user, permission__codename="view_case").count()
        if heavy_user
        else 0
    )
    stats = {
        "cases": n_cases,
        "activities": Activity.objects.count(),
        "workers": len(sws),
        "own_min": min(own),
        "own_max": max(own),
        "heavy_grants": heavy_grants,
    }
    connection.close()

    load_before = os.getloadavg()[0]
    print(f"Starting gunicorn ({args.workers} workers × {args.threads} threads) on 127.0.0.1:{args.port} …")
    server = start_server(args.port, args.workers, args.threads)
    d = Driver(args.port)
    n = args.requests
    W = lambda i: workers[i % len(workers)]  # noqa: E731
    M = lambda i: managers[i % len(managers)]  # noqa: E731
    rows: list[tuple[str, Result]] = []
    try:
        # Warm every worker process and connection.
        d.run("warm", lambda i: get("/api/v1/locations/", W(i), api=True), 40, concurrency=4)

        summary_path = f"/api/v1/reports/summary/?start={contract.start}&end={today}&contract={contract.pk}"
        cold = d.run("cold", lambda i: get(summary_path, M(0), api=True), 2, concurrency=2)
        cold_dash = d.run("cold", lambda i: get("/reports/dashboard/", M(0), api=False), 2, concurrency=2)

        def row(group: str, label: str, make, count: int = n, **kw) -> Result:
            r = d.run(label, make, count, **kw)
            rows.append((group, r))
            print(f"  {label:<58} p50 {r.pct(50):7.1f}  p95 {r.pct(95):7.1f}  p99 {r.pct(99):7.1f} ms  q {r.q}")
            return r

        fixed = row(
            "fixed", "GET /api/v1/locations/ (social worker)", lambda i: get("/api/v1/locations/", W(i), api=True)
        )
        row("fixed", "login page (anonymous)", lambda i: ("GET", "/accounts/login/", {}, None))

        api_sw = row("cases", "GET /api/v1/cases/ — social worker", lambda i: get("/api/v1/cases/", W(i), api=True))
        row("cases", "  floor: owner filter", lambda i: get("/bench/anchor/cases/floor/", W(i), api=True))
        row("cases", "  floor: its SQL alone", lambda i: get("/bench/anchor/cases/sql/", W(i), api=True))
        api_sw_g = row("cases", "  stock guardian", lambda i: get("/bench/anchor/cases/guardian/", W(i), api=True))
        api_h = row(
            "cases",
            f"GET /api/v1/cases/ — supervisor ({heavy_grants:,} grants)",
            lambda i: get("/api/v1/cases/", heavy, api=True),
        )
        api_h_g = row("cases", "  stock guardian", lambda i: get("/bench/anchor/cases/guardian/", heavy, api=True))
        api_m = row("cases", "GET /api/v1/cases/ — manager", lambda i: get("/api/v1/cases/", M(i), api=True))
        row("cases", "GET /api/v1/cases/?page=200 — manager", lambda i: get("/api/v1/cases/?page=200", M(i), api=True))
        for size in (10, 100):
            row(
                "cases",
                f"GET /api/v1/cases/?page_size={size} — social worker",
                lambda i, s=size: get(f"/api/v1/cases/?page_size={s}", W(i), api=True),
            )

        cl_sw = row("caseload", "caseload page — social worker", lambda i: get("/cases/", W(i), api=False))
        cl_floor = row(
            "caseload", "  floor: owner filter", lambda i: get("/bench/anchor/caseload/floor/", W(i), api=False)
        )
        row("caseload", "  floor: its SQL alone", lambda i: get("/bench/anchor/caseload/sql/", W(i), api=False))
        cl_g = row("caseload", "  stock guardian", lambda i: get("/bench/anchor/caseload/guardian/", W(i), api=False))
        cl_h = row("caseload", "caseload page — supervisor", lambda i: get("/cases/", heavy, api=False))
        cl_h_g = row(
            "caseload", "  stock guardian", lambda i: get("/bench/anchor/caseload/guardian/", heavy, api=False)
        )
        row(
            "caseload",
            "caseload page — manager (all open cases)",
            lambda i: get("/cases/", M(i), api=False),
            max(20, n // 5),
        )

        def case_page(i: int) -> tuple:
            w = W(i)
            return get(f"/cases/{w.case_ids[i % len(w.case_ids)]}/", w, api=False)

        row("pages", "case page — social worker", case_page)
        row("pages", "triage queue — manager", lambda i: get("/referrals/queue/", M(i), api=False))

        def referral(i: int) -> tuple:
            r = referrers[i % len(referrers)]
            body = json.dumps(
                {
                    "child_name": f"压测{i}",
                    "child_sex": "female",
                    "child_age": 9,
                    "location": village.pk,
                    "concerns": "孩子晚上独自在家",
                    "urgency": "soon",
                }
            ).encode()
            headers = {"Authorization": f"Token {r.token}", "Content-Type": "application/json"}
            return ("POST", "/api/v1/referrals/", headers, body)

        ref = row("pages", "POST /api/v1/referrals/ — referrer", referral, max(20, n // 2), expect=(201,))
        summ = row(
            "reports",
            "GET /api/v1/reports/summary/ (contract year) — warm",
            lambda i: get(summary_path, M(i), api=True),
            max(20, n // 5),
        )
        dash = row(
            "reports",
            "manager dashboard — warm",
            lambda i: get("/reports/dashboard/", M(i), api=False),
            max(20, n // 5),
        )

        print(f"Throughput: GET /api/v1/cases/ as social workers, 8 connections, {args.seconds:.0f} s …")
        tput = d.run("tput", lambda i: get("/api/v1/cases/", W(i), api=True), 0, concurrency=8, seconds=args.seconds)
        print(f"  {tput.rps:.0f} req/s, p50 {tput.pct(50):.1f} p99 {tput.pct(99):.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=20)

    sweep_times = None
    if args.sweep:
        from notifications.reminders import sweep

        started = time.perf_counter()
        sweep(full=True)  # every rule looks at everything (the day's first run)
        first = time.perf_counter() - started
        started = time.perf_counter()
        sweep()
        sweep_times = (first, time.perf_counter() - started)

    def ratio(a: Result, b: Result) -> float:
        return a.pct(50) / b.pct(50)

    checks = [
        ("cases/ list p95 ≤ 25 ms (social worker)", api_sw.pct(95) <= 25, f"{api_sw.pct(95):.1f} ms"),
        ("caseload page p95 ≤ 25 ms (social worker)", cl_sw.pct(95) <= 25, f"{cl_sw.pct(95):.1f} ms"),
        (
            "cases/ list ≥ 5× faster than stock guardian (supervisor)",
            ratio(api_h_g, api_h) >= 5,
            f"{ratio(api_h_g, api_h):.1f}×",
        ),
        (
            "caseload ≥ 5× faster than stock guardian (supervisor)",
            ratio(cl_h_g, cl_h) >= 5,
            f"{ratio(cl_h_g, cl_h):.1f}×",
        ),
        (
            "cases/ list ≥ 5× faster than stock guardian (social worker)",
            ratio(api_sw_g, api_sw) >= 5,
            f"{ratio(api_sw_g, api_sw):.1f}×",
        ),
        (
            "caseload ≥ 5× faster than stock guardian (social worker)",
            ratio(cl_g, cl_sw) >= 5,
            f"{ratio(cl_g, cl_sw):.1f}×",
        ),
        ("caseload ≤ 3× the floor (social worker)", ratio(cl_sw, cl_floor) <= 3, f"{ratio(cl_sw, cl_floor):.1f}×"),
        (
            "cases/ list ≤ 3× the floor (social worker)",
            ratio(api_sw, rows_by(rows, "  floor: owner filter")) <= 3,
            f"{ratio(api_sw, rows_by(rows, '  floor: owner filter')):.1f}×",
        ),
        ("≥ 150 req/s on cases/ at 8 connections", tput.rps >= 150, f"{tput.rps:.0f} req/s"),
        ("p99 ≤ 150 ms at 8 connections", tput.pct(99) <= 150, f"{tput.pct(99):.0f} ms"),
        ("referral submission p95 ≤ 50 ms", ref.pct(95) <= 50, f"{ref.pct(95):.1f} ms"),
        ("reports/summary warm ≤ 300 ms", summ.pct(50) <= 300, f"{summ.pct(50):.0f} ms"),
        ("reports/summary cold ≤ 1 s", max(cold.times) <= 1000, f"{max(cold.times):.0f} ms"),
        ("dashboard warm ≤ 300 ms", dash.pct(50) <= 300, f"{dash.pct(50):.0f} ms"),
        ("dashboard cold ≤ 1 s", max(cold_dash.times) <= 1000, f"{max(cold_dash.times):.0f} ms"),
        ("fixed cost: small API list p50 ≤ 5 ms", fixed.pct(50) <= 5, f"{fixed.pct(50):.1f} ms"),
        ("cases/ (social worker) ≤ 3× the small list", ratio(api_sw, fixed) <= 3, f"{ratio(api_sw, fixed):.1f}×"),
        ("cases/ (social worker) ≤ 1.5× the manager's", ratio(api_sw, api_m) <= 1.5, f"{ratio(api_sw, api_m):.2f}×"),
        (
            "queries per list page ≤ 6",
            max(api_sw.queries + cl_sw.queries + api_m.queries + cl_h.queries + api_h.queries) <= 6,
            f"max {max(api_sw.queries + cl_sw.queries + api_m.queries + cl_h.queries + api_h.queries)}",
        ),
    ]
    if sweep_times:
        checks.append(("reminder sweep, first run (no target)", True, f"{sweep_times[0]:.1f} s"))
        checks.append(("reminder sweep no-op re-run ≤ 1 s", sweep_times[1] <= 1, f"{sweep_times[1]:.2f} s"))

    stats["load"] = (load_before, os.getloadavg()[0])
    report = render(rows, tput, checks, stats, args, cold, cold_dash)
    print()
    print(report)
    if args.out != "-":
        Path(args.out).write_text(report, encoding="utf-8")
        print(f"Wrote {args.out}")


def rows_by(rows: list[tuple[str, Result]], label: str) -> Result:
    return next(r for _, r in rows if r.label == label)


def render(rows, tput, checks, stats, args, cold, cold_dash) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cores = os.cpu_count()
    out = [
        "# Performance",
        "",
        f"Measured by `python bench/run.py` on {when}: gunicorn ({args.workers} workers × {args.threads} threads,",
        "gthread) serving the app against a `seed_scale` database, driven over HTTP on loopback from",
        f"another process; {cores} cores shared with other work (read the ratios; absolute numbers move",
        "with the machine's load). Anchors are served by the same gunicorn on the same data.",
        f"Load average (1 min) at the start and the end of the run: {stats['load'][0]:.1f} / {stats['load'][1]:.1f};"
        " the anonymous login page (no SQL at all) is the yardstick of what the CPU allowed.",
        "",
        f"Dataset: {stats['cases']:,} cases, {stats['activities']:,} activities; {stats['workers']:,} social workers",
        f"leading {stats['own_min']}–{stats['own_max']} cases each (the benchmark rotates {args.users} of them);",
        f"the supervisor holds {stats['heavy_grants']:,} grants.",
        "",
        "| request | p50 ms | p95 ms | p99 ms | req/s (1 conn) | queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for _group, r in rows:
        label = r.label.replace("  ", "↳ ", 1) if r.label.startswith("  ") else r.label
        out.append(f"| {label} | {r.pct(50):.1f} | {r.pct(95):.1f} | {r.pct(99):.1f} | {r.rps:.0f} | {r.q} |")
    out += [
        "",
        f"Cold (first request of each worker process, empty cache): summary {max(cold.times):.0f} ms,"
        f" dashboard {max(cold_dash.times):.0f} ms.",
        "",
        f"Throughput: `GET /api/v1/cases/` as social workers over 8 connections for {args.seconds:.0f} s:"
        f" **{tput.rps:.0f} req/s**, p50 {tput.pct(50):.1f} ms, p99 {tput.pct(99):.1f} ms"
        f" ({len(tput.times):,} requests).",
        "",
        "## Targets",
        "",
        "| target | result | |",
        "| --- | ---: | --- |",
    ]
    for label, ok, value in checks:
        out.append(f"| {label} | {value} | {'pass' if ok else '**FAIL**'} |")
    out.append("")
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        out += ["", notes.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(out)


if __name__ == "__main__":
    main()
