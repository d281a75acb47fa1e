"""``python manage.py encrypt_fields``: re-encrypt every encrypted column under the newest key of
``SHOUHU_FIELD_KEYS`` (after a key was added at the head), and encrypt anything still stored plain.
When it has run, the old key can be removed. Idempotent; each column in its own transaction."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core.encryption import encrypted_fields, rewrite_column, row_filter


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key of SHOUHU_FIELD_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            for field in encrypted_fields(model):
                with transaction.atomic():
                    changed = rewrite_column(
                        connection,
                        table=model._meta.db_table,
                        column=field.column,
                        mode="rotate",
                        only_where=row_filter(field),
                    )
                total += changed
                self.stdout.write(f"{model._meta.label}.{field.name}: {changed} rows under the newest key")
        self.stdout.write(f"encrypt_fields: {total} values re-encrypted")
