"""``python manage.py audit_verify``: recompute the audit log's hash chain; exit 1 at the first broken link."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from core.audit_chain import verify_chain

PROBLEMS = {
    "missing": "rows are missing before it (its position does not follow the previous row's)",
    "link": "its stored previous hash is not the previous row's hash (a row before it was changed or removed)",
    "changed": "its content no longer matches its hash (the row was changed)",
}


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; report the first broken link and exit non-zero if there is one."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.broken_id is not None:
            self.stderr.write(
                f"audit log BROKEN at entry id {report.broken_id} (position {report.broken_seq}): "
                f"{PROBLEMS[report.problem]}."
            )
            sys.exit(1)
        if report.unchained:
            self.stderr.write(f"audit log BROKEN: {report.unchained} entries are outside the chain.")
            sys.exit(1)
        # Keep the head somewhere else (a ticket, the backup log): a chain cut off at its end is only
        # noticed against an earlier head.
        self.stdout.write(
            f"audit log intact: {report.rows} entries; head position {report.head_seq}, hash {report.head_hash}"
        )
