"""The asset map in a real browser: markers or counts appear, the list is beside it,
and the page passes axe-core's checks."""

from __future__ import annotations

import pytest

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_shows_assets_and_the_list(cast, page, log_in, live_server, shot):
    # Tiles come from the internet, which tests cannot reach: block them and check the
    # map still shows its own markers.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    log_in(page, "coordinator@demo.kampung.test")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/assets/")
    page.wait_for_selector(".cell-count, .leaflet-interactive", timeout=10_000)
    assert page.get_by_role("heading", name="Asset map").is_visible()
    assert page.locator(".asset-list li a").count() > 0
    shot(page, "asset-map-desktop")
    assert _serious_violations(page) == []


def test_an_asset_page_shows_freshness_and_history(cast, page, log_in, live_server, shot):
    from kampung.assets.models import Asset

    asset = Asset.objects.filter(community=cast.community, category="place").first()
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/assets/{asset.pk}/")
    page.get_by_role("button", name="I checked: this is still right").click()
    assert page.get_by_text("marked as checked today").is_visible()
    shot(page, "asset-detail-mobile")
    assert _serious_violations(page) == []


def test_the_gaps_page_shades_areas_and_sorts(cast, page, log_in, live_server, shot):
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/assets/")
    page.get_by_role("link", name="Gaps by area").click()
    page.wait_for_selector("#gap-map path.leaflet-interactive", timeout=10_000)
    # On a phone each area is a card and the headings are out of sight: sort by links.
    page.get_by_role("navigation", name="Sort the areas").get_by_role(
        "link", name="All assets"
    ).click()
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("All assets")
    shot(page, "asset-gaps-mobile")
    assert _serious_violations(page) == []
