"""Make the audit table append-only in the database itself, so not even raw SQL from the
app, the admin or a shell can change or remove a row."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    # kampung_audit_purge_allowed() is registered on each connection by kampung.audit.purge;
    # it is true only while the test runner empties the database between tests.
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent
       WHEN NOT kampung_audit_purge_allowed()
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    # TRUNCATE is not a row operation; refuse it too, unless kampung.audit.purge's
    # allow_purge() set kampung.audit_purge (only the test runner's flush does).
    """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT
       WHEN (current_setting('kampung.audit_purge', true) IS DISTINCT FROM 'on')
       EXECUTE FUNCTION audit_append_only()""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_no_update_delete ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
