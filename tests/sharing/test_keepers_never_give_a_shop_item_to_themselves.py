"""Staff never act for themselves: a shop's keepers (community developers, the shop's
steward) do not ask for that shop's items, and nobody chooses their own request as the
receiver, on the page or through the API (found by the attack: a coordinator asked for a
shop's item, chose themselves and marked it collected)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kampung.assets.models import Asset
from kampung.errors import Invalid
from kampung.people.actions import create_api_token
from kampung.sharing import actions
from kampung.sharing.models import GiftRequest, Listing
from kampung.sharing.queries import SHOP_SUBTYPE


@pytest.fixture
def shop(cast):
    return Asset.objects.get(community=cast.community, subtype=SHOP_SUBTYPE)


@pytest.fixture
def shop_item(cast, shop):
    return actions.list_item(
        by=cast.user("coordinator"),
        community=cast.community,
        shop=shop,
        title="Rice cooker",
        category="kitchen",
    )


def _bearer(cast, role):
    _token, secret = create_api_token(user=cast.user(role), name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_community_developer_cannot_ask_for_a_shops_item(cast, shop_item):
    with pytest.raises(Invalid) as refused:
        actions.ask_for_item(by=cast.user("coordinator"), listing=shop_item)
    assert "look after" in str(refused.value.fields["__all__"][0])
    assert not GiftRequest.objects.filter(listing=shop_item).exists()


def test_the_shops_steward_cannot_ask_for_its_items(cast, shop, shop_item):
    shop.steward_member = cast.members["resident"]
    shop.save()
    with pytest.raises(Invalid):
        actions.ask_for_item(by=cast.user("resident"), listing=shop_item)
    # Another member still may.
    assert actions.ask_for_item(by=cast.user("volunteer"), listing=shop_item)


def test_the_api_refuses_the_ask_in_the_one_error_body(cast, csrf_client, shop_item):
    url = f"/api/v1/communities/{cast.community.slug}/gifts/{shop_item.pk}/requests"
    refused = csrf_client.post(
        url, {}, content_type="application/json", **_bearer(cast, "coordinator")
    )
    assert refused.status_code == 422
    assert "look after" in refused.json()["error"]["message"]
    assert not GiftRequest.objects.filter(listing=shop_item).exists()


def test_the_page_refuses_the_ask_in_plain_words(cast, client, shop_item):
    client.force_login(cast.user("coordinator"))
    page = client.post(
        reverse("gift_ask", args=[cast.community.slug, shop_item.pk]), {"shares": ""}
    )
    assert page.status_code == 422
    assert "look after" in page.content.decode()
    assert not GiftRequest.objects.filter(listing=shop_item).exists()


def test_nobody_chooses_their_own_request(cast, csrf_client, shop, shop_item):
    # Made before they looked after the shop: the resident asked, then became its steward.
    mine = actions.ask_for_item(by=cast.user("resident"), listing=shop_item)
    shop.steward_member = cast.members["resident"]
    shop.save()
    with pytest.raises(Invalid) as refused:
        actions.choose_receiver(by=cast.user("resident"), listing=shop_item, request=mine)
    assert "yourself" in str(refused.value.fields["request"][0])
    # A request a coordinator somehow holds: refused through the API as well.
    theirs = GiftRequest.objects.create(listing=shop_item, member=cast.members["coordinator"])
    url = f"/api/v1/communities/{cast.community.slug}/gifts/{shop_item.pk}/choose"
    chosen = csrf_client.post(
        url,
        {"request_id": theirs.pk},
        content_type="application/json",
        **_bearer(cast, "coordinator"),
    )
    assert chosen.status_code == 422
    assert "yourself" in str(chosen.json()["error"]["fields"])
    shop_item.refresh_from_db()
    assert shop_item.status == Listing.Status.OPEN
    # Someone else's request is chosen as before.
    actions.choose_receiver(by=cast.user("coordinator"), listing=shop_item, request=mine)
