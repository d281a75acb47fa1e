"""Data: everything that existed before organisations belongs to one default organisation."""

from django.db import migrations

DEFAULT_NAME = "本机构"
FILLED = [
    ("accounts", "User"),
    ("core", "Contract"),
    ("cases", "Case"),
    ("cases", "HistoricalCase"),
    ("alliance", "Member"),
    ("referrals", "Referral"),
]


def into_default_organisation(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    default = Organisation.objects.filter(is_default=True).first()
    if default is None:
        default = Organisation.objects.create(name=DEFAULT_NAME, kind="ngo", is_default=True)
    for app_label, model_name in FILLED:
        apps.get_model(app_label, model_name).objects.filter(organisation__isnull=True).update(organisation=default)


def back_to_none(apps, schema_editor):
    for app_label, model_name in FILLED:
        apps.get_model(app_label, model_name).objects.update(organisation=None)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_organisation"),
        ("accounts", "0005_user_organisation"),
        ("core", "0007_contract_organisation"),
        ("cases", "0011_case_organisation"),
        ("alliance", "0005_member_organisation"),
        ("referrals", "0004_referral_organisation"),
    ]

    operations = [migrations.RunPython(into_default_organisation, back_to_none)]
