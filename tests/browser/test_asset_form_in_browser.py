"""A community developer adds an asset on a phone: taps the map for the place, finds tags
with the search box, and sees the asset's page with a small map and its history in
words. Every step is screenshotted and passes axe-core's serious and critical checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILES = "https://tile.openstreetmap.org/**"


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_coordinator_adds_an_asset_by_tapping_the_map(cast, page, log_in, live_server, shot):
    from kampung.assets.models import Asset

    page.route(TILES, lambda route: route.abort())
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/assets/new/")
    expect(page.get_by_role("heading", name="Add an asset")).to_be_visible()
    expect(page.get_by_label("Latitude")).to_have_count(0)
    shot(page, "asset-form-1-empty-mobile")
    assert _serious_violations(page) == []
    assert _fits_the_phone(page)

    page.get_by_label("What is it called?").fill("Block 5 community fridge")
    page.get_by_label("What kind of asset is it?").select_option("place")
    expect(page.get_by_label("At a place (tap the map)")).to_be_checked()
    # The typed position waits behind its disclosure.
    expect(page.get_by_label("Position")).to_be_hidden()
    page.locator("#pick-map").click(position={"x": 200, "y": 140})
    expect(page.get_by_text("Place marked on the map.")).to_be_visible()
    assert page.locator("[data-pick=lat]").input_value() != ""
    shot(page, "asset-form-2-map-tapped-mobile")

    search = page.get_by_label("Find a skill or service")
    expect(search).to_be_visible()
    search.fill("pantry")
    food = page.get_by_label("Food Pantry", exact=True)
    expect(food).to_be_visible()
    expect(page.get_by_label("Gardening", exact=True)).to_be_hidden()  # filtered out
    expect(page.get_by_text("1 shown")).to_be_visible()
    food.check()
    expect(page.get_by_text("Ticked: Food Pantry")).to_be_visible()
    shot(page, "asset-form-3-tags-filtered-mobile")
    search.fill("cook")
    expect(page.get_by_label("Food Pantry", exact=True)).to_be_visible()  # ticked stays
    page.get_by_label("Cooking and meal preparation", exact=True).check()
    search.fill("zzzz")
    expect(page.get_by_text("Nothing matches. Try a shorter word.")).to_be_visible()
    search.fill("")
    expect(page.get_by_label("Gardening", exact=True)).to_be_visible()
    # The box is empty and the full list is back: the message goes at once.
    count = page.locator("[data-tag-count]")
    expect(count).to_have_text("", timeout=250)
    page.wait_for_timeout(500)
    expect(count).to_have_text("")
    # Cleared by the box's own clear (Escape), the message goes too.
    search.fill("zzzz")
    expect(page.get_by_text("Nothing matches. Try a shorter word.")).to_be_visible()
    search.press("Escape")
    if search.input_value() == "":
        expect(count).to_have_text("", timeout=250)
    search.fill("")
    assert _serious_violations(page) == []
    assert _fits_the_phone(page)

    page.get_by_role("button", name="Add to the map").click()
    expect(page.get_by_text("Block 5 community fridge is on the map.")).to_be_visible()
    asset = Asset.objects.get(name="Block 5 community fridge")
    assert asset.lat is not None and asset.lng is not None
    assert sorted(asset.tags.values_list("title", flat=True)) == [
        "Cooking and meal preparation",
        "Food Pantry",
    ]
    # The asset's page: a small map with its marker, the place in words, no numbers.
    expect(page.locator("#place-map .leaflet-marker-icon")).to_have_count(1)
    where = page.locator("dl.details dd").first.inner_text()
    assert where.startswith(("Near ", "At ", "About ")), where
    assert f"{asset.lat:.5f}" not in page.locator("dl.details").inner_text()
    expect(page.get_by_text(f"{asset.lat:.5f}")).to_be_hidden()  # inside "Exact position"
    name = cast.user("coordinator").display_name
    expect(page.locator(".history")).to_contain_text(f"Created by {name} on ")
    shot(page, "asset-form-4-asset-page-mobile")
    assert _serious_violations(page) == []
    assert _fits_the_phone(page)

    # A change reads as a sentence too.
    page.get_by_role("link", name="Change").click()
    expect(page.get_by_label("Food Pantry", exact=True)).to_be_checked()
    page.get_by_label("Opening times (optional)").fill("Mon 09:00-17:00")
    page.get_by_label("Cost").select_option("donation")
    page.get_by_role("button", name="Save changes").click()
    history = page.locator(".history")
    expect(history).to_contain_text("Added Opening times: “Mon 09:00-17:00”")
    expect(history).to_contain_text("Changed Cost from “Free” to “Donation”")
    expect(history).not_to_contain_text("Moved the place")  # the edit kept the place
    for internal in ("community_id", "updated_at", "_id", "(changed)"):
        expect(history).not_to_contain_text(internal)
    history.scroll_into_view_if_needed()
    shot(page, "asset-form-5-history-in-words-mobile")
    assert _serious_violations(page) == []
