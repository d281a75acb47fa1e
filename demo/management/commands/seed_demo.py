from django.core.management.base import BaseCommand
from django.db import transaction

from demo import cases, multiagency, organisations, programmes, referrals, registry, resources
from demo.base import DEMO_OTP_SECRET, DEMO_PASSWORD, DEMO_USERS, seed_base

# Each app's part of the demo town, in the order they build on each other.
STEPS = (cases, referrals, resources, registry, programmes, organisations, multiagency)


class Command(BaseCommand):
    help = "Create (or top up) a small, believable demo town. Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            ctx = seed_base()
            for step in STEPS:
                step.seed(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all: %s):" % DEMO_PASSWORD))
        for username, full_name, role, phone, _member in DEMO_USERS:
            extra = f" / phone {phone}" if phone else ""
            self.stdout.write(f"  {role:<14} {username}{extra}  ({full_name})")
        for username, full_name, role, organisation in organisations.ORGANISATION_USERS:
            self.stdout.write(f"  {role:<14} {username}  ({full_name}, {organisation})")
        self.stdout.write(
            "Staff (admin, manager, social workers, children directors and supervisors) then enter a two-factor "
            f"code: add the key {DEMO_OTP_SECRET} to an authenticator app, or run `python manage.py demo_code`."
        )
