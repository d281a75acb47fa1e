from django.db import migrations


class Migration(migrations.Migration):
    """The generation of the cached summary figures (reports/cache.py): a sequence, never locked."""

    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS reports_figures_generation",
            "DROP SEQUENCE IF EXISTS reports_figures_generation",
        )
    ]
