"""The gap analysis on a phone (390 × 844): a coordinator finds it from the dashboard,
sees labelled squares shaded by their gap (the demo's far east end is red), and the
table's key column (the area's label) stays in view while the table scrolls sideways."""

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
    # by gap) with its badge.
    assert page.locator("#gap-map path.gap-square-gap").count() >= 1
    first = page.locator("tr[data-testid=gap-row]").first
    expect(first).to_have_class("gap-shade-gap gap-row")
    gap_label = first.locator("th[scope=row] a").inner_text()
    expect(page.locator("#gap-map .gap-label-gap span", has_text=gap_label)).to_have_count(1)
    expect(page.get_by_test_id("gap-summary")).to_contain_text("more requests than matching")
    assert "need" not in page.locator("main").inner_text().lower()  # "requests" throughout
    shot(page, "gaps-2-map-mobile")
    assert _serious_violations(page) == []

    # The table: its key column is on screen, and stays there when scrolled sideways.
    key = first.locator("th[scope=row]")
    key.scroll_into_view_if_needed()
    assert _in_view(page, key)
    expect(first).to_contain_text("Driving and lifts")
    shot(page, "gaps-3-table-mobile")
    page.locator(".gap-list .table-scroll").evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert page.locator(".gap-list .table-scroll").evaluate("el => el.scrollLeft") > 0
    assert _in_view(page, key)
    shot(page, "gaps-4-table-scrolled-mobile")

    # On a desktop the same.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert _in_view(page, key)
    shot(page, "gaps-5-desktop")
    assert _serious_violations(page) == []
