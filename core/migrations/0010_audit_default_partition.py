"""A DEFAULT partition under the monthly audit partitions (0009), so that an audit row never fails to insert.

The monthly partitions are made three months ahead by the nightly beat task; a month with none (the beat
stopped for months, or a clock moved past them — the test suite's leap-day run) would otherwise refuse
every audit row with "no partition of relation found", and so every write of the app. Its rows land here
instead, chained and append-only like every other (the row triggers of the parent are cloned onto it;
TRUNCATE triggers are not, so it gets its own).

``shouhu_audit_partition(day)`` does not create a month whose rows already sit in the default partition
(PostgreSQL would refuse it): that month stays in the default partition, which is still correct, and
`audit_verify` reads it with the rest. Moving such rows into a month of their own is an operator's job
(docs/operations.md); the beat task then keeps the next months ahead again.
"""

from django.db import migrations

FORWARD = """
CREATE TABLE IF NOT EXISTS core_auditentry_default PARTITION OF core_auditentry DEFAULT;
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry_default;
CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry_default
    FOR EACH STATEMENT EXECUTE FUNCTION shouhu_audit_append_only();
CREATE OR REPLACE FUNCTION shouhu_audit_partition(day date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    first date := date_trunc('month', day)::date;
    name text := 'core_auditentry_' || to_char(first, 'YYYY_MM');
    low timestamptz := first::timestamp AT TIME ZONE 'Asia/Shanghai';
    high timestamptz := (first + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai';
    stranded boolean := false;
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('shouhu_audit_partition'));
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    IF to_regclass('core_auditentry_default') IS NOT NULL THEN
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM core_auditentry_default WHERE created_at >= $1 AND created_at < $2)'
            INTO stranded USING low, high;
        IF stranded THEN
            RETURN 'core_auditentry_default';
        END IF;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF core_auditentry FOR VALUES FROM (%L) TO (%L)', name, low, high);
    EXECUTE format(
        'CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON %I '
        'FOR EACH STATEMENT EXECUTE FUNCTION shouhu_audit_append_only()',
        name
    );
    RETURN name;
END;
$$;
"""

BACKWARD = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM core_auditentry_default) THEN
        RAISE EXCEPTION 'audit rows sit in core_auditentry_default: give their months partitions first';
    END IF;
END;
$$;
DROP TABLE core_auditentry_default;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0009_audit_partitioned_by_month")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
