"""The many-to-many link tables (a group session's attendees) become models of their own, so each link row
is keyed by community too: the state changes (the tables stay as Django made them),
then `community` is added, filled from the row's parent, and made required."""

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


def _community(*, null):
    return models.ForeignKey(
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="communities.community",
    )


class Migration(migrations.Migration):
    dependencies = [('timebank', '0005_community_on_every_row')]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SessionAttendee",
                    fields=[
                        ("id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "groupsession",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="timebank.groupsession",
                            ),
                        ),
                        (
                            "member",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="people.member",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "timebank_groupsession_attendees",
                        "unique_together": {("groupsession", "member")},
                    },
                ),
                migrations.AlterField(
                    model_name="groupsession",
                    name="attendees",
                    field=models.ManyToManyField(related_name="+", through="timebank.SessionAttendee", to="people.member"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField("sessionattendee", "community", _community(null=True)),
        _fill("timebank_groupsession_attendees", "timebank_groupsession", "groupsession_id"),
        migrations.AlterField("sessionattendee", "community", _community(null=False)),
    ]
