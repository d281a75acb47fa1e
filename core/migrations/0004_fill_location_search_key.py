from django.db import migrations


def fill(apps, schema_editor):
    from core.search_keys import search_key

    Location = apps.get_model("core", "Location")
    batch = []
    for loc in Location.objects.only("pk", "name").iterator(chunk_size=2000):
        loc.search_key = search_key(loc.name)
        batch.append(loc)
        if len(batch) >= 2000:
            Location.objects.bulk_update(batch, ["search_key"])
            batch = []
    Location.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_search_key")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
