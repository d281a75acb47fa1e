"""Message catalogues: one per app (<app>/locale) plus the project's (locale/) for templates/ and config/.

    python scripts/i18n.py extract   # makemessages for every catalogue (zh_Hans)
    python scripts/i18n.py check     # fail if any marked string lacks a Chinese translation (or is fuzzy)
    python scripts/i18n.py compile   # compilemessages

Source strings are English; the Chinese lives in the zh_Hans catalogues.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.project_apps import PROJECT_APPS  # noqa: E402 - the project's root is on the path only now

APPS = list(PROJECT_APPS)
LANG = "zh_Hans"
PROJECT_IGNORES = [f"--ignore=./{app}/*" for app in APPS] + [
    "--ignore=./.venv/*",
    "--ignore=./.local/*",
    "--ignore=./tests/*",
    "--ignore=tests/*",  # makemessages compares normalised paths ("tests/…"): "./tests/*" alone let tests in
    "--ignore=./scripts/*",
    "--ignore=./bench/*",
    "--ignore=./staticfiles/*",
    "--ignore=./static/*",
    "--ignore=./docs/*",
]


def manage(*args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=cwd, check=True)


def extract() -> None:
    common = ["makemessages", "-l", LANG, "--no-obsolete", "--no-location", "-e", "html,txt,py"]
    for app in APPS:
        (ROOT / app / "locale").mkdir(exist_ok=True)
        manage(*common, cwd=ROOT / app)
    (ROOT / "locale").mkdir(exist_ok=True)
    manage(*common, *PROJECT_IGNORES, cwd=ROOT)


def catalogues() -> list[Path]:
    return sorted(ROOT.glob(f"*/locale/{LANG}/LC_MESSAGES/django.po")) + sorted(
        ROOT.glob(f"locale/{LANG}/LC_MESSAGES/django.po")
    )


def check() -> int:
    failed = 0
    for po in catalogues():
        out = subprocess.run(
            ["msgfmt", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=True
        ).stderr.strip()
        bad = re.search(r"untranslated|fuzzy", out)
        print(f"{'MISSING' if bad else 'ok':8} {po.relative_to(ROOT)}: {out}")
        failed += bool(bad)
    if failed:
        print(
            "Translate what is missing (msgstr) and remove '#, fuzzy' marks, then run `python scripts/i18n.py compile`."
        )
    return 1 if failed else 0


def compile_all() -> None:
    for app in APPS:
        if (ROOT / app / "locale").exists():
            manage("compilemessages", "-l", LANG, cwd=ROOT / app)
    manage("compilemessages", "-l", LANG, "--ignore=.venv", "--ignore=.local", cwd=ROOT)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        extract()
    elif command == "compile":
        compile_all()
    elif command == "check":
        extract()
        sys.exit(check())
    else:
        sys.exit(__doc__)
