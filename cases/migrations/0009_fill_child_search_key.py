from django.db import migrations


def fill(apps, schema_editor):
    from core.search_keys import search_key

    Child = apps.get_model("cases", "Child")
    batch = []
    for child in Child.objects.only("pk", "name").iterator(chunk_size=2000):
        child.search_key = search_key(child.name)
        batch.append(child)
        if len(batch) >= 2000:
            Child.objects.bulk_update(batch, ["search_key"])
            batch = []
    Child.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_search_key")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
