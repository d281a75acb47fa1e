"""The audit log partitioned by month (PostgreSQL declarative partitioning on ``created_at``).

Every row is kept exactly as it was — id, time, chain position, previous hash, hash — so the chain
verifies as before (``manage.py audit_verify``): the rows are copied into the partitioned table
before its triggers exist, then the triggers of 0002 and 0006 are put back on it.

- The primary key is (id, created_at): a partitioned table's keys must hold the partition key. The
  ids still come from one sequence; the chain position is unique per (chain_seq, created_at) and,
  across partitions, by the chain trigger's lock (``audit_verify`` reports any gap or repeat).
- Row triggers (append-only, the chain) are defined on the parent, so PostgreSQL puts them on every
  partition, also for a statement that names a partition directly. TRUNCATE triggers are not
  inherited: ``shouhu_audit_partition`` gives each new partition its own.
- Months are Shanghai's. ``shouhu_audit_partition(day)`` creates the month's partition if missing
  (SECURITY DEFINER: the application's role, which owns nothing, may call it). The migration
  creates every month from the oldest row to three months ahead; the beat task
  ``core.tasks.audit_partitions_ahead`` keeps three months ahead; ``core.audit.audit_log`` creates
  the month's partition itself if a row finds none (a beat that did not run never loses an entry).
"""

from django.db import migrations, models

# The indexes and triggers of the log (0001, 0002, 0006, 0008), on whichever table is core_auditentry.
INDEXES = """
CREATE INDEX core_auditentry_created_at_idx ON core_auditentry (created_at);
CREATE INDEX core_auditentry_user_id_idx ON core_auditentry (user_id);
CREATE INDEX audit_object_idx ON core_auditentry (object_type, object_id);
CREATE INDEX audit_detail_gin ON core_auditentry USING gin (detail jsonb_path_ops);
"""
TRIGGERS = """
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION shouhu_audit_append_only();
CREATE TRIGGER core_auditentry_chain
    BEFORE INSERT ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION shouhu_audit_chain();
CREATE TRIGGER core_auditentry_no_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION shouhu_audit_append_only();
"""

PARTITION_FUNCTION = """
CREATE OR REPLACE FUNCTION shouhu_audit_partition(day date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    first date := date_trunc('month', day)::date;
    name text := 'core_auditentry_' || to_char(first, 'YYYY_MM');
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('shouhu_audit_partition'));
    IF to_regclass(name) IS NULL THEN
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF core_auditentry FOR VALUES FROM (%L) TO (%L)',
            name,
            first::timestamp AT TIME ZONE 'Asia/Shanghai',
            (first + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'
        );
        EXECUTE format(
            'CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON %I '
            'FOR EACH STATEMENT EXECUTE FUNCTION shouhu_audit_append_only()',
            name
        );
    END IF;
    RETURN name;
END;
$$;
"""

FORWARD = (
    """
DO $$
DECLARE
    r record;
BEGIN
    ALTER TABLE core_auditentry RENAME TO core_auditentry_unpartitioned;
    FOR r IN SELECT indexname FROM pg_indexes WHERE tablename = 'core_auditentry_unpartitioned' LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I', r.indexname, left('old_' || r.indexname, 63));
    END LOOP;
END;
$$;
CREATE TABLE core_auditentry (LIKE core_auditentry_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (created_at);
CREATE SEQUENCE core_auditentry_id_partitioned_seq OWNED BY core_auditentry.id;
ALTER TABLE core_auditentry ALTER COLUMN id DROP IDENTITY IF EXISTS;
ALTER TABLE core_auditentry ALTER COLUMN id SET DEFAULT nextval('core_auditentry_id_partitioned_seq');
ALTER TABLE core_auditentry ADD PRIMARY KEY (id, created_at);
"""
    + PARTITION_FUNCTION
    + """
SELECT shouhu_audit_partition(month::date) FROM generate_series(
    date_trunc('month', coalesce(
        (SELECT min(created_at) FROM core_auditentry_unpartitioned), now()) AT TIME ZONE 'Asia/Shanghai'),
    date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') + interval '3 months',
    interval '1 month'
) AS month;
-- Copied with no trigger on the new table yet: every stored hash and chain position stays as it was.
INSERT INTO core_auditentry SELECT * FROM core_auditentry_unpartitioned ORDER BY id;
DO $$
BEGIN
    IF (SELECT count(*) FROM core_auditentry) <> (SELECT count(*) FROM core_auditentry_unpartitioned) THEN
        RAISE EXCEPTION 'audit log partitioning: rows were lost in the copy';
    END IF;
END;
$$;
SELECT setval('core_auditentry_id_partitioned_seq', coalesce((SELECT max(id) FROM core_auditentry), 0) + 1, false);
DROP TABLE core_auditentry_unpartitioned;
ALTER SEQUENCE core_auditentry_id_partitioned_seq RENAME TO core_auditentry_id_seq;
"""
    + INDEXES
    + """
CREATE UNIQUE INDEX core_auditentry_chain_seq_uniq ON core_auditentry (chain_seq, created_at);
CREATE INDEX core_auditentry_chain_seq_idx ON core_auditentry (chain_seq);
"""
    + TRIGGERS
)

BACKWARD = (
    """
CREATE TABLE core_auditentry_flat (LIKE core_auditentry INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO core_auditentry_flat SELECT * FROM core_auditentry ORDER BY id;
ALTER SEQUENCE core_auditentry_id_seq OWNED BY core_auditentry_flat.id;
DROP TABLE core_auditentry;
DROP FUNCTION IF EXISTS shouhu_audit_partition(date);
ALTER TABLE core_auditentry_flat RENAME TO core_auditentry;
ALTER TABLE core_auditentry ADD PRIMARY KEY (id);
ALTER TABLE core_auditentry ADD CONSTRAINT core_auditentry_chain_seq_key UNIQUE (chain_seq);
"""
    + INDEXES
    + TRIGGERS
)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_audit_detail_gin")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            # Django keeps ``id`` as the key it looks rows up by (ids are unique: one sequence); the
            # chain position is no longer unique on its own in the database (see above).
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="chain_seq",
                    field=models.BigIntegerField(
                        blank=True, db_index=True, editable=False, null=True, verbose_name="chain position"
                    ),
                ),
            ],
        ),
    ]
