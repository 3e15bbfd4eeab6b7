"""The many-to-many link tables (an asset's tags) become models of their own, so each link row
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
    dependencies = [('assets', '0004_text_and_list_size_limits'), ('communities', '0003_text_and_list_size_limits')]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AssetTag",
                    fields=[
                        ("id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "asset",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="assets.asset",
                            ),
                        ),
                        (
                            "tag",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="assets.tag",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "assets_asset_tags",
                        "unique_together": {("asset", "tag")},
                    },
                ),
                migrations.AlterField(
                    model_name="asset",
                    name="tags",
                    field=models.ManyToManyField(blank=True, related_name="assets", through="assets.AssetTag", to="assets.tag", verbose_name="tags"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField("assettag", "community", _community(null=True)),
        _fill("assets_asset_tags", "assets_asset", "asset_id"),
        migrations.AlterField("assettag", "community", _community(null=False)),
    ]
