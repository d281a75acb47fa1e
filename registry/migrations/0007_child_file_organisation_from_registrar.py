"""Existing files join the register of the organisation of whoever registered them (else of their
director); files with neither stay with the default organisation."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    ChildFile = apps.get_model("registry", "ChildFile")
    User = apps.get_model("accounts", "User")
    ChildFile.objects.filter(created_by__isnull=False).update(
        organisation_id=Subquery(User.objects.filter(pk=OuterRef("created_by_id")).values("organisation_id")[:1])
    )
    ChildFile.objects.filter(created_by__isnull=True, director__isnull=False).update(
        organisation_id=Subquery(User.objects.filter(pk=OuterRef("director_id")).values("organisation_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_organisation_required"),
        ("registry", "0006_child_file_organisation"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
