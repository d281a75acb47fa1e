import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.roles import ROLE_APPS
from core.demo import DEMO_PASSWORD, DEMO_USERS, seed_base


class Command(BaseCommand):
    help = "Create (or top up) a small, believable demo town. Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            ctx = seed_base()
            for label in ROLE_APPS:
                if label == "core":
                    continue
                if importlib.util.find_spec(f"{label}.demo") is None:
                    continue
                module = importlib.import_module(f"{label}.demo")
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all: %s):" % DEMO_PASSWORD))
        for username, full_name, role, phone, _member in DEMO_USERS:
            extra = f" / phone {phone}" if phone else ""
            self.stdout.write(f"  {role:<14} {username}{extra}  ({full_name})")
