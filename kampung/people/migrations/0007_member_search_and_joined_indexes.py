"""Indexes the borough-scale measurements asked for (bench/queries.py, docs/scaling.md):

- members by community and date joined, for the dashboard's "new members by month";
- on PostgreSQL, a trigram index for the search by name: the people list filters with
  `display_name__icontains`, which is UPPER(display_name) LIKE '%...%' and could only
  scan every member of the community. It needs the pg_trgm extension (trusted since
  PostgreSQL 13: the database's owner may create it); where it cannot be created, the
  search works as before, without the index."""

import logging

from django.db import DatabaseError, migrations, models, transaction

log = logging.getLogger("kampung.migrations")
TRIGRAM_INDEX = "member_name_trigram"


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:  # no privilege: the search works without the index
        log.warning("pg_trgm is not available (%s): the search by name has no index", exc)
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON people_member "
        "USING gin (UPPER(display_name::text) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0006_supported_by_keyed_by_community")]

    operations = [
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["community", "joined_on"], name="member_joined"),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
