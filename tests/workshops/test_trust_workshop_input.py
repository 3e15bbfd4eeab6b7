"""Finding 10: anonymous workshop input is bounded. Participants are identified by a
participant id the server issues and signs for one workshop (a made-up, altered or other
workshop's id is refused, so a new key cannot reset the per-person cap), and adding items
or participants is rate limited per address and per workshop (429 with Retry-After)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from kampung.workshops import actions
from kampung.workshops.models import Workshop, WorkshopItem


@pytest.fixture
def workshop(cast) -> Workshop:
    return actions.open_workshop(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Block 7 mapping",
        held_on=timezone.localdate(),
        venue="Void deck",
    )


@pytest.fixture
def other_workshop(cast) -> Workshop:
    return actions.open_workshop(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Another evening",
        held_on=timezone.localdate(),
        venue="Library",
    )


ITEM = {"name": "Garden", "category": "place", "location_kind": "online"}


def _join(client, workshop) -> str:
    response = client.post(f"/api/v1/workshops/{workshop.token}/participants")
    assert response.status_code == 201, response.content
    return response.json()["participant"]


def _add(client, workshop, participant, **extra):
    return client.post(
        f"/api/v1/workshops/{workshop.token}/items",
        ITEM | {"participant": participant} | extra,
        content_type="application/json",
    )


def test_the_api_issues_a_signed_participant_id_and_accepts_it(client, workshop):
    participant = _join(client, workshop)
    assert ":" in participant and len(participant) <= 100
    assert _add(client, workshop, participant).status_code == 201
    assert WorkshopItem.objects.get().participant == participant.split(":")[0]


@pytest.mark.parametrize("forged", ["device-0001", "0123456789abcdef", "0123456789abcdef:bad"])
def test_a_client_chosen_or_forged_participant_id_is_refused(client, workshop, forged):
    response = _add(client, workshop, forged)
    assert response.status_code == 422
    assert "participant" in response.json()["error"]["fields"]
    assert not WorkshopItem.objects.exists()


def test_an_altered_participant_id_is_refused(client, workshop):
    key, signature = _join(client, workshop).split(":", 1)
    altered = ("f" if key[0] != "f" else "e") + key[1:] + ":" + signature
    assert _add(client, workshop, altered).status_code == 422


def test_another_workshops_participant_id_is_refused(client, workshop, other_workshop):
    theirs = _join(client, other_workshop)
    response = _add(client, workshop, theirs)
    assert response.status_code == 422 and "participant" in response.json()["error"]["fields"]


def test_the_per_person_cap_cannot_be_reset_with_a_new_made_up_key(client, workshop):
    """Before: each request with a fresh client-chosen key started a new count."""
    added = sum(_add(client, workshop, f"fresh-key-{i:04d}").status_code == 201 for i in range(5))
    assert added == 0


def test_the_join_page_keeps_a_signed_participant_id_in_the_session(client, workshop):
    url = reverse("workshop_join", args=[workshop.token])
    client.get(url)
    signed = [v for k, v in client.session.items() if k.startswith("kampung_workshop_part")]
    assert len(signed) == 1 and ":" in signed[0]


@override_settings(KAMPUNG_RATE_WORKSHOP_ITEMS_PER_IP="3/10m")
def test_items_through_the_api_are_rate_limited_per_address(client, workshop):
    participant = _join(client, workshop)
    statuses = [_add(client, workshop, participant).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = _add(client, workshop, participant)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "rate_limited"
    # Another address is counted apart.
    elsewhere = Client(REMOTE_ADDR="10.9.8.7")
    assert _add(elsewhere, workshop, _join(elsewhere, workshop)).status_code == 201
    assert WorkshopItem.objects.count() == 4


@override_settings(KAMPUNG_RATE_WORKSHOP_ITEMS="4/10m")
def test_a_workshop_has_a_ceiling_whatever_the_address(workshop):
    statuses = []
    for i in range(6):
        c = Client(REMOTE_ADDR=f"10.0.0.{i + 1}")
        statuses.append(_add(c, workshop, _join(c, workshop)).status_code)
    assert statuses == [201, 201, 201, 201, 429, 429]


@override_settings(KAMPUNG_RATE_WORKSHOP_PARTICIPANTS_PER_IP="2/10m")
def test_new_participant_ids_are_rate_limited_per_address(client, workshop):
    assert [
        client.post(f"/api/v1/workshops/{workshop.token}/participants").status_code
        for _ in range(3)
    ] == [201, 201, 429]


@override_settings(KAMPUNG_RATE_WORKSHOP_ITEMS_PER_IP="2/10m")
def test_the_join_page_is_rate_limited_with_a_plain_words_page(client, workshop):
    url = reverse("workshop_join", args=[workshop.token])
    client.get(url)
    form = {"name": "Uncle Lim fixes bicycles", "category": "personal"}
    form["location_kind"] = "comes_to_you"
    assert [client.post(url, form).status_code for _ in range(2)] == [302, 302]
    refused = client.post(url, form)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "<html" in html and "try again in about" in html
    assert WorkshopItem.objects.count() == 2


def test_the_schema_describes_the_participants_endpoint(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/workshops/{token}/participants" in paths
    responses = paths["/api/v1/workshops/{token}/items"]["post"]["responses"]
    assert "429" in responses
