"""The gap analysis on a phone (390 × 844): a coordinator finds it from the dashboard,
sees labelled squares shaded by their gap (the demo's far east end is red, and says
what it is near), and the table reads as one card per area with nothing off-screen:
the area, the requests without a match and what is asked for first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILES = "https://tile.openstreetmap.org/**"


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["width"] > 0 and box["x"] >= 0 and box["x"] + 8 <= width


def _wholly_in_view(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return (
        box is not None and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width
    )


def test_a_coordinator_sees_where_requests_outnumber_matching_assets(
    cast, page, log_in, live_server, shot
):
    page.route(TILES, lambda route: route.abort())
    log_in(page, "coordinator@demo.kampung.test")
    shot(page, "gaps-1-dashboard-mobile")
    page.get_by_role("link", name="Gaps by area: where requests outnumber matching assets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Gaps: where requests outnumber matching assets"
    )
    page.wait_for_selector("#gap-map .gap-label span", timeout=10_000)

    # Squares carry the same labels as the table's first column, always shown.
    labels = set(page.locator("#gap-map .gap-label span").all_inner_texts())
    rows = page.locator("tr[data-testid=gap-row] th[scope=row] a")
    assert set(rows.all_inner_texts()) == labels and labels
    # At least one square is shaded as a gap, and it is the table's first row (sorted
    # by gap) with its badge; its chip on the map says what it is near, as the row does.
    assert page.locator("#gap-map path.gap-square-gap").count() >= 1
    first = page.locator("tr[data-testid=gap-row]").first
    expect(first).to_have_class("gap-shade-gap gap-row")
    gap_label = first.locator("th[scope=row] a").inner_text()
    gap_chip = page.locator("#gap-map .gap-label-gap span", has_text=gap_label)
    expect(gap_chip).to_have_count(1)
    near = first.locator(".gap-near").inner_text()
    assert near.startswith("near ")
    expect(page.get_by_test_id("gap-where")).to_contain_text(f"{gap_label} — {near}")
    expect(page.get_by_test_id("gap-summary")).to_contain_text("more requests than matching")
    assert "need" not in page.locator("main").inner_text().lower()  # "requests" throughout
    shot(page, "gaps-2-map-mobile")
    assert _serious_violations(page) == []

    # Nothing is wider than the phone: the table is one card per area.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    key = first.locator("th[scope=row]")
    key.scroll_into_view_if_needed()
    assert _in_view(page, key)
    asked = first.locator("td.gap-asked")
    expect(asked).to_contain_text("Driving and lifts")
    expect(asked).to_be_visible()
    assert _wholly_in_view(page, asked)
    # Each figure is labelled with its column's heading, the gap first.
    unmet = first.locator("td").first
    assert unmet.get_attribute("data-label") == "Without a match"
    assert _wholly_in_view(page, unmet)
    expect(page.locator(".gap-table thead th").first).to_have_text("Area")  # still a table
    first.scroll_into_view_if_needed()
    shot(page, "gaps-3-table-mobile")
    assert _serious_violations(page) == []

    # On a desktop a table with its headings in view, nothing off the page.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator(".gap-table thead th").nth(2)).to_be_visible()
    assert _in_view(page, key) and _in_view(page, asked)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shot(page, "gaps-5-desktop")
    assert _serious_violations(page) == []
