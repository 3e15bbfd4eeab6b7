"""A Gift and Take shop (a place in the register) holds items for donors: community
developers or its steward list them; the shop shows as the giver and its pickup place."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kampung.assets.models import Asset
from kampung.sharing import actions, contacts
from kampung.sharing.queries import SHOP_SUBTYPE


@pytest.fixture
def shop(cast):
    return Asset.objects.get(community=cast.community, subtype=SHOP_SUBTYPE)


def test_a_community_developer_lists_for_the_shop_and_it_shows_as_giver(cast, client, shop):
    listing = actions.list_item(
        by=cast.user("coordinator"),
        community=cast.community,
        shop=shop,
        title="Microwave",
        category="kitchen",
    )
    assert listing.giver is None and listing.pickup_area == shop.name
    client.force_login(cast.user("volunteer"))
    page = client.get(reverse("gift_detail", args=[cast.community.slug, listing.pk]))
    assert shop.name in page.content.decode()
    request = actions.ask_for_item(by=cast.user("volunteer"), listing=listing)
    actions.choose_receiver(by=cast.user("coordinator"), listing=listing, request=request)
    listing.refresh_from_db()
    seen = contacts.contacts_for(cast.user("volunteer"), listing)
    assert seen[0]["name"] == shop.name and seen[0]["contact"] == shop.contact


def test_the_shops_steward_lists_for_it_and_residents_cannot(cast, shop):
    with pytest.raises(PermissionDenied):
        actions.list_item(
            by=cast.user("resident"),
            community=cast.community,
            shop=shop,
            title="Lamp",
            category="other",
        )
    shop.steward_member = cast.members["resident"]
    shop.save()
    listing = actions.list_item(
        by=cast.user("resident"),
        community=cast.community,
        shop=shop,
        title="Lamp",
        category="other",
    )
    assert listing.shop == shop


def test_the_demo_has_a_shop_item_rosnahs_item_with_a_request_and_photos(cast):
    from kampung.sharing.models import Listing

    listings = Listing.objects.filter(community=cast.community)
    assert listings.filter(shop__isnull=False).exists()
    rosnahs = listings.get(giver=cast.members["resident"])
    assert rosnahs.requests.filter(status="waiting").count() == 1
    assert rosnahs.photos.exists()
    assert not listings.filter(requests__member=cast.members["volunteer"]).exists()
    from kampung.sharing.demo import seed_gifts

    assert seed_gifts() == 0  # twice adds nothing
