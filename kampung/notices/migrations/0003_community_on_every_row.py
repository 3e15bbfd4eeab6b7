"""Every community-owned table keyed by community (messages, message choices):
add `community`, fill it from the parent each row hangs from, then make it required.
New rows get it from KeyedByCommunity.save() (bulk inserts: from the code making them)."""

import django.db.models.deletion
from django.db import migrations, models


def _fill(table, parent_table, parent_fk):
    def fill(apps, schema_editor):
        # A correlated subquery: the same statement on SQLite and PostgreSQL.
        schema_editor.execute(
            f"UPDATE {table} SET community_id = (SELECT p.community_id FROM {parent_table} p "
            f"WHERE p.id = {table}.{parent_fk})"
        )
        if schema_editor.connection.vendor == "postgresql":
            # Check the new foreign keys now: PostgreSQL will not ALTER a table that has
            # deferred checks pending ("pending trigger events").
            schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")

    return migrations.RunPython(fill, migrations.RunPython.noop)


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
    dependencies = [('notices', '0002_outbox_text_limits'), ('communities', '0003_text_and_list_size_limits')]

    operations = [
        migrations.AddField("notification", "community", _field(null=True, db_index=False)),
        migrations.AddField("preference", "community", _field(null=True, db_index=False)),
        _fill("matching_notification", "people_member", "member_id"),
        _fill("notices_preference", "people_member", "member_id"),
        migrations.AlterField("notification", "community", _field(null=False, db_index=False)),
        migrations.AlterField("preference", "community", _field(null=False, db_index=False)),
    ]
