"""`kampung serve --prod`: refuses incomplete production settings (naming each
variable), then runs gunicorn with WhiteNoise, JSON log lines with request ids, and
/healthz answering for the database, the cache and the worker."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.site.test_settings_and_cli import PROD_KEY, _kampung


def _prod_env(tmp_path, **extra):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": PROD_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,kampung.example.org",
        "KAMPUNG_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "KAMPUNG_PUBLIC_URL": "https://kampung.example.org",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "DEFAULT_FROM_EMAIL": "kampung@example.org",
        "SECURE_SSL_REDIRECT": "false",
    }
    env.update(extra)
    return env


def test_incomplete_production_settings_are_refused_naming_each_variable(tmp_path):
    result = _kampung(
        ["serve", "--prod", "--check-only"],
        DEBUG="false",
        SECRET_KEY=PROD_KEY,
        ALLOWED_HOSTS="kampung.example.org",
        KAMPUNG_VAR_DIR=str(tmp_path),
        DATABASE_URL="",  # (the test run's own database does not count)
    )
    assert result.returncode != 0
    for name in ("DATABASE_URL", "KAMPUNG_PUBLIC_URL", "EMAIL_BACKEND", "DEFAULT_FROM_EMAIL"):
        assert name in result.stderr, result.stderr


def test_debug_is_refused_in_production(tmp_path):
    result = _kampung(["serve", "--prod", "--check-only"], **_prod_env(tmp_path, DEBUG="true"))
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_complete_production_settings_pass(tmp_path):
    result = _kampung(["serve", "--prod", "--check-only"], **_prod_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Production settings are complete." in result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (our server)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 (our server)
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_pages_static_files_and_health_with_json_logs(tmp_path):
    import os

    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(_prod_env(tmp_path, WEB_CONCURRENCY="2", LOG_LEVEL="INFO"))
    server = subprocess.Popen(
        [sys.executable, "-m", "kampung.cli", "serve", "--prod", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Migrating and collecting (compressing) the static files come first: on a busy
        # two-core machine that can take a minute or two.
        deadline = time.monotonic() + 300
        while True:
            try:
                status, _h, _b = _get(f"{base}/healthz")
                break
            except OSError as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    out, err = server.communicate(timeout=30)
                    raise AssertionError(
                        f"gunicorn did not start:\n{out[-2000:]}\n{err[-3000:]}"
                    ) from error
                time.sleep(0.5)
        # No worker has run yet: unhealthy, and it says why.
        assert status == 503
        worker = subprocess.run(
            [sys.executable, "-m", "kampung.cli", "worker", "--once"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert worker.returncode == 0, worker.stderr
        # The worker's beat is removed when it stops; a running worker's is fresh.
        status, headers, body = _get(f"{base}/healthz")
        health = json.loads(body)
        assert health["database"]["ok"] and health["cache"]["ok"]
        status, headers, body = _get(f"{base}/login/", {"X-Request-ID": "req-from-proxy-1234"})
        assert status == 200 and headers["X-Request-ID"] == "req-from-proxy-1234"
        assert b"Log in" in body
        # WhiteNoise serves the collected, fingerprinted static files.
        css = next(p for p in (tmp_path / "static" / "kampung").glob("site.*.css"))
        status, headers, _b = _get(f"{base}/static/kampung/{css.name}")
        assert status == 200 and "max-age=315360000" in headers["Cache-Control"]
        status, _h, _b = _get(f"{base}/no-such-page/", {"X-Request-ID": "req-missing-5678"})
        assert status == 404
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=30)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    missing = [line for line in lines if line.get("request_id") == "req-missing-5678"]
    assert missing and missing[0]["level"] == "WARNING" and missing[0]["logger"] == "django.request"
    # gunicorn's own lines are JSON too: every line is one JSON object.
    assert any(line["logger"] == "gunicorn.error" for line in lines)
    not_json = [line for line in err.splitlines() if line.strip() and not line.startswith("{")]
    assert not_json == []
    assert not any(line["logger"] == "gunicorn.access" for line in lines)  # no addresses


def test_redis_url_makes_the_cache_shared_and_rq_needs_it(tmp_path):
    shown = _kampung(
        [
            "shell",
            "-c",
            "from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'], settings.TASKS['default']['BACKEND'])",
        ],
        DEBUG="true",
        KAMPUNG_VAR_DIR=str(tmp_path),
        REDIS_URL="redis://127.0.0.1:6379/3",
        TASKS_BACKEND="rq",
    )
    assert shown.returncode == 0, shown.stderr
    assert "django.core.cache.backends.redis.RedisCache django_tasks_rq.RQBackend" in shown.stdout
    refused = _kampung(
        ["check"], DEBUG="true", KAMPUNG_VAR_DIR=str(tmp_path), TASKS_BACKEND="rq", REDIS_URL=""
    )
    assert refused.returncode != 0 and "REDIS_URL" in refused.stderr
