"""A live asset-mapping workshop, end to end in real browsers: a facilitator opens it, two
participants without accounts add items from their phones through the link, the board
fills in without a reload, the facilitator merges a duplicate, edits, accepts and
publishes, and the items are in the asset register with the workshop as their source."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILES = "https://tile.openstreetmap.org/**"


def _phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.route(TILES, lambda route: route.abort())
    return context, page


def _add(page, name, kind, *, tap=None, address="", offered_by="", where=None):
    page.get_by_label("What is it?").fill(name)
    page.get_by_label(kind).check()
    if where:
        page.get_by_label(where).check()
    if tap:
        page.locator("#pick-map").click(position=tap)
        expect(page.get_by_text("Place marked on the map.")).to_be_visible()
    if address:
        page.get_by_label("Address or landmark").fill(address)
    if offered_by:
        page.get_by_label("Who offers it? (optional)").fill(offered_by)
    page.get_by_role("button", name="Add it to the board").click()
    expect(page.get_by_text(f"Thank you! “{name}” is on the board.")).to_be_visible()


def test_a_workshop_from_opening_to_the_map(cast, browser, page, log_in, live_server, shot):
    from kampung.assets.models import Asset
    from kampung.workshops.models import WorkshopItem

    page.route(TILES, lambda route: route.abort())
    log_in(page, "coordinator@demo.kampung.test")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/assets/")
    page.get_by_role("link", name="Mapping workshops").click()
    page.get_by_label("Name of the event").fill("Block 12 mapping evening")
    page.get_by_label("Question for participants (optional)").fill(
        "What is good about living here?"
    )
    page.get_by_role("button", name="Open the workshop").click()
    # The message is shown once, at the top, above the QR code it talks about.
    expect(page.get_by_text("Workshop opened. Share the link or QR code below.")).to_have_count(1)
    join_url = page.get_by_test_id("join-link").get_attribute("href")
    assert "/w/" in join_url
    assert _serious_violations(page) == []

    # Two participants, no accounts, on their phones.
    aisha_ctx, aisha = _phone(browser)
    aisha.goto(join_url)
    expect(aisha.get_by_text("What is good about living here?")).to_be_visible()
    shot(aisha, "workshop-join-mobile")
    assert _serious_violations(aisha) == []
    _add(aisha, "Community fridge", "A place or space", tap={"x": 180, "y": 120})
    aisha.get_by_label("Your first name (optional)").fill("Aisha")
    _add(aisha, "Youth football", "A group or club", address="the field behind Block 14")
    expect(aisha.get_by_role("heading", name="You have added 2 things")).to_be_visible()

    raj_ctx, raj = _phone(browser)
    raj.goto(join_url)
    raj.get_by_label("Your first name (optional)").fill("Raj")
    _add(
        raj,
        "Football for teens",
        "A group or club",
        tap={"x": 220, "y": 160},
        offered_by="Coach Raj",
    )
    _add(raj, "Sewing repairs", "Someone's skill", where="It comes to you", offered_by="Mdm Tan")
    assert "Community fridge" not in raj.content()  # each sees only their own

    # The facilitator's board fills in by itself.
    expect(page.get_by_test_id("board-total")).to_have_text("4 items", timeout=10_000)
    expect(page.locator("#board")).to_contain_text("Football for teens")
    expect(page.locator("#board")).to_contain_text("Needs a place on the map")
    shot(page, "workshop-board-desktop")

    # Merge the duplicate football entries. The review page ticks the most complete
    # value of each field that differs (the newer, longer name; its map point); the
    # facilitator keeps the older name and the suggested place.
    page.get_by_role("checkbox", name="Youth football").check()
    page.get_by_role("checkbox", name="Football for teens").check()
    page.get_by_role("button", name="Merge ticked items").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge 2 items into one")
    # The names differ, so the page does not say which one it becomes before you pick.
    expect(page.locator(".lead")).to_contain_text(
        "They become one item, with the values ticked below."
    )
    expect(page.get_by_test_id("merge-item").first).to_contain_text("added by Aisha")
    name = page.get_by_role("group", name="What it is called")
    expect(name.get_by_label("Football for teens — suggested")).to_be_checked()
    place = page.get_by_role("group", name="Where it is")
    expect(place.get_by_label("— suggested")).to_be_checked()
    expect(place.get_by_label("— suggested")).to_have_accessible_name(
        re.compile(r"^On the map \(from “Football for teens”\)")
    )
    # Only one of them says who offers it: kept, with nothing to choose.
    expect(page.get_by_role("group", name="Who offers it")).to_have_count(0)
    shot(page, "workshop-merge-review-desktop")
    assert _serious_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "workshop-merge-review-mobile")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert _serious_violations(page) == []
    name.get_by_label("Youth football", exact=True).check()
    page.get_by_role("button", name="Merge into one item").click()
    # On the phone: the message once, the merged item added by both, nothing too wide.
    expect(page.get_by_text("Merged into “Youth football”.")).to_have_count(1)
    expect(page.locator("#board")).to_contain_text("now part of “Youth football”")
    kept = page.get_by_test_id("item").filter(has_text="Youth football").first
    expect(kept).to_contain_text("added by Aisha and Raj")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "workshop-board-merged-mobile")
    assert _serious_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_test_id("board-total")).to_have_text("3 items")

    # Edit one, then accept the rest and publish.
    page.get_by_role("link", name="Edit Sewing repairs").click()
    page.get_by_label("What is it?").fill("Clothes mending by Mdm Tan")
    page.get_by_role("button", name="Save and accept").click()
    expect(page.locator("#board")).to_contain_text("Clothes mending by Mdm Tan")
    page.get_by_role("button", name="Accept all new").click()
    publish = page.get_by_role("button", name=re.compile(r"Put 3 accepted items on the map"))
    publish.click()
    expect(page.locator("#board")).to_contain_text("3 items are now in the asset register.")
    shot(page, "workshop-board-published")
    assert _serious_violations(page) == []

    published = Asset.objects.filter(source=Asset.Source.WORKSHOP).order_by("name")
    assert [a.name for a in published] == [
        "Clothes mending by Mdm Tan",
        "Community fridge",
        "Youth football",
    ]
    football = published.get(name="Youth football")
    assert football.lat is not None and "Coach Raj" in football.description
    assert WorkshopItem.objects.filter(status="merged").count() == 1

    page.get_by_role("link", name="See it in the register Community fridge").click()
    expect(page.locator("main")).to_contain_text("Block 12 mapping evening")
    aisha_ctx.close()
    raj_ctx.close()
