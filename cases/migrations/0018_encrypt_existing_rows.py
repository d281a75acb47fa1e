"""Encrypt what was stored before the fields were encrypted (core.encryption); the reverse decrypts."""

from django.db import migrations

from core.encryption import column_rewriter

COLUMNS = (
    ("cases_child", "id_number", "TRUE"),
    ("cases_householdmember", "phone", "TRUE"),
    ("cases_activity", "summary", "sensitive"),
)


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_encrypt_sensitive_fields")]

    operations = [
        migrations.RunPython(column_rewriter(*COLUMNS, mode="encrypt"), column_rewriter(*COLUMNS, mode="decrypt")),
    ]
