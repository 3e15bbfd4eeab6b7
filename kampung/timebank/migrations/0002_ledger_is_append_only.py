"""Make the ledger append-only in the database itself: postings and transactions can be
inserted, never updated or deleted, whoever asks (the app, the admin, a shell, raw SQL).
On PostgreSQL a deferred constraint trigger also refuses to commit a transaction whose
postings do not add up to zero.

The one switch past the delete triggers is the audit log's purge switch
(kampung.audit.purge.allow_purge), which only the test runner's flush turns on."""

from django.db import migrations

TABLES = ["timebank_posting", "timebank_transaction"]

SQLITE = []
for table in TABLES:
    SQLITE += [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'the time bank ledger is append-only'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            WHEN NOT kampung_audit_purge_allowed()
            BEGIN SELECT RAISE(ABORT, 'the time bank ledger is append-only'); END""",
    ]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION timebank_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
           IF current_setting('kampung.audit_purge', true) = 'on' THEN
             IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
             RETURN NULL;
           END IF;
         END IF;
         RAISE EXCEPTION 'the time bank ledger is append-only';
       END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION timebank_transaction_balances() RETURNS trigger AS $$
       DECLARE total bigint;
       BEGIN
         SELECT COALESCE(SUM(amount), 0) INTO total FROM timebank_posting
          WHERE transaction_id = NEW.transaction_id;
         IF total <> 0 THEN
           RAISE EXCEPTION 'time bank transaction %% does not balance (sum %%)',
             NEW.transaction_id, total;
         END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    """CREATE CONSTRAINT TRIGGER timebank_posting_balances AFTER INSERT ON timebank_posting
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
       EXECUTE FUNCTION timebank_transaction_balances()""",
]
for table in TABLES:
    POSTGRES += [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION timebank_append_only()""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION timebank_append_only()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION timebank_append_only()""",
    ]

SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {t}_{op}" for t in TABLES for op in ("no_update", "no_delete")]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {t}_{op} ON {t}"
    for t in TABLES
    for op in ("no_update", "no_delete", "no_truncate")
] + [
    "DROP TRIGGER IF EXISTS timebank_posting_balances ON timebank_posting",
    "DROP FUNCTION IF EXISTS timebank_append_only()",
    "DROP FUNCTION IF EXISTS timebank_transaction_balances()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("timebank", "0001_initial"), ("audit", "0003_append_only_triggers")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
