"""Encrypt what was stored before the fields were encrypted (core.encryption); the reverse decrypts."""

from django.db import migrations

from core.encryption import column_rewriter

COLUMNS = (
    ("registry_childfile", "guardian_situation", "TRUE"),
    ("registry_hotlinecall", "caller_phone", "TRUE"),
    ("registry_hotlinecall", "summary", "TRUE"),
)


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_encrypt_sensitive_fields")]

    operations = [
        migrations.RunPython(column_rewriter(*COLUMNS, mode="encrypt"), column_rewriter(*COLUMNS, mode="decrypt")),
    ]
