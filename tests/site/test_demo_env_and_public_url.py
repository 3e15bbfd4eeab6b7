"""After `kampung demo`, every `kampung` command works in that folder (the demo leaves a
development .env), the demo can serve the local network, and a workshop's link uses
KAMPUNG_PUBLIC_URL when it is set."""

from __future__ import annotations

import os
import subprocess
import sys

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kampung.devenv import write_dev_env

# As a newcomer's shell after `make demo`: no settings of ours, and the demo's own SQLite
# database in the folder (not the test run's PostgreSQL, whose database need not exist).
STRIPPED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "KAMPUNG_VAR_DIR",
    "DATABASE_URL",
}


def _kampung_in(folder, args):
    env = {k: v for k, v in os.environ.items() if k not in STRIPPED}
    return subprocess.run(
        [sys.executable, "-m", "kampung.cli", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_after_the_demo_env_is_written_commands_work_without_debug_set(tmp_path):
    before = _kampung_in(tmp_path, ["check"])
    assert before.returncode != 0 and "SECRET_KEY" in before.stderr  # the bug: no .env yet
    assert write_dev_env(tmp_path) == tmp_path / ".env"
    text = (tmp_path / ".env").read_text()
    assert "DEBUG=true" in text and "SECRET_KEY=" in text and "KAMPUNG_VAR_DIR=" in text
    result = _kampung_in(tmp_path, ["check"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_an_existing_env_is_never_overwritten(tmp_path):
    (tmp_path / ".env").write_text("DEBUG=false\nSECRET_KEY=mine\n")
    assert write_dev_env(tmp_path) is None
    assert (tmp_path / ".env").read_text() == "DEBUG=false\nSECRET_KEY=mine\n"


def test_the_demo_command_writes_the_env_and_prepares_without_serving(tmp_path):
    result = _kampung_in(tmp_path, ["demo", "--no-serve", "--host", "0.0.0.0"])  # noqa: S104
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / ".env").is_file()
    assert "Wrote .env" in result.stdout
    token = _kampung_in(tmp_path, ["token", "create", "--user", "analyst@demo.kampung.test"])
    assert token.returncode == 0, token.stdout + token.stderr
    assert "kpg_" in token.stdout


def test_the_demo_on_the_network_answers_to_this_machines_addresses(settings):
    from kampung.management.commands.demo import Command

    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    assert Command().allow_network_hosts("127.0.0.1") == []
    assert Command().allow_network_hosts("192.168.1.20") == ["192.168.1.20"]
    assert "192.168.1.20" in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS


def test_a_workshop_link_uses_the_public_url_when_set(cast, client):
    from kampung.workshops import actions

    workshop = actions.open_workshop(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Block 12 mapping evening",
        held_on=timezone.localdate(),
        venue="Block 12 void deck",
    )
    client.force_login(cast.user("coordinator"))
    board = reverse("workshop_board", args=[cast.community.slug, workshop.pk])
    join = reverse("workshop_join", args=[workshop.token])
    with override_settings(ALLOWED_HOSTS=["testserver", "192.168.1.20"]):
        opened = client.get(board, HTTP_HOST="192.168.1.20").content.decode()
    assert f"http://192.168.1.20{join}" in opened  # the address the facilitator used
    with override_settings(KAMPUNG_PUBLIC_URL="https://kampung.example.org"):
        body = client.get(board).content.decode()
        api = client.get(f"/api/v1/communities/{cast.community.slug}/workshops/{workshop.pk}")
    assert f"https://kampung.example.org{join}" in body
    assert api.json()["join_url"] == f"https://kampung.example.org{join}"
