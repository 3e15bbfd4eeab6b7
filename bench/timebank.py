"""Time bank benchmark: transfers per second through Kampung's own ledger action
(`transfer_credits`: idempotency key, row locks in id order, balanced postings, limit
checks) on PostgreSQL with 8 and 32 concurrent clients, against pgbench's built-in
TPC-B-like script on the same server in the same run, then `kampung ledger verify`.

Database: a fresh `kampung_bench_timebank` on the server DATABASE_URL names (default
postgresql://postgres@127.0.0.1:5432/). pgbench uses its own scratch database.
Goal: ratio_8 and ratio_32 >= 0.4, violations == 0."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile

N_ACCOUNTS = int(os.environ.get("BENCH_TIMEBANK_ACCOUNTS", "500"))
SECONDS = int(os.environ.get("BENCH_TIMEBANK_SECONDS", "15"))
CLIENTS = (8, 32)
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/kampung_bench_timebank"


def _pgbench() -> str:
    for candidate in (shutil.which("pgbench"), "/usr/lib/postgresql/15/bin/pgbench"):
        if candidate and os.path.exists(candidate):
            return candidate
    raise SystemExit("pgbench not found: install postgresql-contrib or put it on PATH")


def _worker(args: list[str], env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.timebank_worker", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pgbench_tps(pgbench: str, url: str, clients: int) -> float:
    out = subprocess.run(
        [pgbench, "-c", str(clients), "-j", "2", "-T", str(SECONDS), "-n", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"tps = ([0-9.]+)", out)
    return round(float(match.group(1)), 1)


def run() -> dict:
    from bench.seed import _fresh_postgres

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_URL
    bench_url = _fresh_postgres(url, "kampung_bench_timebank")
    scratch_url = _fresh_postgres(url, "kampung_bench_pgbench")
    pgbench = _pgbench()
    subprocess.run([pgbench, "-i", "-q", scratch_url], check=True, capture_output=True)

    result: dict = {"accounts": N_ACCOUNTS, "seconds": SECONDS}
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            # Production settings, as deployed: DEBUG=true would also log every query.
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost",
            "KAMPUNG_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "kampung.settings",
            "DATABASE_URL": bench_url,
        }
        subprocess.run([sys.executable, "-m", "kampung.cli", "migrate", "-v0"], env=env, check=True)
        _worker(["setup", str(N_ACCOUNTS)], env)
        for clients in CLIENTS:
            ours = _worker(["run", str(clients), str(SECONDS)], env)
            theirs = _pgbench_tps(pgbench, scratch_url, clients)
            result[f"tps_{clients}"] = ours["tps"]
            result[f"refused_{clients}"] = ours["refused"]
            result[f"pgbench_tps_{clients}"] = theirs
            result[f"ratio_{clients}"] = round(ours["tps"] / theirs, 3) if theirs else None
        verify = subprocess.run(
            [sys.executable, "-m", "kampung.cli", "ledger", "verify"],
            env=env,
            capture_output=True,
            text=True,
        )
    result["violations"] = verify.stdout.count("PROBLEM:")
    result["verify_exit_code"] = verify.returncode
    result["verify_summary"] = verify.stdout.strip().splitlines()[0] if verify.stdout else ""
    return result
