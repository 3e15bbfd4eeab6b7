"""The Sharing page on a phone, reached from the dashboard by tapping: what waits for
the person first, then gift and take, the fridges and the sessions; no serious axe
violations, nothing wider than the phone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.parametrize("role", ["resident", "volunteer", "coordinator", "analyst"])
def test_the_sharing_page_from_the_dashboard(cast, page, log_in, live_server, shot, role):
    log_in(page, f"{role}@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sharing").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Sharing", exact=True).is_visible()
    assert page.get_by_role("heading", name="Community fridges and pantries").is_visible()
    assert page.get_by_role("heading", name="Skill-sharing sessions").is_visible()
    gifts = page.get_by_role("heading", name="Gift and take")
    assert gifts.count() == (0 if role == "analyst" else 1)
    if role == "resident":
        waiting = page.get_by_role("heading", name="Waiting for you")
        assert waiting.is_visible()
        page.get_by_role("link", name="would like your item").first.click()
        page.wait_for_load_state("networkidle")
        assert "/gifts/mine/" in page.url
        page.go_back()
    assert _serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    path = shot(page, f"sharing-{role}")
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS / f"sharing-{role}.png")
