"""Time the reminder sweep on the seeded database: one full run (every rule looks at everything,
as the first run of a day does) and an immediate re-run (the watermarks let each rule read only
what was written or came due since), with each rule's time and statements.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/shouhu_bench python bench/sweep.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.models import Case  # noqa: E402
from notifications import reminders  # noqa: E402


def timed_sweep(*, full: bool) -> tuple[float, int, dict[str, float]]:
    per_rule: dict[str, float] = {}
    original = reminders.record_watermark

    def record(name: str, **kwargs: object) -> None:  # the end of each rule's transaction
        per_rule[name] = time.perf_counter()
        original(name, **kwargs)  # type: ignore[arg-type]

    reminders.record_watermark = record  # type: ignore[assignment]
    try:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            reminders.sweep(full=full)
            total = time.perf_counter() - started
    finally:
        reminders.record_watermark = original
    previous, spans = started, {}
    for name, at in per_rule.items():
        spans[name], previous = at - previous, at
    return total, len(queries), spans


def main() -> None:
    print(f"Cases: {Case.objects.count():,}")
    for label, full in (("full run", True), ("immediate re-run", False)):
        total, statements, spans = timed_sweep(full=full)
        slowest = ", ".join(f"{name} {s * 1000:.0f} ms" for name, s in sorted(spans.items(), key=lambda i: -i[1])[:3])
        print(f"Reminder sweep, {label}: {total:.2f} s, {statements} statements (slowest: {slowest})")


if __name__ == "__main__":
    main()
