"""The heaviest queries a community developer's pages run, on PostgreSQL at borough
scale: seed BENCH_QUERIES_MEMBERS members (default 100,000; also run at 1,000,000) with
`kampung seed` into a fresh database beside DATABASE_URL's, VACUUM ANALYZE, then
bench/queries_worker.py walks a community developer's pages once, recording every SQL
statement and its time (pg_stat_statements needs shared_preload_libraries, which a
shared server rarely has), and times the five heaviest page queries
BENCH_QUERIES_REPEATS times each: the people list's first page, the dashboard's
figures, the member search by name (a fragment one demo member in 15 has in their name,
"tan", and a whole name), the members-by-month report and the asset map's count by
cell. Each is reported as its median in ms with notes from EXPLAIN ANALYZE of
its slowest statement (scans, indexes used, rows). Goal: every median <= 50 ms except
the dashboard's figures, which are computed once every five minutes and cached.

Results: var/bench/queries.json (the seed's time in seconds too)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

N_MEMBERS = int(os.environ.get("BENCH_QUERIES_MEMBERS", "100000"))
REPEATS = int(os.environ.get("BENCH_QUERIES_REPEATS", "9"))
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/kampung"


def _kampung(args: list[str], env: dict) -> None:
    subprocess.run(
        [sys.executable, "-m", "kampung.cli", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )


def _vacuum_analyze(url: str) -> float:
    """Statistics for the planner, and the visibility map a steady database has (so an
    index-only scan need not visit the table, as it could not straight after the seed)."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 2)


def run() -> dict:
    from bench.seed import _fresh_postgres

    url = os.environ.get("DATABASE_URL", "") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        return {"skipped": "DATABASE_URL does not name a PostgreSQL database"}
    name = f"kampung_bench_queries_{N_MEMBERS}"
    database = _fresh_postgres(url, name)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "true",
            "KAMPUNG_VAR_DIR": tmp,
            "DATABASE_URL": database,
            "DJANGO_SETTINGS_MODULE": "kampung.settings",
        }
        env.pop("DATABASE_REPLICA_URL", None)
        _kampung(["migrate", "-v0"], env)
        started = time.perf_counter()
        _kampung(["seed", "--members", str(N_MEMBERS), "--seed", "1"], env)
        seed_seconds = round(time.perf_counter() - started, 1)
        vacuum_analyze_seconds = _vacuum_analyze(database)
        out = subprocess.run(
            [sys.executable, "-m", "bench.queries_worker", str(REPEATS)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "n_members": N_MEMBERS,
        "database": name,
        "seed_seconds": seed_seconds,
        "vacuum_analyze_seconds": vacuum_analyze_seconds,
        **result,
    }
