"""Asset-mapping workshops: participants add items through the link (no account),
the facilitator merges, edits, marks and publishes into the register."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kampung.assets.models import Asset, Category
from kampung.audit.models import AuditEvent
from kampung.workshops import actions
from kampung.workshops.models import Workshop, WorkshopItem


@pytest.fixture
def workshop(cast) -> Workshop:
    return actions.open_workshop(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Block 12 mapping evening",
        held_on=timezone.localdate(),
        venue="Block 12 void deck",
    )


def _add(workshop, participant="p1", **fields):
    data = {
        "name": "Mdm Tan's sewing",
        "category": Category.PERSONAL,
        "location_kind": Asset.LocationKind.COMES_TO_YOU,
    } | fields
    return actions.add_item(workshop=workshop, participant=participant, **data)


def test_only_community_developers_open_and_run_workshops(cast):
    for role in ("resident", "volunteer", "partner", "analyst", "outsider"):
        with pytest.raises(PermissionDenied):
            actions.open_workshop(
                by=cast.user(role),
                community=cast.community,
                title="x",
                held_on=timezone.localdate(),
            )


def test_each_workshop_gets_its_own_unguessable_link(workshop, cast):
    other = actions.open_workshop(
        by=cast.user("admin"), community=cast.community, title="Again", held_on="2026-12-01"
    )
    assert len(workshop.token) >= 20 and workshop.token != other.token


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"name": "  "}, "name"),
        ({"category": "spaceship"}, "category"),
        ({"location_kind": "moon"}, "location_kind"),
        ({"location_kind": "point"}, "address"),  # neither a tap on the map nor an address
        ({"location_kind": "point", "lat": 100.0, "lng": 1.0}, "lat"),
        ({"location_kind": "point", "lat": 1.3, "lng": None, "address": "x"}, "lat"),
    ],
)
def test_a_bad_item_names_the_field_and_stores_nothing(workshop, fields, field):
    with pytest.raises(ValidationError) as caught:
        _add(workshop, **fields)
    assert field in caught.value.message_dict
    assert not WorkshopItem.objects.exists()


def test_a_closed_workshop_takes_no_more_items(workshop, cast):
    actions.set_workshop_status(by=cast.user("coordinator"), workshop=workshop, status="closed")
    with pytest.raises(ValidationError) as caught:
        _add(workshop)
    assert "workshop" in caught.value.message_dict


def test_merge_keeps_the_first_item_and_fills_its_blanks(workshop, cast):
    first = _add(
        workshop,
        name="Youth football",
        category=Category.ASSOCIATION,
        location_kind="point",
        address="the field behind Block 14",
    )
    second = _add(
        workshop,
        participant="p2",
        name="Football for teens",
        category=Category.ASSOCIATION,
        location_kind="point",
        lat=1.354,
        lng=103.945,
        offered_by="Coach Raj",
        description="Saturdays 9am",
    )
    kept = actions.merge_items(
        by=cast.user("coordinator"), workshop=workshop, keep_id=first.pk, other_ids=[second.pk]
    )
    second.refresh_from_db()
    assert (kept.lat, kept.lng) == (1.354, 103.945)
    assert kept.offered_by == "Coach Raj" and "Saturdays" in kept.description
    assert second.status == WorkshopItem.Status.MERGED and second.merged_into == kept
    with pytest.raises(ValidationError):  # a merged item cannot be edited any more
        actions.change_item(by=cast.user("coordinator"), item=second, name="x")


def test_publishing_is_all_or_nothing_and_names_items_without_a_place(workshop, cast):
    coordinator = cast.user("coordinator")
    placed = _add(
        workshop,
        name="Community fridge",
        category=Category.PLACE,
        location_kind="point",
        lat=1.353,
        lng=103.944,
    )
    unplaced = _add(
        workshop,
        name="Rooftop garden",
        category=Category.PLACE,
        location_kind="point",
        address="Block 9 roof",
    )
    actions.mark_items(
        by=coordinator, workshop=workshop, item_ids=[placed.pk, unplaced.pk], status="accepted"
    )
    before = Asset.objects.count()
    with pytest.raises(ValidationError) as caught:
        actions.publish_items(by=coordinator, workshop=workshop)
    assert "Rooftop garden" in str(caught.value.message_dict["items"])
    assert Asset.objects.count() == before
    actions.change_item(by=coordinator, item=unplaced, lat=1.352, lng=103.943)
    assets = actions.publish_items(by=coordinator, workshop=workshop)
    assert {a.name for a in assets} == {"Community fridge", "Rooftop garden"}
    assert all(a.source == Asset.Source.WORKSHOP for a in assets)
    assert "Block 9 roof" in assets[1].description
    placed.refresh_from_db()
    assert placed.status == "published" and placed.published_asset == assets[0]
    with pytest.raises(ValidationError):  # nothing left accepted: nothing to publish twice
        actions.publish_items(by=coordinator, workshop=workshop)


def test_a_person_named_at_a_workshop_stays_private(workshop, cast):
    item = _add(workshop, offered_by="Mdm Tan")
    coordinator = cast.user("coordinator")
    actions.mark_items(by=coordinator, workshop=workshop, item_ids=[item.pk], status="accepted")
    (asset,) = actions.publish_items(by=coordinator, workshop=workshop)
    assert asset.visibility == Asset.Visibility.PRIVATE and asset.steward_member is None
    assert "Mdm Tan" in asset.description


def test_changes_are_audited_and_the_token_is_never_logged(workshop, cast):
    _add(workshop)
    events = AuditEvent.objects.filter(object_type__startswith="workshops.")
    assert events.filter(object_type="workshops.Workshop").exists()
    assert events.filter(object_type="workshops.WorkshopItem").exists()
    assert workshop.token not in str(list(events.values_list("changes", flat=True)))


# --- Pages -----------------------------------------------------------------------------------


def test_a_participant_without_an_account_adds_items_by_the_link(client, workshop):
    url = reverse("workshop_join", args=[workshop.token])
    page = client.get(url)
    assert page.status_code == 200 and b"Block 12 mapping evening" in page.content
    response = client.post(
        url,
        {
            "name": "Uncle Lim fixes bicycles",
            "category": "personal",
            "location_kind": "comes_to_you",
            "added_by_name": "Aisha",
        },
    )
    assert response.status_code == 302
    item = WorkshopItem.objects.get()
    assert item.added_by_name == "Aisha" and item.participant and item.added_by_user is None
    page = client.get(url)
    assert "You have added 1 thing" in page.content.decode()
    # A second participant does not see the first one's items.
    from django.test import Client

    other = Client().get(url).content.decode()
    assert "Uncle Lim" not in other


def test_a_bad_participant_form_names_the_field(client, workshop):
    url = reverse("workshop_join", args=[workshop.token])
    response = client.post(url, {"name": "Garden", "category": "place", "location_kind": "point"})
    assert response.status_code == 200
    assert "Tap the map or type an address" in response.content.decode()
    assert not WorkshopItem.objects.exists()


def test_an_unknown_link_is_not_found(client, db):
    assert client.get(reverse("workshop_join", args=["nope"])).status_code == 404


def test_the_board_shows_items_and_the_qr_code(client, cast, workshop):
    _add(workshop, name="Mdm Tan's sewing")
    client.force_login(cast.user("coordinator"))
    page = client.get(reverse("workshop_board", args=[cast.community.slug, workshop.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "Mdm Tan&#x27;s sewing" in body and "<svg" in body
    assert workshop.token in body  # the link to share


def test_the_live_board_answers_204_when_nothing_changed(client, cast, workshop):
    _add(workshop)
    client.force_login(cast.user("coordinator"))
    url = reverse("workshop_board_live", args=[cast.community.slug, workshop.pk])
    first = client.get(url, headers={"HX-Request": "true"})
    assert first.status_code == 200
    state = first.content.decode().split("state=")[1].split('"')[0]
    from urllib.parse import unquote

    assert client.get(url, {"state": unquote(state)}).status_code == 204
    _add(workshop, participant="p2", name="Another")
    assert client.get(url, {"state": unquote(state)}).status_code == 200


def test_residents_cannot_see_the_board(client, cast, workshop):
    client.force_login(cast.user("resident"))
    assert (
        client.get(reverse("workshop_board", args=[cast.community.slug, workshop.pk])).status_code
        == 403
    )
    assert client.get(reverse("workshop_list", args=[cast.community.slug])).status_code == 403


def test_the_board_buttons_mark_merge_and_publish(client, cast, workshop):
    a = _add(workshop, name="Sewing", offered_by="Mdm Tan")
    b = _add(workshop, participant="p2", name="Sewing lessons", description="Fridays")
    client.force_login(cast.user("coordinator"))
    slug = cast.community.slug
    review = client.post(
        reverse("workshop_merge", args=[slug, workshop.pk]), {"items": [a.pk, b.pk]}
    )["Location"]
    plan = client.get(review).context["plan"]
    client.post(
        review.split("?")[0],
        {"items": [a.pk, b.pk], "fingerprint": plan.fingerprint}
        | {c.field: "0" for c in plan.choices},
    )
    b.refresh_from_db()
    assert b.status == "merged"
    client.post(reverse("workshop_mark", args=[slug, workshop.pk]), {"one": f"accepted:{a.pk}"})
    a.refresh_from_db()
    assert a.status == "accepted"
    response = client.post(
        reverse("workshop_publish", args=[slug, workshop.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "On the map" in response.content.decode()
    a.refresh_from_db()
    assert a.published_asset.source == "workshop"


# --- API -------------------------------------------------------------------------------------


def test_the_api_runs_a_workshop(client, cast):
    client.force_login(cast.user("coordinator"))
    base = f"/api/v1/communities/{cast.community.slug}/workshops"
    created = client.post(
        base, {"title": "API evening", "held_on": "2026-12-02"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    join_url = created.json()["join_url"]
    token = join_url.rstrip("/").rsplit("/", 1)[1]
    anonymous = client.__class__()
    joined = anonymous.post(f"/api/v1/workshops/{token}/participants")
    assert joined.status_code == 201
    device = joined.json()["participant"]
    added = anonymous.post(
        f"/api/v1/workshops/{token}/items",
        {
            "name": "Library corner",
            "category": "place",
            "lat": 1.35,
            "lng": 103.94,
            "participant": device,
        },
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    bad = anonymous.post(
        f"/api/v1/workshops/{token}/items",
        {"name": "x", "category": "nope", "participant": device},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "category" in bad.json()["error"]["fields"]
    workshop_id = created.json()["id"]
    item_id = added.json()["id"]
    marked = client.post(
        f"{base}/{workshop_id}/mark",
        {"items": [item_id], "status": "accepted"},
        content_type="application/json",
    )
    assert marked.json() == {"marked": 1}
    published = client.post(f"{base}/{workshop_id}/publish")
    assert published.status_code == 200
    (asset_id,) = published.json()["published"]
    assert Asset.objects.get(pk=asset_id).source == "workshop"
    board = client.get(f"{base}/{workshop_id}").json()
    assert board["items"][0]["published_asset"] == asset_id


def test_the_api_refuses_residents(client, cast, workshop):
    client.force_login(cast.user("resident"))
    response = client.get(f"/api/v1/communities/{cast.community.slug}/workshops/{workshop.pk}")
    assert response.status_code == 403


def test_a_name_with_markup_stays_text_on_the_board(client, cast, workshop):
    _add(workshop, name="</script><img src=x onerror=alert(1)>")
    client.force_login(cast.user("coordinator"))
    body = client.get(reverse("workshop_board", args=[cast.community.slug, workshop.pk]))
    html = body.content.decode()
    assert "<img src=x" not in html and "</script><img" not in html


def test_the_api_needs_a_participant_key(client, workshop):
    response = client.post(
        f"/api/v1/workshops/{workshop.token}/items",
        {"name": "Garden", "category": "place", "location_kind": "online"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "participant" in response.json()["error"]["fields"]


def test_a_participant_takes_back_their_own_new_item_only(client, workshop, cast):
    url = reverse("workshop_join", args=[workshop.token])
    client.post(url, {"name": "Typo garden", "category": "place", "location_kind": "comes_to_you"})
    client.post(
        url, {"name": "Youth band", "category": "association", "location_kind": "comes_to_you"}
    )
    mine = WorkshopItem.objects.get(name="Typo garden")
    page = client.get(url).content.decode()
    assert "Take it back" in page and "The room has added 2 things so far" in page
    # Someone else's item cannot be taken back from this browser.
    theirs = _add(workshop, participant="someone-else", name="Not mine")
    withdraw = "workshop_withdraw"
    client.post(reverse(withdraw, args=[workshop.token, theirs.pk]))
    assert WorkshopItem.objects.filter(pk=theirs.pk).exists()
    # Once the facilitator has accepted an item, it stays.
    band = WorkshopItem.objects.get(name="Youth band")
    actions.mark_items(
        by=cast.user("coordinator"), workshop=workshop, item_ids=[band.pk], status="accepted"
    )
    client.post(reverse(withdraw, args=[workshop.token, band.pk]))
    assert WorkshopItem.objects.filter(pk=band.pk).exists()
    response = client.post(reverse(withdraw, args=[workshop.token, mine.pk]))
    assert response.status_code == 302
    assert not WorkshopItem.objects.filter(pk=mine.pk).exists()
    page = client.get(url).content.decode()
    # The room's tally is counts per kind only: other people's item names never show.
    assert "The room has added 2 things so far" in page and "Not mine" not in page


def test_an_item_others_were_merged_into_or_a_closed_workshop_keeps_its_items(
    client, workshop, cast
):
    url = reverse("workshop_join", args=[workshop.token])
    client.post(
        url, {"name": "Football", "category": "association", "location_kind": "comes_to_you"}
    )
    mine = WorkshopItem.objects.get(name="Football")
    theirs = _add(workshop, participant="p2", name="Youth football")
    actions.merge_items(
        by=cast.user("coordinator"), workshop=workshop, keep_id=mine.pk, other_ids=[theirs.pk]
    )
    client.post(reverse("workshop_withdraw", args=[workshop.token, mine.pk]))
    assert WorkshopItem.objects.filter(pk=mine.pk).exists()
    client.post(url, {"name": "Typo", "category": "place", "location_kind": "comes_to_you"})
    typo = WorkshopItem.objects.get(name="Typo")
    actions.set_workshop_status(by=cast.user("coordinator"), workshop=workshop, status="closed")
    client.post(reverse("workshop_withdraw", args=[workshop.token, typo.pk]))
    assert WorkshopItem.objects.filter(pk=typo.pk).exists()


# --- The board and the review page, as read on a phone -----------------------------------


def test_the_board_shows_each_message_once(client, cast):
    client.force_login(cast.user("coordinator"))
    slug = cast.community.slug
    opened = client.post(
        reverse("workshop_list", args=[slug]),
        {"title": "Block 12 mapping evening", "held_on": timezone.localdate().isoformat()},
        follow=True,
    )
    body = opened.content.decode()
    assert body.count("Workshop opened.") == 1
    # It is shown at the top, above the QR code it talks about.
    assert body.index("Workshop opened.") < body.index("<svg")
    # The board's own refresh (htmx) still carries messages it is given.
    workshop = Workshop.objects.get(title="Block 12 mapping evening")
    a, b = _add(workshop, name="Sewing"), _add(workshop, participant="p2", name="Sewing")
    marked = client.post(
        reverse("workshop_mark", args=[slug, workshop.pk]), {}, headers={"HX-Request": "true"}
    )
    assert marked.content.decode().count("Tick the items first.") == 1
    assert a and b


def _merge_on_the_page(client, cast, workshop, a, b):
    slug = cast.community.slug
    review = client.post(
        reverse("workshop_merge", args=[slug, workshop.pk]), {"items": [a.pk, b.pk]}
    )["Location"]
    page = client.get(review)
    plan = page.context["plan"]
    done = client.post(
        review.split("?")[0],
        {"items": [a.pk, b.pk], "fingerprint": plan.fingerprint}
        | {c.field: "0" for c in plan.choices},
        follow=True,
    )
    return page.content.decode(), done.content.decode()


def test_the_review_page_names_what_the_item_becomes_and_the_board_who_added_it(
    client, cast, workshop
):
    siti = _add(
        workshop,
        added_by_name="Siti",
        name="Mdm Tan's sewing",
        location_kind=Asset.LocationKind.POINT,
        address="Block 412 void deck",
        description="Sewing classes",
    )
    raj = _add(
        workshop,
        participant="p2",
        added_by_name="Raj",
        name="Mdm Tan sewing class",
        description="Free for seniors",
    )
    client.force_login(cast.user("coordinator"))
    review, board = _merge_on_the_page(client, cast, workshop, siti, raj)
    # The names differ: the sentence does not name the first one as if it were kept.
    assert "become part of “Mdm Tan&#x27;s sewing”" not in review
    assert "They become one item, with the values ticked below." in review
    assert "Mdm Tan sewing class — suggested" in review
    # The address says where, so "at a place" is suggested, not "it comes to you".
    assert "At a place, not yet on the map" in review
    siti.refresh_from_db()
    assert siti.name == "Mdm Tan sewing class" and siti.location_kind == "point"
    assert siti.description == "Sewing classes.\n\nFree for seniors."
    # The board: the merged item says who added both, and the old one is not said to
    # be "part of" an item of its own name.
    assert "added by Siti and Raj" in board
    assert "now part of “Mdm Tan sewing class”" not in board
    assert "merged into the other “Mdm Tan sewing class”" in board


def test_the_review_page_names_the_item_when_the_names_agree(client, cast, workshop):
    a = _add(workshop, name="Sewing", offered_by="Mdm Tan")
    b = _add(workshop, participant="p2", name="Sewing", description="Fridays")
    client.force_login(cast.user("coordinator"))
    review, board = _merge_on_the_page(client, cast, workshop, a, b)
    assert "They become one item, “Sewing”." in review
