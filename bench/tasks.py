"""Background work benchmark: emails through the outbox and the `send_email` task, and
the review-due schedule, on each task backend available.

- emails_per_s_<backend>: N emails queued (each in its own transaction, as actions do),
  then drained by one `kampung worker` loop; the mail backend is Django's dummy one, so
  this measures Kampung and the queue, not a mail server
- latency_p50_ms / p95: from the outbox row's creation to its being sent, in that run
- review_due_first_s / review_due_again_s: the reminder job over N_ASSETS overdue assets
  (each with a steward who logs in), then the same job again (which must send nothing)

Backends: database on SQLite; database on PostgreSQL when DATABASE_URL names one; RQ
when Redis answers on 127.0.0.1:6379. One worker process, one core."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

N_EMAILS = int(os.environ.get("BENCH_TASKS_EMAILS", "1000"))
N_ASSETS = int(os.environ.get("BENCH_TASKS_ASSETS", "5000"))


def _run(label: str, env_extra: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "true",
            "KAMPUNG_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "kampung.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "KAMPUNG_LOG_LEVEL": "WARNING",
            **env_extra,
        }
        if "DATABASE_URL" not in env_extra:
            env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "kampung.cli", "migrate", "-v0"], env=env, check=True)
        out = subprocess.run(
            [sys.executable, "-m", "bench.tasks_worker", str(N_EMAILS), str(N_ASSETS)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return {
            f"{k}_{label}": v for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()
        }


def _redis() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/14").ping())
    except Exception:
        return False


def run() -> dict:
    from bench.seed import _fresh_postgres

    result: dict = {"n_emails": N_EMAILS, "n_assets": N_ASSETS}
    result.update(_run("database_sqlite", {}))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        pg = _fresh_postgres(url, "kampung_bench_tasks")
        result.update(_run("database_postgres", {"DATABASE_URL": pg}))
    else:
        result["postgres_skipped"] = "DATABASE_URL does not name a PostgreSQL database"
    if _redis():
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/14").flushdb()
        result.update(_run("rq", {"TASKS_BACKEND": "rq", "REDIS_URL": "redis://127.0.0.1:6379/14"}))
    else:
        result["rq_skipped"] = "Redis is not running on 127.0.0.1:6379"
    return result
