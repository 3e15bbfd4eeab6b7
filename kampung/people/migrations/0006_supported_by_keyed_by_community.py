"""The many-to-many link tables (the organisations working with a member) become models of their own, so each link row
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
    dependencies = [('people', '0005_community_on_every_row')]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Support",
                    fields=[
                        ("id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "member",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="people.member",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="communities.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "people_member_supported_by",
                        "unique_together": {("member", "organisation")},
                    },
                ),
                migrations.AlterField(
                    model_name="member",
                    name="supported_by",
                    field=models.ManyToManyField(blank=True, related_name="supported_members", through="people.Support", to="communities.organisation", verbose_name="organisations working with this person"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField("support", "community", _community(null=True)),
        _fill("people_member_supported_by", "people_member", "member_id"),
        migrations.AlterField("support", "community", _community(null=False)),
    ]
