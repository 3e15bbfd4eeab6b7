"""Configuration from the environment, production checks, and the kampung command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from kampung.env import SettingError, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]
PROD_KEY = "p" * 20 + "-production-secret-key-that-is-long-and-random-enough-0123"


def _kampung(args, **env):
    clean = {
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
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "kampung.cli", *args],
        # Not the checkout: a developer's .env there (left by make demo) must not count.
        cwd=env.get("KAMPUNG_VAR_DIR", ROOT),
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_wrong_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(SettingError, match="DEBUG"):
        env_bool("DEBUG", False)


def test_a_wrong_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "five")
    with pytest.raises(SettingError, match="AXES_FAILURE_LIMIT"):
        env_int("AXES_FAILURE_LIMIT", 5)


def test_production_without_a_secret_key_stops_with_the_variable_named(tmp_path):
    result = _kampung(
        ["check"], DEBUG="false", ALLOWED_HOSTS="kampung.example.org", KAMPUNG_VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_bad_database_url_stops_with_the_variable_named(tmp_path):
    result = _kampung(
        ["check"], DEBUG="true", DATABASE_URL="mysql://x", KAMPUNG_VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _kampung(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY=PROD_KEY,
        ALLOWED_HOSTS="kampung.example.org",
        KAMPUNG_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_token_create_prints_a_token_that_works(cast, client, capsys):
    call_command("token", "create", "--user", "analyst@demo.kampung.test")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("kpg_")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.json()["email"] == "analyst@demo.kampung.test"


def test_token_create_for_an_unknown_user_names_the_option(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--user"):
        call_command("token", "create", "--user", "nobody@example.org")


def test_createadmin_makes_an_administrator_of_every_community(cast):
    from kampung import policy
    from kampung.people.models import User

    call_command("createadmin", "--email", "Ops@Example.org", "--password", "a-long-pass-phrase-42")
    admin = User.objects.get(email="ops@example.org")
    assert policy.can(admin, "audit.view", cast.community)
    assert policy.can(admin, "audit.view", cast.other)
