"""Tamper evidence for the audit log, in PostgreSQL itself.

- TRUNCATE raises (a statement trigger), as UPDATE and DELETE already do (0002).
- Each row is chained to the one before: a BEFORE INSERT trigger takes a transaction-level
  advisory lock (one writer extends the chain at a time, so two concurrent inserts never claim the
  same predecessor), reads the last row, and stores its position, the previous row's hash and
  sha256(previous hash + the row's canonical fields). Whatever the application sends for these
  columns is overwritten. ``manage.py audit_verify`` recomputes the chain.
- Rows written before this migration are chained once, in id order.

Triggers stop an application that connects as the table's owner only so far (the owner can drop
them): run the application as ``shouhu_app`` (``manage.py db_grant_app_role``, docs/operations.md),
which may only INSERT and SELECT here.
"""

from django.db import migrations

ROW_HASH = """
CREATE OR REPLACE FUNCTION shouhu_audit_row_hash(
    prev text, seq bigint, id bigint, created_at timestamptz, user_id bigint, username text,
    action text, object_type text, object_id text, ip inet, detail jsonb
) RETURNS text AS $$
    SELECT encode(sha256(convert_to(concat_ws(E'\\x1f',
        coalesce(prev, ''), seq::text, id::text,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(user_id::text, ''), coalesce(username, ''), coalesce(action, ''),
        coalesce(object_type, ''), coalesce(object_id, ''), coalesce(host(ip), ''),
        coalesce(detail::text, '')
    ), 'UTF8')), 'hex')
$$ LANGUAGE sql STABLE;
"""

CHAIN = """
CREATE OR REPLACE FUNCTION shouhu_audit_chain() RETURNS trigger AS $$
DECLARE
    last_seq bigint;
    last_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('shouhu_audit_chain'));
    SELECT chain_seq, row_hash INTO last_seq, last_hash
        FROM core_auditentry WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
    NEW.chain_seq := coalesce(last_seq, 0) + 1;
    NEW.prev_hash := coalesce(last_hash, '');
    NEW.row_hash := shouhu_audit_row_hash(
        NEW.prev_hash, NEW.chain_seq, NEW.id, NEW.created_at, NEW.user_id, NEW.username, NEW.action,
        NEW.object_type, NEW.object_id, NEW.ip_address, NEW.detail
    );
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditentry_chain
    BEFORE INSERT ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION shouhu_audit_chain();

CREATE TRIGGER core_auditentry_no_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION shouhu_audit_append_only();
"""

BACKFILL = """
ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only;
DO $$
DECLARE
    r record;
    prev text := '';
    seq bigint := 0;
BEGIN
    FOR r IN SELECT * FROM core_auditentry WHERE chain_seq IS NULL ORDER BY id LOOP
        seq := seq + 1;
        UPDATE core_auditentry
            SET chain_seq = seq, prev_hash = prev,
                row_hash = shouhu_audit_row_hash(prev, seq, r.id, r.created_at, r.user_id, r.username,
                    r.action, r.object_type, r.object_id, r.ip_address, r.detail)
            WHERE id = r.id
            RETURNING row_hash INTO prev;
    END LOOP;
END;
$$;
ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
DROP TRIGGER IF EXISTS core_auditentry_chain ON core_auditentry;
DROP FUNCTION IF EXISTS shouhu_audit_chain();
DROP FUNCTION IF EXISTS shouhu_audit_row_hash(text, bigint, bigint, timestamptz, bigint, text, text, text, text, inet, jsonb);
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_chain_fields")]

    operations = [
        migrations.RunSQL(ROW_HASH + BACKFILL + CHAIN, BACKWARD),
    ]
