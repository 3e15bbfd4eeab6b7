"""Which database a query goes to: the primary (the "default" alias), or a read replica
for the report pages that ask for one.

Everything reads and writes the primary unless the code around it says otherwise with
`reports()`: a replica lags the primary (usually by well under a second), so a page that
shows what someone has just done, decides a permission, or reads before it writes must
never read there. The reports that say so are aggregates that are fine a moment old
(the dashboard's figures, the time bank's reports, the gap analysis); their permission
checks run on the primary before they start.

Without DATABASE_REPLICA_URL there is no "replica" alias and `reports()` changes
nothing. Writes and migrations always go to the primary, and an object read from the
replica may be related to one read from the primary (they are the same data).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_ALIASES = frozenset({DEFAULT_DB_ALIAS, REPLICA})

_reading_reports: ContextVar[bool] = ContextVar("kampung_reading_reports", default=False)


@contextmanager
def reports() -> Iterator[None]:
    """Reads inside this block may go to the replica (also usable as a decorator).
    Evaluate the querysets inside it: one evaluated after the block reads the primary."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reports_database() -> str:
    """The alias a report read goes to now: the replica when there is one, except inside
    a transaction on the primary (what it has written is not on the replica yet)."""
    alias = getattr(settings, "KAMPUNG_REPORTS_DATABASE", DEFAULT_DB_ALIAS)
    if alias == DEFAULT_DB_ALIAS or alias not in connections.settings:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return alias


class PrimaryReplicaRouter:
    """settings.DATABASE_ROUTERS: reads in `reports()` to the replica, all else to the
    primary."""

    def db_for_read(self, model, **hints) -> str:
        # Explicitly the primary outside reports(): an object read from the replica must
        # not pull its related rows from there later, outside the report.
        return reports_database() if _reading_reports.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if obj1._state.db in _ALIASES and obj2._state.db in _ALIASES:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # The replica copies the primary's tables (streaming replication): never migrate it.
        return db == DEFAULT_DB_ALIAS
