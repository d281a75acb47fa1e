"""Encrypt what was stored before the fields were encrypted (core.encryption); the reverse decrypts."""

from django.db import migrations

from core.encryption import column_rewriter

COLUMNS = (
    ("referrals_referral", "caregiver_situation", "TRUE"),
    ("referrals_referral", "concerns", "TRUE"),
)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0007_encrypt_sensitive_fields")]

    operations = [
        migrations.RunPython(column_rewriter(*COLUMNS, mode="encrypt"), column_rewriter(*COLUMNS, mode="decrypt")),
    ]
