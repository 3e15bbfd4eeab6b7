"""The one way past the audit table's append-only triggers: `allow_purge()`.

It exists for the test runner, whose transactional tests empty every table between
tests (Django's flush). Nothing in a request, action or command path may call it.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

_state = threading.local()


def purge_allowed() -> int:
    return 1 if getattr(_state, "allowed", False) else 0


@receiver(connection_created)
def register_sqlite_function(sender, connection, **kwargs):
    # The SQLite trigger asks this function; without it (e.g. the sqlite3 shell) the
    # trigger fails with "no such function", which still refuses the change.
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "kampung_audit_purge_allowed", 0, purge_allowed, deterministic=False
        )


@contextmanager
def allow_purge():
    _state.allowed = True
    pg = connection.vendor == "postgresql"
    try:
        if pg:
            with connection.cursor() as cursor:
                cursor.execute("SET kampung.audit_purge = 'on'")
        yield
    finally:
        _state.allowed = False
        if pg:
            with connection.cursor() as cursor:
                cursor.execute("RESET kampung.audit_purge")
