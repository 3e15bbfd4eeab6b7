"""The many-to-many link tables (the tags of offers and requests) become models of their own, so each link row
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
    dependencies = [('matching', '0009_community_on_every_row'), ('assets', '0005_asset_tags_keyed_by_community')]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="NeedTag",
                    fields=[
                        ("id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "need",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="matching.need",
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
                        "db_table": "matching_need_tags",
                        "unique_together": {("need", "tag")},
                    },
                ),
                migrations.AlterField(
                    model_name="need",
                    name="tags",
                    field=models.ManyToManyField(blank=True, related_name="needs", through="matching.NeedTag", to="assets.tag"),
                ),
                migrations.CreateModel(
                    name="OfferTag",
                    fields=[
                        ("id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "offer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="matching.offer",
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
                        "db_table": "matching_offer_tags",
                        "unique_together": {("offer", "tag")},
                    },
                ),
                migrations.AlterField(
                    model_name="offer",
                    name="tags",
                    field=models.ManyToManyField(blank=True, related_name="offers", through="matching.OfferTag", to="assets.tag"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField("needtag", "community", _community(null=True)),
        migrations.AddField("offertag", "community", _community(null=True)),
        _fill("matching_need_tags", "matching_need", "need_id"),
        _fill("matching_offer_tags", "matching_offer", "offer_id"),
        migrations.AlterField("needtag", "community", _community(null=False)),
        migrations.AlterField("offertag", "community", _community(null=False)),
    ]
