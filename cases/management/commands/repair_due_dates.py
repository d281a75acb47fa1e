"""Find cases whose stored last home visit / next visit due drifted from their activities, and fix them.

python manage.py repair_due_dates            # fix and report how many were wrong
python manage.py repair_due_dates --check    # report only; exit status 1 if any drifted
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cases.due import drifted_case_ids, repair_due_dates


class Command(BaseCommand):
    help = "Recompute the stored visit dates of cases that drifted from their activities."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only report; fail if anything drifted")

    def handle(self, *args, **options):
        if options["check"]:
            drifted = drifted_case_ids(limit=1000)
            if drifted:
                raise CommandError(f"{len(drifted)} case(s) with drifted visit dates, e.g. {drifted[:10]}")
            self.stdout.write("No drift.")
            return
        fixed = repair_due_dates()
        self.stdout.write(self.style.SUCCESS(f"Repaired {fixed} case(s)."))
