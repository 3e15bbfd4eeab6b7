"""A person logs in, sees their dashboard, and the pages pass axe-core's checks."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def _serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


def test_a_coordinator_logs_in_and_sees_the_dashboard(cast, page, log_in, shot, live_server):
    log_in(page, "coordinator@demo.kampung.test")
    assert page.get_by_role("heading", level=1).inner_text() == "Kampung Seri Mawar"
    assert page.get_by_text("Community developer").first.is_visible()
    assert page.get_by_role("heading", name="Skills people share").is_visible()
    assert page.get_by_role("link", name="Add a person").first.is_visible()
    path = shot(page, "dashboard-coordinator-mobile")
    assert path.stat().st_size > 10_000
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "dashboard-coordinator-desktop")


@pytest.mark.parametrize(
    "email,path",
    [
        ("coordinator@demo.kampung.test", "/c/kampung-seri-mawar/"),
        ("coordinator@demo.kampung.test", "/c/kampung-seri-mawar/people/"),
        ("coordinator@demo.kampung.test", "/c/kampung-seri-mawar/people/new/"),
        ("resident@demo.kampung.test", "/c/kampung-seri-mawar/people/me/"),
        ("admin@demo.kampung.test", "/c/kampung-seri-mawar/audit/"),
        ("admin@demo.kampung.test", "/c/kampung-seri-mawar/people/me/"),
        ("analyst@demo.kampung.test", "/c/kampung-seri-mawar/organisations/"),
        ("resident@demo.kampung.test", "/c/kampung-seri-mawar/assets/new/"),
        ("partner@demo.kampung.test", "/c/kampung-seri-mawar/"),
    ],
)
def test_pages_have_no_serious_accessibility_violations(
    cast, page, log_in, live_server, email, path
):
    log_in(page, email)
    page.goto(f"{live_server.url}{path}")
    assert _serious_violations(page) == []


def test_the_login_page_is_accessible_and_keyboard_usable(db, page, live_server):
    page.goto(f"{live_server.url}/login/")
    assert _serious_violations(page) == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"


def test_a_coordinator_adds_a_person_without_email_and_records_consent_for_them(
    cast, page, log_in, live_server, shot
):
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/people/new/")
    page.get_by_role("button", name="Add this person").click()
    assert page.get_by_role("alert").is_visible()  # the name is required, and says so
    page.get_by_label("Name they like to be called").fill("Mdm Tan Ah Lian")
    page.get_by_label("Chinese").check()
    page.get_by_label("Cooking and meal preparation").check()
    page.get_by_role("button", name="Add this person").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mdm Tan Ah Lian"
    page.get_by_label("Record a new consent").select_option("contact_sharing")
    page.get_by_role("button", name="Record consent").click()
    assert page.get_by_text("Consent recorded.").is_visible()
    assert page.get_by_text("on their behalf").first.is_visible()
    shot(page, "member-on-behalf")
