"""`make mutate`: mutation testing, in two parts, each in a scratch copy of the tree (`.mutate/`, git-ignored).

    python scripts/mutate.py --named               # the five mutants of issue 16: each must be killed
    python scripts/mutate.py reports/figures.py    # mutmut over one module, with only that module's tests
    python scripts/mutate.py                       # --named, then every module of MODULES

Why scoped: mutmut's first pass runs its whole test selection once to learn which test reaches which
function. Over the whole suite that pass alone took more than 35 minutes on the shared 2-core machine; over
one module's own tests (MODULES below) it takes a minute or two. Each run uses its own database
(DATABASE_URL's name + "_mutmut") and Redis db 14, so it never collides with a test run in the checkout.
Prints each module's score and every survivor; `--json FILE` writes them for docs/testing.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mutate"
FAST = ["-m", "not browser and not worker and not slow and not drill"]  # a worker subprocess cannot report to mutmut

# module -> the tests that own it (mutmut runs, per mutant, those of them that reach the mutated function)
MODULES: dict[str, list[str]] = {
    "referrals/permissions.py": [
        "tests/referrals/test_policy.py",
        "tests/referrals/test_referral_visibility.py",
        "tests/referrals/test_referrals.py",
    ],
    "cases/reminders.py": ["tests/notifications/test_inbox_and_reminders.py", "tests/notifications/test_registry.py"],
    "resources/services.py": ["tests/resources", "tests/alliance", "tests/confidentiality/test_identifying_text.py"],
    "reports/figures.py": ["tests/reports", "tests/confidentiality/test_funder_suppression.py"],
    "cases/permissions.py": [
        "tests/cases/test_policy.py",
        "tests/cases/test_access_matrix.py",
        "tests/cases/test_fast_visibility.py",
    ],
}


@dataclass(frozen=True)
class Named:
    """One hand-written mutant: a regex replacement in one file, and the tests that must fail against it."""

    title: str
    path: str
    pattern: str
    replacement: str
    tests: tuple[str, ...]
    markers: tuple[str, ...] = ("-m", "not browser and not drill")


NAMED = [
    Named(
        "1. community_value_ratio hard-coded to 0.0",
        "reports/figures.py",
        r'"community_value_ratio": ratio\}',
        '"community_value_ratio": 0.0}',
        ("tests/reports/test_reports.py", "tests/confidentiality/test_funder_suppression.py"),
    ),
    Named(
        "2. the dashboard's four headline figures removed from the template",
        "reports/templates/reports/dashboard.html",
        r'(?m)(^    <div class="col-6 col-md-3">.*\n)+',
        "",
        ("tests/reports/test_reports.py",),
    ),
    Named(
        "3. resources.services.pledge_update made a no-op",
        "resources/services.py",
        r"(def pledge_update\(.*\n(?:    .*\n)*?)    return model_update\(actor=actor, obj=pledge, fields=fields\)",
        r"\1    return pledge",
        ("tests/alliance", "tests/resources"),
    ),
    Named(
        "4. the visits_due reminder rule raising an error",
        "cases/reminders.py",
        r'(def visits_due\(\*, today: dt.date\) -> int:\n    """.*"""\n)',
        r'\1    raise RuntimeError("mutant")\n',
        ("tests/notifications",),
    ),
    Named(
        "5. send_notification_email sending every mail three times",
        "notifications/delivery.py",
        r"(?m)^(\s+)(send_mail\(.*\))$",
        r"\1for _ in range(3):\n\1    \2",
        ("tests/notifications/test_calm_inbox.py", "tests/referrals/test_immediate_worker.py"),
        ("-m", "not browser and not drill"),
    ),
]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    url = urlsplit(env.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shouhu"))
    if not url.path.endswith("_mutmut"):
        env["DATABASE_URL"] = urlunsplit(url._replace(path=url.path.rstrip("/") + "_mutmut"))
    env["SHOUHU_TEST_REDIS_DB"] = env.get("SHOUHU_MUTATE_REDIS_DB", "14")
    env.pop("SHOUHU_TEST_CLOCK", None)
    return env


def _copy_tree(dest: Path) -> None:
    """The tracked and untracked-but-not-ignored files of the checkout (so a run sees uncommitted work)."""
    if dest.exists():
        shutil.rmtree(dest)
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in files:
        if not raw:
            continue
        rel = raw.decode()
        src = ROOT / rel
        if not src.is_file():
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def run_named(selected: list[Named]) -> list[dict[str, object]]:
    results = []
    for number, mutant in enumerate(selected, 1):
        work = SCRATCH / f"named-{number}"
        _copy_tree(work)
        target = work / mutant.path
        source = target.read_text()
        mutated, count = re.subn(mutant.pattern, mutant.replacement, source, count=1)
        if count == 0:
            raise SystemExit(f"mutant {mutant.title!r}: its pattern no longer matches {mutant.path}; update NAMED")
        target.write_text(mutated)
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", *mutant.markers, *mutant.tests],
            cwd=work,
            env=_env(),
            capture_output=True,
            text=True,
        )
        # 1 = tests failed (killed); 0 = every test passed (survived); anything else is a broken run
        outcome = {0: "survived", 1: "killed"}.get(proc.returncode, f"error (pytest exit {proc.returncode})")
        failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))][:3]
        print(f"{mutant.title}: {outcome} in {time.monotonic() - started:.0f} s", *failed, sep="\n    ", flush=True)
        if outcome.startswith("error"):
            print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
        results.append({"mutant": mutant.title, "outcome": outcome, "failed": failed})
        shutil.rmtree(work)
    return results


def run_module(module: str) -> dict[str, object]:
    slug = module.replace("/", "-").removesuffix(".py")
    work = SCRATCH / f"mutmut-{slug}"
    _copy_tree(work)
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text()
    text = re.sub(r"(?ms)^only_mutate = \[.*?^\]", f"only_mutate = [{json.dumps(module)}]", text)
    text = re.sub(
        r"(?m)^pytest_add_cli_args_test_selection = .*$",
        f"pytest_add_cli_args_test_selection = {json.dumps(MODULES[module])}",
        text,
    )
    text = re.sub(
        r"(?m)^pytest_add_cli_args = .*$",
        "pytest_add_cli_args = " + json.dumps(["--reuse-db", "-p", "no:randomly", "-q", "-x", *FAST]),
        text,
    )
    # each mutant's tests in a fresh process forked from a server that has imported nothing of Django: a second
    # pytest.main in a process that already ran one (the default "fork") finds pytest-django's test database gone
    text = text.replace(
        "[tool.mutmut]\n", '[tool.mutmut]\nprocess_isolation = "forkserver"\nforkserver_warmup = "none"\n'
    )
    pyproject.write_text(text)
    env = _env()
    started = time.monotonic()
    children = os.environ.get("MUTMUT_CHILDREN", "1")
    subprocess.call([sys.executable, "-m", "mutmut", "run", "--max-children", children], cwd=work, env=env)
    listing = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=work, env=env, capture_output=True, text=True
    ).stdout
    status = {}
    for line in listing.splitlines():
        if ":" in line:
            name, _, state = line.strip().rpartition(":")
            status[name.strip()] = state.strip()
    killed = sorted(n for n, s in status.items() if s in ("killed", "timeout", "segfault"))
    survived = sorted(n for n, s in status.items() if s == "survived")
    other = sorted(f"{n}: {s}" for n, s in status.items() if n not in killed and n not in survived)
    scored = len(killed) + len(survived)
    score = f"{len(killed)}/{scored} killed" + (f" ({100 * len(killed) / scored:.0f} %)" if scored else "")
    print(f"\n{module}: mutation score {score} in {time.monotonic() - started:.0f} s", flush=True)
    for name in survived:
        print(f"  survived: {name}")
    return {"module": module, "killed": len(killed), "survived": survived, "other": other, "score": score}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help=f"modules to mutate (default: all of {', '.join(MODULES)})")
    parser.add_argument("--named", action="store_true", help="only the five named mutants of issue 16")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"not configured in MODULES: {', '.join(unknown)}")
    report: dict[str, object] = {}
    if args.named or not args.modules:
        report["named"] = run_named(NAMED)
    if not args.named:
        report["modules"] = [run_module(m) for m in (args.modules or list(MODULES))]
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    named = report.get("named", [])
    return 0 if all(r["outcome"] == "killed" for r in named) else 1  # type: ignore[index]


if __name__ == "__main__":
    sys.exit(main())
