"""Audit rows past their retention period may be deleted, and no others.

The trigger still refuses every UPDATE, and every DELETE unless the deleting transaction said up
to when rows are past their period (`SET LOCAL ppaos.audit_purge_before`, set only by
ppaos/audit/services.py purge_audit_events_before) and the row is older than that and older than
a year whatever the setting says: no bug or shell session removes recent history.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION audit_event_is_append_only() RETURNS trigger AS $$
DECLARE
    purge_before text := current_setting('ppaos.audit_purge_before', true);
BEGIN
    IF TG_OP = 'DELETE' AND purge_before IS NOT NULL AND purge_before <> ''
       AND OLD.created_at < purge_before::timestamptz
       AND OLD.created_at < now() - interval '365 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION audit_event_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
