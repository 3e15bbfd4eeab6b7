"""An asset's history reads as sentences: who did what and when, old and new values in
words, never ids or bookkeeping columns, and never the value of a contact detail."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kampung.assets import actions, history
from kampung.assets.models import Asset, Category, Tag
from kampung.audit.context import acting
from kampung.audit.models import AuditEvent

INTERNAL = ("community_id", "steward_member_id", "created_at", "updated_at", "import_key", "_id")


def _history_html(client, cast, asset) -> str:
    html = client.get(reverse("asset_detail", args=[cast.community.slug, asset.pk])).content
    section = re.search(r'id="hist-h">(.*?)</section>', html.decode(), re.S)
    assert section, "no history section on the asset page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section.group(1)))


@pytest.fixture
def kitchen(cast):
    coordinator = cast.user("coordinator")
    coordinator.display_name = "Siti Coordinator"
    coordinator.save(update_fields=["display_name"])
    with acting(coordinator):
        asset = actions.add_asset(
            by=coordinator,
            community=cast.community,
            name="Block 7 kitchen",
            category=Category.PLACE,
            lat=1.3531,
            lng=103.9442,
            opening_hours=[{"day": 0, "opens": "09:00", "closes": "17:00"}],
            contact="Call Mdm Tan on 9123 4567",
        )
    return asset


def test_it_says_who_created_it_and_what_changed_in_words(cast, client, kitchen):
    coordinator = cast.user("coordinator")
    steward = cast.members["volunteer"]
    with acting(coordinator):
        actions.change_asset(
            by=coordinator,
            asset=kitchen,
            opening_hours=[{"day": 0, "opens": "09:00", "closes": "18:00"}],
            cost=Asset.Cost.FEE,
            steward_member=steward,
            languages=["ms"],
            lat=1.3532,
        )
    client.force_login(coordinator)
    text = _history_html(client, cast, kitchen)
    assert "Created by Siti Coordinator on " in text
    assert "Changed by Siti Coordinator on " in text
    assert "Changed Opening times from “Mon 09:00-17:00” to “Mon 09:00-18:00”" in text
    assert "Changed Cost from “Free” to “Fee”" in text  # choices as their labels
    assert f"Added Looked after by: “{steward.display_name}”" in text  # a name, not an id
    assert "Added Languages: “Malay”" in text
    assert "Moved the place on the map" in text
    assert "1.353" not in text  # no coordinates in the history


def test_contact_details_are_said_to_change_but_never_shown(cast, client, kitchen):
    coordinator = cast.user("coordinator")
    with acting(coordinator):
        actions.change_asset(by=coordinator, asset=kitchen, contact="Email tan@example.org")
    # The log itself keeps no value either, from the first entry on.
    rows = AuditEvent.objects.filter(object_type="assets.Asset", object_id=str(kitchen.pk))
    assert all(r.changes.get("contact") in (None, "(changed)") for r in rows)
    # Rows written before contacts were redacted still show no value.
    AuditEvent.objects.create(
        action=AuditEvent.Action.UPDATE,
        object_type="assets.Asset",
        object_id=str(kitchen.pk),
        community=cast.community,
        changes={"contact": ["Call 9123 4567", "Call 8000 0000"]},
    )
    client.force_login(coordinator)
    text = _history_html(client, cast, kitchen)
    assert text.count("Contact details changed") == 2
    for secret in ("9123", "8000", "tan@example.org", "Mdm Tan"):
        assert secret not in text


def test_no_internal_field_names_and_checks_read_as_checks(cast, client, kitchen):
    coordinator = cast.user("coordinator")
    with acting(coordinator):
        actions.verify_asset(by=coordinator, asset=kitchen)
        kitchen.tags.add(Tag.objects.get(code="102-04"))
    client.force_login(coordinator)
    text = _history_html(client, cast, kitchen)
    assert "Checked by Siti Coordinator on " in text and ": still right" in text
    assert "Added tags: Food Pantry" in text
    for name in INTERNAL + ("review_due", "last_verified", "asset_tags"):
        assert name not in text
    assert not re.search(r"\bid\b", text)


def test_a_change_to_bookkeeping_only_is_left_out(cast, kitchen):
    AuditEvent.objects.create(
        action=AuditEvent.Action.UPDATE,
        object_type="assets.Asset",
        object_id=str(kitchen.pk),
        changes={"import_key": [None, "abc"], "updated_at": ["2026-01-01", "2026-01-02"]},
    )
    events = AuditEvent.objects.filter(object_type="assets.Asset", object_id=str(kitchen.pk))
    entries = history.in_words(events)
    assert [e.headline.split(" by ")[0] for e in entries] == ["Created"]
    assert entries[0].headline.startswith("Created by Siti Coordinator on ")


def test_values_read_as_words():
    names = history._Names(members={}, organisations={}, tags={})
    assert history._words("status", True, names) == "Yes"
    assert history._words("status", False, names) == "No"
    assert history._words("visibility", "coordinators", names) == "Community developers only"
    assert history._words("steward_member_id", 999_999, names) == "someone no longer listed"
    assert history._words("description", "x" * 200, names).endswith("…")


def test_tags_set_in_the_same_save_are_told_with_it(cast, kitchen):
    coordinator = cast.user("coordinator")
    with acting(coordinator):
        actions.change_asset(
            by=coordinator, asset=kitchen, name="Block 7 kitchen", tags=["cooking"]
        )
        actions.change_asset(by=coordinator, asset=kitchen, subtype="kitchen", tags=["102-04"])
    events = AuditEvent.objects.filter(object_type="assets.Asset", object_id=str(kitchen.pk))
    entries = history.in_words(events)
    # Within seconds of each other, as here, tags ticked while adding count as the adding.
    assert [e.headline.split(" by ")[0] for e in entries] == ["Changed", "Created"]
    assert entries[0].lines == [
        "Added More precisely: “kitchen”",
        "Removed tags: Cooking and meal preparation",
        "Added tags: Food Pantry",
    ]
    assert entries[1].lines == ["Added tags: Cooking and meal preparation"]
