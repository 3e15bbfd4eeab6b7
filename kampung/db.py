"""Database upkeep the ORM does not do: refreshing the query planner's statistics.

After a bulk load (the demo seeder, a spreadsheet import) the planner still believes
what it last measured: on PostgreSQL, a table that was never analysed is planned as if
it held a few rows (20 members instead of 20,006), so it picks nested loops and
sequential scans that are fine for 20 rows and slow for 20,000, until autovacuum
happens by. `analyze(*models)` measures the named tables at once. Nothing here changes
a row."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model

# A bulk load of at least this many rows analyses what it loaded; a smaller one changes
# the statistics too little to matter, and autovacuum's own analyse catches up with it.
BULK_ROWS = 1000


def _tables(models) -> list[str]:
    names: list[str] = []
    for model in models:
        table = model._meta.db_table
        if table not in names:
            names.append(table)
    return names


def analyze(*models: type[Model]) -> list[str]:
    """Refresh the planner's statistics for these models' tables (pass a many-to-many
    field's `.through` for its link table): `ANALYZE` on PostgreSQL (inside a
    transaction too, counting its own new rows), `ANALYZE` per table and then
    `PRAGMA optimize` on SQLite. Returns the tables analysed."""
    tables = _tables(models)
    if not tables:
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(quote(t) for t in tables))
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {quote(table)}")
            cursor.execute("PRAGMA optimize")
        else:  # pragma: no cover - Kampung runs on PostgreSQL and SQLite only
            return []
    return tables
