"""API tokens expire, can be listed and revoked (by their owner, or an administrator of
the owner's community), in the site, the API and the CLI; expired and revoked tokens
are refused; creating and revoking are audit-logged without the secret."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from kampung.audit.models import AuditEvent
from kampung.people.actions import create_api_token
from kampung.people.models import ApiToken
from tests.conftest import csrf_token_from


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_a_new_token_expires_in_90_days_by_default(cast):
    token, _ = create_api_token(user=cast.user("resident"))
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


@override_settings(KAMPUNG_TOKEN_DAYS=7)
def test_the_default_expiry_is_a_setting(cast):
    token, _ = create_api_token(user=cast.user("resident"))
    assert token.expires_at - timezone.now() < timedelta(days=7, minutes=1)


def test_an_expired_token_is_refused(client, cast):
    token, secret = create_api_token(user=cast.user("resident"))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 401


def test_a_revoked_token_is_refused_and_its_use_is_recorded(client, cast):
    token, secret = create_api_token(user=cast.user("resident"))
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    response = client.delete(f"/api/v1/tokens/{token.prefix}", headers=_bearer(secret))
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 401


def test_the_api_lists_and_creates_my_tokens_only(client, cast):
    _, mine = create_api_token(user=cast.user("resident"), name="phone")
    create_api_token(user=cast.user("coordinator"), name="theirs")
    listed = client.get("/api/v1/tokens", headers=_bearer(mine)).json()
    assert [t["name"] for t in listed] == ["phone"]
    assert all("secret" not in t and "digest" not in t for t in listed)
    # Tokens are made from a logged-in session (a token cannot make tokens).
    client.force_login(cast.user("resident"))
    made = client.post(
        "/api/v1/tokens", {"name": "laptop", "expires_days": 30}, content_type="application/json"
    )
    client.logout()
    assert made.status_code == 201 and made.json()["secret"].startswith("kpg_")
    assert client.get("/api/v1/me", headers=_bearer(made.json()["secret"])).status_code == 200


def test_a_resident_cannot_revoke_someone_elses_token(client, cast):
    other, _ = create_api_token(user=cast.user("coordinator"))
    _, mine = create_api_token(user=cast.user("resident"))
    response = client.delete(f"/api/v1/tokens/{other.prefix}", headers=_bearer(mine))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_an_administrator_revokes_a_community_members_token_but_not_an_outsiders(client, cast):
    theirs, _ = create_api_token(user=cast.user("resident"))
    outsiders, _ = create_api_token(user=cast.user("outsider"))
    _, admin = create_api_token(user=cast.user("admin"))
    listed = client.get(
        f"/api/v1/communities/{cast.community.slug}/tokens", headers=_bearer(admin)
    ).json()
    assert theirs.prefix in {t["prefix"] for t in listed}
    assert outsiders.prefix not in {t["prefix"] for t in listed}
    assert (
        client.delete(f"/api/v1/tokens/{outsiders.prefix}", headers=_bearer(admin)).status_code
        == 404
    )
    assert (
        client.delete(f"/api/v1/tokens/{theirs.prefix}", headers=_bearer(admin)).status_code == 200
    )
    theirs.refresh_from_db()
    assert theirs.revoked_at is not None


def test_a_coordinator_cannot_list_the_communitys_tokens(client, cast):
    _, secret = create_api_token(user=cast.user("coordinator"))
    response = client.get(
        f"/api/v1/communities/{cast.community.slug}/tokens", headers=_bearer(secret)
    )
    assert response.status_code == 403


def test_creating_and_revoking_are_audited_without_the_secret(client, cast):
    token, secret = create_api_token(user=cast.user("resident"))
    client.delete(f"/api/v1/tokens/{token.prefix}", headers=_bearer(secret))
    events = AuditEvent.objects.filter(object_type="people.ApiToken", object_id=str(token.pk))
    assert {e.action for e in events} == {"create", "update"}
    for event in events:
        assert secret not in str(event.changes) and token.digest not in str(event.changes)
    assert "revoked_at" in events.get(action="update").changes


def test_the_token_page_lists_creates_once_and_revokes(csrf_client, cast):
    slug = cast.community.slug
    csrf_client.force_login(cast.user("resident"))
    page = csrf_client.get(f"/c/{slug}/tokens/")
    assert page.status_code == 200 and "Your API tokens" in page.content.decode()
    token = csrf_token_from(csrf_client, f"/c/{slug}/tokens/")
    made = csrf_client.post(
        f"/c/{slug}/tokens/",
        {"name": "my script", "expires_days": "30", "csrfmiddlewaretoken": token},
    )
    assert made.status_code == 200
    row = ApiToken.objects.get(name="my script")
    assert "kpg_" in made.content.decode()  # shown once, on this page only
    again = csrf_client.get(f"/c/{slug}/tokens/").content.decode()
    assert "my script" in again and row.prefix in again
    assert made.content.decode().count("kpg_") > again.count("kpg_") or "kpg_" not in again.replace(
        row.prefix, ""
    )
    revoked = csrf_client.post(
        f"/c/{slug}/tokens/{row.prefix}/revoke/", {"csrfmiddlewaretoken": token}, follow=True
    )
    assert revoked.status_code == 200
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_the_account_menu_links_to_the_token_page_for_those_who_use_programs(client, cast):
    """Staff, partners and analysts connect programs; a resident's or volunteer's footer
    does not offer "API tokens" (the page still works for them)."""
    for role in ("coordinator", "partner", "analyst", "admin"):
        client.force_login(cast.user(role))
        html = client.get(f"/c/{cast.community.slug}/").content.decode()
        assert f"/c/{cast.community.slug}/tokens/" in html, role
    for role in ("resident", "volunteer"):
        client.force_login(cast.user(role))
        html = client.get(f"/c/{cast.community.slug}/").content.decode()
        assert f"/c/{cast.community.slug}/tokens/" not in html, role
        assert client.get(f"/c/{cast.community.slug}/tokens/").status_code == 200


def test_the_cli_creates_lists_and_revokes(cast):
    out = io.StringIO()
    call_command(
        "token",
        "create",
        "--user",
        "Resident@demo.kampung.test",
        "--name",
        "cron",
        "--expires-days",
        "3",
        stdout=out,
    )
    secret = out.getvalue().strip()
    row = ApiToken.objects.get(digest=ApiToken.digest_of(secret))
    assert row.name == "cron" and row.expires_at - timezone.now() < timedelta(days=3, minutes=1)
    listing = io.StringIO()
    call_command("token", "list", "--user", "resident@demo.kampung.test", stdout=listing)
    assert row.prefix in listing.getvalue() and secret not in listing.getvalue()
    call_command("token", "revoke", row.prefix, stdout=io.StringIO())
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_the_cli_refuses_a_nonsense_expiry(cast):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="expires-days"):
        call_command(
            "token",
            "create",
            "--user",
            "resident@demo.kampung.test",
            "--expires-days",
            "0",
            stdout=io.StringIO(),
        )


def test_token_creation_through_the_api_is_rate_limited(client, cast):
    client.force_login(cast.user("resident"))  # tokens are made from a logged-in session
    codes = [
        client.post("/api/v1/tokens", {"name": "n"}, content_type="application/json").status_code
        for _ in range(10)
    ]
    assert codes == [201] * 10
    refused = client.post("/api/v1/tokens", {"name": "n"}, content_type="application/json")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited" and int(refused["Retry-After"]) > 0
