"""Asset map benchmark: server time for the map's data request with 100,000 assets
spread over a city, on SQLite and (when DATABASE_URL names one) PostgreSQL.

- aggregate: a city-zoom request (zoom 11, the whole city in view) -> counts per cell,
  served from in-memory arrays (kampung.assets.cellcount); aggregate_after_change_ms is
  the one request after an asset change that rebuilds them
- viewport: a street-zoom request (zoom 17, about 650 m x 450 m) -> individual assets

Each figure is the 95th percentile over REPEATS requests through Django's full request
stack (middleware, session auth, permission checks, JSON), in-process, warm.
Goal: every p95 <= 50 ms."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

N_ASSETS = int(os.environ.get("BENCH_ASSETS", "100000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "200"))


def _run_worker(database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "true",
            "KAMPUNG_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "kampung.settings",
        }
        if database_url:
            env["DATABASE_URL"] = database_url
        else:
            env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "kampung.cli", "migrate", "-v0"], env=env, check=True)
        out = subprocess.run(
            [sys.executable, "-m", "bench.assets_worker", str(N_ASSETS), str(REPEATS)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> dict:
    from bench.seed import _fresh_postgres

    sqlite = _run_worker(None)
    result = {
        "n_assets": N_ASSETS,
        "repeats": REPEATS,
        "viewport_p95_ms_sqlite": sqlite["viewport_p95_ms"],
        "aggregate_p95_ms_sqlite": sqlite["aggregate_p95_ms"],
        "viewport_points_sqlite": sqlite["viewport_points"],
        "aggregate_cells_sqlite": sqlite["aggregate_cells"],
        "aggregate_after_change_ms_sqlite": sqlite["aggregate_after_change_ms"],
    }
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        pg = _run_worker(_fresh_postgres(url, "kampung_bench_assets"))
        result["viewport_p95_ms_postgres"] = pg["viewport_p95_ms"]
        result["aggregate_p95_ms_postgres"] = pg["aggregate_p95_ms"]
        result["aggregate_after_change_ms_postgres"] = pg["aggregate_after_change_ms"]
    else:
        result["viewport_p95_ms_postgres"] = None
        result["aggregate_p95_ms_postgres"] = None
        result["postgres_skipped"] = "DATABASE_URL does not name a PostgreSQL database"
    return result
