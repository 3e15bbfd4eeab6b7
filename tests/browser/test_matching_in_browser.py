"""Matching end to end in real browsers: a coordinator opens the demo's phone-help
request, sees explained candidates, suggests the volunteer; the volunteer sees the
message, says yes, sees the contact details, and marks it done."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_need_is_matched_accepted_and_completed(cast, browser, page, log_in, live_server, shot):
    from kampung.matching.models import Match

    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/")
    page.get_by_role("link", name="Requests").first.click()
    page.get_by_role("link", name="Help setting up my new phone").click()
    first = page.get_by_test_id("candidate").first
    expect(first).to_contain_text("Help with phones, tablets and video calls")
    expect(first).to_contain_text("Skill or service fit")
    shot(page, "need-candidates-mobile")
    assert _serious_violations(page) == []
    first.get_by_role("button", name="Suggest").click()
    expect(page.get_by_text("Suggested, waiting for an answer")).to_be_visible()

    vol_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    vol = vol_ctx.new_page()
    log_in(vol, "volunteer@demo.kampung.test")
    vol.goto(f"{live_server.url}/c/kampung-seri-mawar/messages/")
    vol.get_by_role(
        "link", name="You have been asked to help: Help setting up my new phone"
    ).click()
    expect(
        vol.get_by_text("Contact details show here once the helper has said yes.")
    ).to_be_visible()
    vol.get_by_role("button", name="Yes, I can help").click()
    expect(vol.get_by_text("Rosnah:")).to_be_visible()  # nothing shared until she chooses
    vol.get_by_label("Hours").fill("1")
    vol.get_by_label("Minutes").fill("30")
    vol.get_by_label("How did it go? (optional)").fill("We set up WhatsApp video calls.")
    vol.get_by_role("button", name="Mark as done").click()
    expect(vol.get_by_text("Marked as done. Thank you!")).to_be_visible()
    vol.get_by_role("button", name="Record 90 minutes in the time bank").click()
    expect(vol.get_by_text("In the time bank: Waiting for confirmation.")).to_be_visible()
    shot(vol, "match-done-mobile")
    assert _serious_violations(vol) == []
    match = Match.objects.get()
    assert (match.status, match.minutes_given) == ("completed", 90)
    vol_ctx.close()


def test_a_resident_asks_for_help_somewhere_else_by_tapping_the_map(
    cast, page, log_in, live_server, shot
):
    from kampung.matching.models import Need

    log_in(page, "resident@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/needs/new/")
    page.get_by_label("What do you need?").fill("Someone to carry shopping from the market")
    page.get_by_label("Tell us more").fill("Heavy bags from the wet market on Saturday morning")
    pick = page.locator("#pick-map")
    expect(pick).to_be_visible()
    page.get_by_label("Online or by phone").check()  # nothing to place: the map goes away
    expect(pick).to_be_hidden()
    page.get_by_label("In person").check()
    expect(pick).to_be_visible()
    pick.click(position={"x": 120, "y": 90})
    expect(page.get_by_text("Place marked on the map.")).to_be_visible()
    assert _serious_violations(page) == []
    shot(page, "need-form-map-mobile")
    page.get_by_role("button", name="Send my request").click()
    need = Need.objects.get(title="Someone to carry shopping from the market")
    centre = cast.community
    assert need.lat is not None and (need.lat, need.lng) != (centre.centre_lat, centre.centre_lng)
    assert abs(need.lat - centre.centre_lat) < 0.05 and abs(need.lng - centre.centre_lng) < 0.05


def test_what_i_offer_shows_the_map_only_for_an_offer_at_a_place(
    cast, page, log_in, live_server, shot
):
    log_in(page, "volunteer@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/offers/")
    pick = page.locator("#pick-map")
    expect(pick).to_be_hidden()  # "comes to you" is the default
    page.get_by_label("At a place").check()
    expect(pick).to_be_visible()
    expect(
        page.get_by_role("button", name="Pause for now — Help with phones, tablets and video calls")
    ).to_be_visible()
    assert _serious_violations(page) == []
    shot(page, "offers-mobile")
