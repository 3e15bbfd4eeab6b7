"""Every community-owned table keyed by community (postings, attendances): add
`community`, fill it from the parent each row hangs from (a posting's account, an
attendance's session), then make it required.

Postings are append-only and their UPDATE trigger (migration 0002) refuses even this
one-time fill, so it is switched off for the fill alone: on PostgreSQL disabled and
enabled again inside this migration's transaction (nothing else can write meanwhile);
on SQLite dropped and created again, as is its DELETE trigger, because making the
column required rebuilds the table there and a rebuilt table has no triggers."""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS timebank_posting_no_update BEFORE UPDATE ON timebank_posting
       BEGIN SELECT RAISE(ABORT, 'the time bank ledger is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS timebank_posting_no_delete BEFORE DELETE ON timebank_posting
       WHEN NOT kampung_audit_purge_allowed()
       BEGIN SELECT RAISE(ABORT, 'the time bank ledger is append-only'); END""",
]
FILL_ATTENDANCES = """UPDATE timebank_sessionattendance SET community_id = (
    SELECT s.community_id FROM timebank_groupsession s
     WHERE s.id = timebank_sessionattendance.session_id)"""
FILL_POSTINGS = """UPDATE timebank_posting SET community_id = (
    SELECT a.community_id FROM timebank_account a WHERE a.id = timebank_posting.account_id)"""


def fill(apps, schema_editor):
    execute = schema_editor.execute
    execute(FILL_ATTENDANCES)
    if schema_editor.connection.vendor == "postgresql":
        execute("ALTER TABLE timebank_posting DISABLE TRIGGER timebank_posting_no_update")
        execute(FILL_POSTINGS)
        # Check the new foreign keys now: PostgreSQL will not ALTER a table that has
        # deferred checks pending ("pending trigger events").
        execute("SET CONSTRAINTS ALL IMMEDIATE")
        execute("ALTER TABLE timebank_posting ENABLE TRIGGER timebank_posting_no_update")
        execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        execute("DROP TRIGGER IF EXISTS timebank_posting_no_update")
        execute(FILL_POSTINGS)


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def _field(*, null, db_index=True):
    return models.ForeignKey(
        db_index=db_index,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="communities.community",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("timebank", "0004_home_page_queue_indexes"),
        ("communities", "0003_text_and_list_size_limits"),
    ]

    operations = [
        # Backwards, last: removing the column rebuilds the SQLite table without triggers.
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers),
        migrations.AddField("sessionattendance", "community", _field(null=True, db_index=False)),
        migrations.AddField("posting", "community", _field(null=True, db_index=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField("sessionattendance", "community", _field(null=False, db_index=False)),
        migrations.AlterField("posting", "community", _field(null=False, db_index=False)),
        migrations.RunPython(sqlite_triggers, migrations.RunPython.noop),
    ]
