"""Every text field has a maximum length in the model, the form and the API schema, and
lists of codes or times are bounded (finding 10's "an item's description has no length
limit (2 MB accepted)" is one instance)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from kampung import limits
from kampung.workshops import actions as workshop_actions
from kampung.workshops.models import WorkshopItem

TOO_LONG = "x" * (limits.DESCRIPTION_MAX + 1)
TWO_MB = "x" * (2 * 1024 * 1024)
# Written by Kampung itself, never typed by anyone: the audit trail's change record, a
# match's explained factors (computed), a community's boundary (set by administrators).
NOT_INPUT = {("audit", "auditevent", "changes"), ("matching", "match", "factors")}
NOT_INPUT |= {("communities", "community", "boundary")}
# A refusal kept with its idempotency key: the fields of our own error, not what was sent.
NOT_INPUT |= {("timebank", "idempotencykey", "error_fields")}


def test_every_text_field_in_every_model_has_a_maximum():
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("kampung."):
            continue
        for field in model._meta.get_fields():
            where = (model._meta.app_label, model._meta.model_name, field.name)
            if isinstance(field, models.TextField):
                if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
                    missing.append(where)
            elif isinstance(field, models.JSONField) and where not in NOT_INPUT:
                if not any(isinstance(v, limits.MaxItemsValidator) for v in field.validators):
                    missing.append(where)
    assert missing == []


@pytest.fixture
def workshop(cast):
    return workshop_actions.open_workshop(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Mapping",
        held_on=timezone.localdate(),
        venue="Hall",
    )


@pytest.mark.parametrize("size", [len(TOO_LONG), len(TWO_MB)], ids=["5001", "2MB"])
def test_a_workshop_item_description_is_bounded_on_the_api(client, workshop, size):
    participant = client.post(f"/api/v1/workshops/{workshop.token}/participants").json()
    response = client.post(
        f"/api/v1/workshops/{workshop.token}/items",
        {
            "name": "Garden",
            "category": "place",
            "location_kind": "online",
            "description": "x" * size,
            "participant": participant["participant"],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "description" in response.json()["error"]["fields"]
    assert not WorkshopItem.objects.exists()


def test_a_workshop_item_description_is_bounded_on_the_join_page(client, workshop):
    url = reverse("workshop_join", args=[workshop.token])
    client.get(url)
    response = client.post(
        url,
        {
            "name": "Garden",
            "category": "place",
            "location_kind": "comes_to_you",
            "description": TWO_MB,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not WorkshopItem.objects.exists()


def test_a_workshop_item_description_is_bounded_in_the_action(workshop):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        workshop_actions.add_item(
            workshop=workshop,
            participant="p1",
            name="Garden",
            category="place",
            location_kind="online",
            description=TOO_LONG,
        )
    assert "description" in caught.value.message_dict


def test_an_asset_description_and_lists_are_bounded_on_the_api(client, cast):
    client.force_login(cast.user("coordinator"))
    url = f"/api/v1/communities/{cast.community.slug}/assets"
    base = {"name": "Bench", "category": "place", "lat": 1.35, "lng": 103.94}
    for field, value in [
        ("description", TOO_LONG),
        ("languages", ["en"] * (limits.LIST_MAX + 1)),
        ("accessibility", ["step_free"] * (limits.LIST_MAX + 1)),
        ("tags", ["x"] * (limits.LIST_MAX + 1)),
    ]:
        response = client.post(url, base | {field: value}, content_type="application/json")
        assert response.status_code == 422, field
        assert field in response.json()["error"]["fields"], field


def test_an_asset_description_is_bounded_in_the_form_and_the_model(cast):
    from django.core.exceptions import ValidationError

    from kampung.assets import actions
    from kampung.assets.forms import AssetForm

    form = AssetForm({"name": "Bench", "category": "place", "description": TOO_LONG})
    assert not form.is_valid() and "description" in form.errors
    with pytest.raises(ValidationError) as caught:
        actions.add_asset(
            by=cast.user("coordinator"),
            community=cast.community,
            name="Bench",
            category="place",
            lat=1.35,
            lng=103.94,
            description=TOO_LONG,
        )
    assert "description" in caught.value.message_dict


def test_a_request_for_help_is_bounded_on_the_api(client, cast):
    client.force_login(cast.user("resident"))
    url = f"/api/v1/communities/{cast.community.slug}/needs"
    response = client.post(
        url,
        {"title": "Shopping", "description": TOO_LONG, "languages": ["en"] * 51},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {"description", "languages"} <= set(response.json()["error"]["fields"])


def test_the_schema_states_the_maximums(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["AssetIn"]["properties"]["description"]["maxLength"] == limits.DESCRIPTION_MAX
    assert schemas["AssetIn"]["properties"]["languages"]["maxItems"] == limits.LIST_MAX
    assert schemas["JoinItemIn"]["properties"]["description"]["maxLength"] == limits.DESCRIPTION_MAX
    assert schemas["SessionIn"]["properties"]["attendees"]["maxItems"] == limits.ATTENDEES_MAX
