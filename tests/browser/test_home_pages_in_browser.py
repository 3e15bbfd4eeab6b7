"""Each role's home page on a phone (390×844) with the demo data, and the error pages:
no horizontal scrolling, no serious axe violations; home pages saved to docs/screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import override_settings

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ROLES = ["resident", "volunteer", "coordinator", "partner", "analyst", "admin"]


def _fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_home_page_on_a_phone(cast, page, log_in, live_server, shot, role):
    log_in(page, f"{role}@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/")
    assert _serious_violations(page) == []
    assert _fits_the_phone(page)
    path = shot(page, f"home-{role}")
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS / f"home-{role}.png")


@override_settings(DEBUG=False, ROOT_URLCONF="tests.site.error_urls")
@pytest.mark.parametrize("path", ["/boom/400/", "/boom/403/", "/no-such-page/", "/boom/500/"])
def test_each_error_page_fits_a_phone_and_passes_axe(db, page, live_server, shot, path):
    page.goto(f"{live_server.url}{path}")
    assert page.get_by_role("link", name="Go to the start page").is_visible()
    assert _serious_violations(page) == []
    assert _fits_the_phone(page)
    shot(page, "error-" + path.strip("/").replace("/", "-"))
