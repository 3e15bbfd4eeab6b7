"""Finding 17: production headers. The production settings (DEBUG=false) send a strict
Content-Security-Policy, HSTS for the host only unless the operator deliberately asks for
more, and refuse a wildcard ALLOWED_HOSTS; `kampung check --deploy` stays clean.

Production settings are built when Django starts, so each test starts a fresh Python
process with a production environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROD_KEY = "p" * 20 + "-production-secret-key-that-is-long-and-random-enough-0123"
HOST = "kampung.example.org"

# Asks the production site for the login page over HTTPS and prints the headers (the
# login page needs no database tables: an anonymous visitor has no session yet). Static
# files are not collected here, so their names are not looked up in the manifest.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
plain = dict(settings.STORAGES)
plain["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES=plain):
    response = Client().get("/login/", secure=True, headers={"host": "kampung.example.org"})
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "hsts_preload": settings.SECURE_HSTS_PRELOAD,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
}))
"""


def _env(tmp_path, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_HSTS", "KAMPUNG_"))
        and k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=PROD_KEY,
        ALLOWED_HOSTS=HOST,
        KAMPUNG_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="kampung.settings",
    )
    env.update(extra)
    return env


def _probe(tmp_path, **extra) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _kampung(tmp_path, args, **extra):
    return subprocess.run(
        [sys.executable, "-m", "kampung.cli", *args],
        cwd=tmp_path,  # not the checkout: a developer's .env there (make demo) must not count
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_it_sends_a_strict_content_security_policy_in_production(tmp_path):
    probe = _probe(tmp_path)
    assert probe["status"] == 200
    policy = _directives(probe["headers"]["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_it_allows_images_from_the_configured_tile_server_only(tmp_path):
    probe = _probe(tmp_path, KAMPUNG_TILE_URL="https://{s}.tiles.example.net/osm/{z}/{x}/{y}.png")
    policy = _directives(probe["headers"]["Content-Security-Policy"])
    assert policy["img-src"] == ["'self'", "data:", "https://*.tiles.example.net"]


def test_it_refuses_a_tile_url_that_is_not_http(tmp_path):
    result = _kampung(tmp_path, ["check"], KAMPUNG_TILE_URL="javascript:alert(1)//{z}/{x}/{y}")
    assert result.returncode != 0
    assert "KAMPUNG_TILE_URL" in result.stderr


def test_hsts_covers_only_this_host_and_is_not_preloaded_by_default(tmp_path):
    probe = _probe(tmp_path)
    assert probe["hsts_preload"] is False
    assert probe["hsts_subdomains"] is False
    assert probe["hsts_seconds"] == 31536000
    assert probe["headers"]["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_preload_and_subdomains_can_be_turned_on_deliberately(tmp_path):
    probe = _probe(tmp_path, SECURE_HSTS_PRELOAD="true", SECURE_HSTS_INCLUDE_SUBDOMAINS="true")
    assert probe["headers"]["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


@pytest.mark.parametrize("hosts", ["*", "kampung.example.org,*", " * ", "*.example.org"])
def test_it_refuses_a_wildcard_allowed_hosts_in_production(tmp_path, hosts):
    result = _kampung(tmp_path, ["check"], ALLOWED_HOSTS=hosts)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
    assert "*" in result.stderr


def test_a_leading_dot_subdomain_entry_is_accepted(tmp_path):
    result = _kampung(tmp_path, ["check"], ALLOWED_HOSTS=".kampung.example.org")
    assert result.returncode == 0, result.stderr


def test_a_wildcard_is_still_fine_in_development(tmp_path):
    result = _kampung(tmp_path, ["check"], DEBUG="true", ALLOWED_HOSTS="*")
    assert result.returncode == 0, result.stderr


def test_check_deploy_stays_clean_with_the_new_headers(tmp_path):
    result = _kampung(tmp_path, ["check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
