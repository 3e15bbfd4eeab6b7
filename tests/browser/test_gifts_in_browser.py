"""Gift and take on a phone, end to end: Rosnah lists an item with a photo, Vijay finds
it and says "I'd like this", Rosnah chooses him (both then see each other's contact
details) and marks it collected. Screenshots at each step; axe on each new page."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "kampung-seri-mawar"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _photo(tmp_path):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 900), (240, 235, 225))
    ImageDraw.Draw(image).rectangle((300, 200, 900, 700), fill=(120, 80, 40))
    path = tmp_path / "bookshelf.jpg"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _axe(page, what):
    found = _serious_violations(page)
    assert found == [], f"{what}: {found}"


def test_an_item_is_listed_asked_for_promised_and_collected(
    media, cast, browser, page, log_in, live_server, shot, tmp_path
):
    from kampung.sharing.models import Listing

    # Rosnah, the giver. The list page is the first page (the home page will link to it).
    log_in(page, "resident@demo.kampung.test")
    page.goto(f"{live_server.url}/c/{SLUG}/gifts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gift and take")
    expect(page.get_by_text("1 person would like your item — choose who")).to_be_visible()
    shot(page, "gifts-1-list-giver")
    _axe(page, "list")

    page.get_by_role("link", name="Give an item away").click()
    page.get_by_role("button", name="List the item").click()  # nothing filled in
    expect(page.get_by_role("heading", name="Please check the form")).to_be_visible()
    shot(page, "gifts-2-form-errors")
    _axe(page, "form with errors")
    page.get_by_label("What is it?").fill("Wooden bookshelf, 4 shelves")
    page.get_by_label("Kind of item").select_option(label="Furniture")
    page.get_by_label("Condition").select_option(label="Good, some signs of use")
    page.get_by_label("Pickup area").fill("Blk 121 Seri Mawar")
    page.get_by_label("Photos (optional, up to 4)").set_input_files(str(_photo(tmp_path)))
    shot(page, "gifts-3-form-filled")
    page.get_by_role("button", name="List the item").click()
    expect(page.get_by_text("Your item is listed.")).to_be_visible()
    expect(page.get_by_role("img", name="Photo 1 of Wooden bookshelf, 4 shelves")).to_be_visible()
    shot(page, "gifts-4-listed")
    _axe(page, "listing (giver)")
    listing = Listing.objects.get(title="Wooden bookshelf, 4 shelves")
    assert listing.photos.count() == 1

    # Vijay finds it and asks for it.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    vijay = context.new_page()
    log_in(vijay, "volunteer@demo.kampung.test")
    vijay.goto(f"{live_server.url}/c/{SLUG}/gifts/")
    vijay.get_by_label("Words").fill("bookshelf")
    vijay.get_by_label("Kind of item").select_option(label="Furniture")
    vijay.get_by_role("button", name="Search").click()
    expect(vijay.get_by_role("heading", name="Items found")).to_be_visible()
    shot(vijay, "gifts-5-search")
    vijay.get_by_role("link", name="Wooden bookshelf, 4 shelves").click()
    vijay.get_by_label("A message to the giver (optional)").fill("I can come on Sunday afternoon.")
    vijay.get_by_label("My email address").check()
    shot(vijay, "gifts-6-ask")
    _axe(vijay, "listing (asker)")
    vijay.get_by_role("button", name="I'd like this").click()
    expect(vijay.get_by_text("We told the giver you would like it.")).to_be_visible()
    expect(vijay.get_by_text("Waiting for the giver")).to_be_visible()
    shot(vijay, "gifts-7-asked")

    # Rosnah chooses him: both now see each other's contact details.
    page.reload()
    expect(page.get_by_text("1 person would like it.")).to_be_visible()
    page.get_by_role("link", name="Choose who receives it").click()
    expect(page.get_by_text("I can come on Sunday afternoon.")).to_be_visible()
    page.get_by_label("Vijay").check()
    page.get_by_label("My email address").check()
    shot(page, "gifts-8-choose")
    _axe(page, "choose")
    page.get_by_role("button", name="Give it to this person").click()
    expect(page.get_by_text("You chose Vijay.")).to_be_visible()
    receiver = page.get_by_test_id("contact-receiver")
    expect(receiver).to_contain_text("Vijay")
    expect(receiver).to_contain_text("volunteer@demo.kampung.test")
    shot(page, "gifts-9-promised-giver")
    _axe(page, "promised (giver)")

    vijay.reload()
    giver = vijay.get_by_test_id("contact-giver")
    expect(giver).to_contain_text("Rosnah")
    expect(giver).to_contain_text("resident@demo.kampung.test")
    expect(vijay.get_by_text("Promised to you")).to_be_visible()
    shot(vijay, "gifts-10-promised-receiver")
    _axe(vijay, "promised (receiver)")

    # The handover.
    page.get_by_role("button", name="They collected it").click()
    expect(page.get_by_text("Marked as collected.")).to_be_visible()
    expect(page.get_by_test_id("given-to")).to_contain_text("Given to Vijay on")
    expect(page.get_by_text("Thank you for passing it on.")).to_be_visible()
    shot(page, "gifts-11-collected")
    vijay.get_by_role("link", name="Back to gift and take").click()
    vijay.get_by_role("link", name="My gifts and requests").click()
    expect(vijay.get_by_role("heading", name="What I asked for")).to_be_visible()
    expect(vijay.get_by_text("Collected").first).to_be_visible()
    shot(vijay, "gifts-12-my-requests")
    _axe(vijay, "my gifts and requests")
    context.close()
    listing.refresh_from_db()
    assert listing.status == Listing.Status.COLLECTED


def test_the_community_developers_pages(media, cast, page, log_in, live_server, shot):
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/{SLUG}/gifts/")
    staff = page.get_by_role("navigation", name="For community developers")
    expect(staff.get_by_role("link", name="People who did not come to collect")).to_be_visible()
    shot(page, "gifts-13a-list-staff")
    _axe(page, "list (staff)")
    staff.get_by_role("link", name="Settings").click()
    page.get_by_label("How many items one person may ask for at once").fill("4")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    shot(page, "gifts-13-settings")
    _axe(page, "settings")
    page.get_by_role("link", name="People who did not come for items").click()
    expect(page.get_by_text("Nobody has missed a pickup twice.")).to_be_visible()
    shot(page, "gifts-14-no-shows")
    _axe(page, "no-shows")


def test_a_community_developer_takes_down_a_listing(media, cast, page, log_in, live_server, shot):
    from kampung.sharing.models import Listing

    listing = Listing.objects.filter(giver__isnull=False, status=Listing.Status.OPEN).first()
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/{SLUG}/gifts/")
    page.get_by_role("link", name=listing.title).click()
    page.get_by_role("button", name="Take it down").click()  # no reason
    expect(page.get_by_role("heading", name="Please check the form")).to_be_visible()
    page.get_by_label("Why are you taking it down?").fill("Medicines cannot be given away here.")
    shot(page, "gifts-15-take-down")
    _axe(page, "take down")
    page.get_by_role("button", name="Take it down").click()
    expect(page.get_by_text("Taken down. We told the giver why.")).to_be_visible()
    shot(page, "gifts-16-taken-down")
    listing.refresh_from_db()
    assert listing.status == Listing.Status.WITHDRAWN
