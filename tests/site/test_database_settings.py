"""Database connections from the environment: persistent connections by default in
production, psycopg's pool with DB_POOL, PgBouncer's settings, an optional read replica,
and contradictory combinations refused naming the variable."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.db import connection

import kampung.settings
from kampung.env import SettingError
from tests.site.test_settings_and_cli import PROD_KEY

SETTINGS_FILE = Path(kampung.settings.__file__)
PG_URL = "postgresql://kampung@127.0.0.1:5432/kampung"
REPLICA_URL = "postgresql://kampung@10.0.0.2:5432/kampung"
DB_VARIABLES = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "DB_CONN_MAX_AGE",
    "DB_POOL",
    "DB_POOL_MIN",
    "DB_POOL_MAX",
    "DB_POOL_TIMEOUT",
    "DB_DISABLE_SERVER_SIDE_CURSORS",
)


def _settings(monkeypatch, tmp_path, **env) -> dict:
    """kampung/settings.py's values for this environment, read in a fresh namespace (the
    running test settings are untouched)."""
    for name in DB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    base = {
        "DEBUG": "false",
        "SECRET_KEY": PROD_KEY,
        "ALLOWED_HOSTS": "kampung.example.org",
        "KAMPUNG_VAR_DIR": str(tmp_path),
    }
    for name, value in {**base, **env}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no developer's .env counts
    return runpy.run_path(str(SETTINGS_FILE))


def test_production_keeps_connections_open_and_checks_them(monkeypatch, tmp_path):
    db = _settings(monkeypatch, tmp_path, DATABASE_URL=PG_URL)["DATABASES"]["default"]
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in db.get("OPTIONS", {})
    assert db.get("DISABLE_SERVER_SIDE_CURSORS") is False


def test_development_closes_connections_after_each_request(monkeypatch, tmp_path):
    db = _settings(monkeypatch, tmp_path, DEBUG="true")["DATABASES"]["default"]
    assert db["CONN_MAX_AGE"] == 0


def test_behind_pgbouncer_connections_close_and_nothing_is_prepared(monkeypatch, tmp_path):
    db = _settings(
        monkeypatch,
        tmp_path,
        DATABASE_URL=PG_URL,
        DB_CONN_MAX_AGE="0",
        DB_DISABLE_SERVER_SIDE_CURSORS="true",
    )["DATABASES"]["default"]
    assert db["CONN_MAX_AGE"] == 0
    assert db["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_the_pool_replaces_persistent_connections(monkeypatch, tmp_path):
    db = _settings(monkeypatch, tmp_path, DATABASE_URL=PG_URL, DB_POOL="true")["DATABASES"][
        "default"
    ]
    assert db["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10}


def test_the_pool_size_comes_from_the_environment(monkeypatch, tmp_path):
    db = _settings(
        monkeypatch,
        tmp_path,
        DATABASE_URL=PG_URL,
        DB_POOL="true",
        DB_POOL_MIN="2",
        DB_POOL_MAX="6",
        DB_POOL_TIMEOUT="5",
    )["DATABASES"]["default"]
    assert db["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 6, "timeout": 5}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": PG_URL, "DB_POOL": "true", "DB_CONN_MAX_AGE": "60"}, "DB_CONN_MAX_AGE"),
        ({"DB_POOL": "true"}, "DB_POOL"),  # SQLite: no pool
        ({"DATABASE_URL": PG_URL, "DB_POOL_MAX": "8"}, "DB_POOL_MAX"),  # without DB_POOL
        ({"DATABASE_URL": PG_URL, "DB_POOL_MIN": "2"}, "DB_POOL_MIN"),
        (
            {"DATABASE_URL": PG_URL, "DB_POOL": "true", "DB_POOL_MIN": "5", "DB_POOL_MAX": "2"},
            "DB_POOL_MAX",
        ),
        ({"DATABASE_URL": PG_URL, "DB_CONN_MAX_AGE": "-1"}, "DB_CONN_MAX_AGE"),
        ({"DATABASE_REPLICA_URL": REPLICA_URL}, "DATABASE_REPLICA_URL"),  # primary on SQLite
        ({"DATABASE_URL": PG_URL, "DATABASE_REPLICA_URL": "sqlite:///x"}, "DATABASE_REPLICA_URL"),
    ],
)
def test_contradictory_database_settings_are_refused_naming_the_variable(
    monkeypatch, tmp_path, env, named
):
    with pytest.raises(SettingError) as refused:
        _settings(monkeypatch, tmp_path, **env)
    assert refused.value.name == named
    assert named in str(refused.value)


def test_without_a_replica_url_there_is_no_replica(monkeypatch, tmp_path):
    values = _settings(monkeypatch, tmp_path, DATABASE_URL=PG_URL)
    assert set(values["DATABASES"]) == {"default"}
    assert values["KAMPUNG_REPORTS_DATABASE"] == "default"
    assert values["DATABASE_ROUTERS"] == ["kampung.dbrouter.PrimaryReplicaRouter"]


def test_a_replica_url_adds_the_replica_with_the_same_connection_settings(monkeypatch, tmp_path):
    values = _settings(
        monkeypatch, tmp_path, DATABASE_URL=PG_URL, DATABASE_REPLICA_URL=REPLICA_URL, DB_POOL="1"
    )
    replica = values["DATABASES"]["replica"]
    assert replica["HOST"] == "10.0.0.2"
    assert replica["OPTIONS"]["pool"] == values["DATABASES"]["default"]["OPTIONS"]["pool"]
    assert replica["TEST"] == {"MIRROR": "default"}  # tests use one database
    assert values["KAMPUNG_REPORTS_DATABASE"] == "replica"


@pytest.mark.postgres_only
def test_a_pooled_connection_answers_and_goes_back_to_the_pool(db):
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings_dict = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            **connection.settings_dict["OPTIONS"],
            "pool": {"min_size": 1, "max_size": 2, "timeout": 10},
        },
    }
    pooled = DatabaseWrapper(settings_dict, alias="pool_check")
    try:
        assert pooled.pool is not None
        with pooled.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        pooled.close()  # back to the pool, not closed
        assert pooled.pool.get_stats()["pool_available"] >= 1
    finally:
        pooled.close()
        pooled.close_pool()


def test_serve_closes_connections_and_pools_before_gunicorn_forks(monkeypatch):
    """A connection opened for migrating must not be inherited by every worker."""
    from django.db import connections

    from kampung.management.commands.serve import close_before_fork

    closed = []

    class Pooled:
        def close(self):
            closed.append("connection")

        def close_pool(self):
            closed.append("pool")

    monkeypatch.setattr(connections, "all", lambda initialized_only=False: [Pooled()])
    close_before_fork()
    assert closed == ["connection", "pool"]
