"""How long `kampung seed --members 100000` takes on a fresh SQLite database (and on
PostgreSQL when DATABASE_URL names one). Goal: under 120 s on SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

N_MEMBERS = int(os.environ.get("BENCH_SEED_MEMBERS", "100000"))


def _kampung(args, env):
    subprocess.run(
        [sys.executable, "-m", "kampung.cli", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )


def _time_seed(database_url: str | None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DEBUG": "true", "KAMPUNG_VAR_DIR": tmp}
        if database_url:
            env["DATABASE_URL"] = database_url
        else:
            env.pop("DATABASE_URL", None)
        _kampung(["migrate", "-v0"], env)
        started = time.perf_counter()
        _kampung(["seed", "--members", str(N_MEMBERS), "--seed", "1"], env)
        return round(time.perf_counter() - started, 2)


def _fresh_postgres(url: str, name: str = "kampung_bench_seed") -> str:
    """An empty database beside the one DATABASE_URL names (benchmarks never touch it)."""
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


def run() -> dict:
    result = {"n_members": N_MEMBERS, "seed_seconds_sqlite": _time_seed(None)}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        result["seed_seconds_postgres"] = _time_seed(_fresh_postgres(url))
    else:
        result["seed_seconds_postgres"] = None
        result["postgres_skipped"] = "DATABASE_URL does not name a PostgreSQL database"
    return result
