"""`make mutate`: mutation testing with mutmut over services, selectors, permissions, reports/figures.py and
notifications/reminders.py (configured in pyproject.toml, [tool.mutmut]).

    python scripts/mutate.py                    # every configured module (hours on 2 cores)
    python scripts/mutate.py "reports.figures*" # one module's mutants (names as mutmut prints them)

Runs in mutants/ (git-ignored) against its own test database (DATABASE_URL's name + "_mutmut"), so it
never collides with a test run in the same checkout. Prints the score and every survivor at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def main(patterns: list[str]) -> int:
    env = dict(os.environ)
    url = urlsplit(env.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shouhu"))
    env["DATABASE_URL"] = urlunsplit(url._replace(path=url.path.rstrip("/") + "_mutmut"))
    env.setdefault("SHOUHU_TEST_REDIS_DB", "14")
    mutmut = [sys.executable, "-m", "mutmut"]
    code = subprocess.call(
        [*mutmut, "run", "--max-children", os.environ.get("MUTMUT_CHILDREN", "1"), *patterns], env=env, cwd=ROOT
    )
    results = subprocess.run([*mutmut, "results", "--all", "true"], env=env, cwd=ROOT, capture_output=True, text=True)
    lines = [line.strip() for line in results.stdout.splitlines() if ":" in line]
    wanted = [line for line in lines if not patterns or any(_matches(line, p) for p in patterns)]
    status = [line.rsplit(":", 1)[1].strip() for line in wanted]
    killed = sum(s in ("killed", "timeout", "segfault") for s in status)
    survived = [line.rsplit(":", 1)[0] for line in wanted if line.endswith("survived")]
    scored = killed + len(survived)
    print(f"\nmutation score: {killed}/{scored} killed" + (f" ({100 * killed / scored:.0f} %)" if scored else ""))
    for name in survived:
        print(f"  survived: {name}")
    return code


def _matches(line: str, pattern: str) -> bool:
    import fnmatch

    return fnmatch.fnmatch(line.rsplit(":", 1)[0].strip(), pattern)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
