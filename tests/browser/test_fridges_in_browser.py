"""Community fridges in real browsers: someone at the fridge WITHOUT an account scans its
QR link on their phone and says it is empty and warm; the fridge turns red ("Empty") on
the map and in its table, and Vijay, on the fridge's rota, has the warm reading in his
messages. Axe checks every fridge page (serious or critical problems fail)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILES = "https://tile.openstreetmap.org/**"
KSM = "kampung-seri-mawar"


def _axe(page, name):
    problems = _serious_violations(page)
    assert problems == [], f"{name}: {problems}"


def _row(page, name):
    return page.locator("#fridge-table tr", has=page.get_by_role("link", name=name))


def test_a_report_without_an_account_turns_the_fridge_red_and_alerts_the_rota(
    cast, browser, page, log_in, live_server, shot
):
    from kampung.fridges.models import Fridge

    fridge = Fridge.objects.get(community=cast.community, asset__name="Block 12 void deck fridge")
    page.route(TILES, lambda route: route.abort())
    log_in(page, "volunteer@demo.kampung.test")
    page.goto(f"{live_server.url}/c/{KSM}/fridges/")
    row = _row(page, "Block 12 void deck fridge")
    before = row.locator(".fridge-state")
    expect(before).not_to_have_text("Empty")
    expect(before).not_to_have_class(re.compile(r"fill-0"))
    _axe(page, "fridge map")
    shot(page, "fridges-map-before")

    # Someone at the fridge, no account: the QR poster's link on their phone.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    phone = context.new_page()
    phone.route(TILES, lambda route: route.abort())
    phone.goto(f"{live_server.url}/c/{KSM}/fridges/r/{fridge.token}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Block 12 void deck fridge")
    _axe(phone, "public report form")
    # A typo first: 90 °C is refused, named at the field, nothing stored.
    phone.get_by_label("Empty").check()
    phone.get_by_label("Temperature inside, in °C (optional)").fill("90")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Please check the form")).to_be_visible()
    expect(phone.get_by_text("between -30 and 40 °C").first).to_be_visible()
    shot(phone, "fridges-report-refused")
    phone.get_by_label("Empty").check()
    phone.get_by_label("Fine").check()
    phone.get_by_label("Temperature inside, in °C (optional)").fill("9")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Thank you! The map now shows what you saw.")).to_be_visible()
    expect(
        phone.get_by_text(
            "9 °C is too warm: food in it may not be safe. The fridge's volunteers have been told."
        )
    ).to_be_visible()
    expect(phone.locator("#fridge-state")).to_have_text("Empty")
    shot(phone, "fridges-report-sent")
    # Leaving food from the same link.
    phone.get_by_role("link", name="I am leaving food").click()
    _axe(phone, "deposit form")
    phone.get_by_label("Bread and baked goods").check()
    phone.get_by_label("A bag").check()
    phone.get_by_role("button", name="Done").click()
    expect(phone.get_by_text("Give the use-by date on the packet.").first).to_be_visible()
    shot(phone, "fridges-deposit-needs-date")
    context.close()

    # The volunteer's map: the same fridge is now red and says "Empty".
    page.reload()
    row = _row(page, "Block 12 void deck fridge")
    expect(row.locator(".fridge-state")).to_have_text("Empty")
    expect(row.locator(".fridge-state")).to_have_class(re.compile(r"\bfill-0\b"))
    marker = page.locator(".leaflet-marker-icon.fill-0")
    expect(marker.first).to_be_visible()
    assert "Block 12 void deck fridge: Empty" in (marker.first.get_attribute("title") or "")
    # Too warm, in words and a dashed outline, on the marker and in the table.
    expect(row.get_by_text("Too warm (9.0 °C)")).to_be_visible()
    warm = page.locator(".leaflet-marker-icon.fridge-too-warm")
    expect(warm.first).to_be_visible()
    assert "Too warm (9 °C)" in (warm.first.get_attribute("title") or "")
    shot(page, "fridges-map-after")

    # And the warm reading is in his messages.
    page.get_by_role("link", name=re.compile("^Messages")).click()
    expect(page.get_by_text(re.compile(r"Block 12 void deck fridge read 9 °C"))).to_be_visible()
    shot(page, "fridges-volunteer-alerted")

    # His fridge page: state, rules, rota (his "I did the check"), the log.
    page.goto(f"{live_server.url}/c/{KSM}/fridges/")
    page.get_by_role("link", name="Block 12 void deck fridge").click()
    expect(page.locator("#fridge-state")).to_have_text("Empty")
    _axe(page, "fridge page")
    shot(page, "fridges-fridge-page")
    page.get_by_role("link", name="I did the check").first.click()
    _axe(page, "check form")
    page.get_by_label("A quarter full").check()
    page.get_by_label("Needs cleaning").check()
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Thank you for checking")).to_be_visible()
    page.get_by_role("link", name="Food-safety log").click()
    expect(page.get_by_text("too warm").first).to_be_visible()
    expect(page.get_by_text("done by Vijay").first).to_be_visible()
    _axe(page, "food-safety log")
    shot(page, "fridges-log")


def test_a_community_developer_adds_a_fridge_and_prints_its_poster(
    cast, page, log_in, live_server, shot
):
    page.route(TILES, lambda route: route.abort())
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/{KSM}/fridges/")
    page.get_by_role("link", name="Add a fridge or pantry").click()
    _axe(page, "add a fridge")
    page.get_by_label("Name").fill("Market fridge")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Tap the map where the fridge is.").first).to_be_visible()
    shot(page, "fridges-add-refused")
    page.locator("#pick-map").click(position={"x": 150, "y": 120})
    expect(page.get_by_text("Place marked on the map.")).to_be_visible()
    page.get_by_label("Open 24 hours").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“Market fridge” is on the map.")).to_be_visible()
    page.get_by_role("link", name="Settings").click()
    _axe(page, "fridge settings")
    shot(page, "fridges-settings")
    page.go_back()
    page.get_by_role("link", name="Print the QR poster").click()
    expect(page.locator("svg.qr")).to_be_visible()
    _axe(page, "poster")
    shot(page, "fridges-poster")
