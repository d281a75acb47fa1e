"""A GIN index on the audit log's detail (jsonb_path_ops): a case's access log finds the lists and
exports whose ``ids`` held the case without reading the whole log."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY: the log keeps taking rows while the index builds

    dependencies = [("core", "0007_merge_audit_chain_and_organisations")]

    operations = [
        AddIndexConcurrently(
            model_name="auditentry",
            index=GinIndex(fields=["detail"], name="audit_detail_gin", opclasses=["jsonb_path_ops"]),
        ),
    ]
