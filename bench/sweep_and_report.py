"""Time one full reminder sweep and one funder report (figures + PDF) on the seeded database.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/shouhu_bench python bench/sweep_and_report.py
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

from django.utils import timezone, translation  # noqa: E402

from cases.models import Case  # noqa: E402
from core.models import Contract  # noqa: E402
from notifications.models import Notification  # noqa: E402
from notifications.reminders import sweep  # noqa: E402
from reports import figures, services  # noqa: E402


def main() -> None:
    print(f"Cases: {Case.objects.count():,}")
    started = time.perf_counter()
    result = sweep()
    first = time.perf_counter() - started
    started = time.perf_counter()
    sweep()
    second = time.perf_counter() - started
    print(
        f"Reminder sweep: first run {first:.1f} s ({result}), repeated run {second:.1f} s; "
        f"notifications now {Notification.objects.count():,}"
    )
    contract = Contract.objects.order_by("-pk").first()
    started = time.perf_counter()
    summary = figures.summary(contract.start, timezone.localdate(), contract)
    computed = time.perf_counter() - started
    with translation.override("zh-hans"):
        pdf = services.render_pdf(services.report_context(summary))
    total = time.perf_counter() - started
    print(
        f"Funder report: figures {computed:.1f} s, figures + PDF ({len(pdf):,} bytes) {total:.1f} s; "
        f"cases in the report {summary['cases']['total']:,}"
    )


if __name__ == "__main__":
    main()
