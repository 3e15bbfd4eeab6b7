"""On a phone: a community developer records a helper's background check on the person's
page and sees it listed as valid; a request's candidates are headed by the person and
what they offer, with the not-suggested groups as sentences. axe on both pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_check_is_recorded_on_the_persons_page(cast, page, log_in, live_server, shot):
    volunteer = cast.members["volunteer"]
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/people/{volunteer.pk}/")
    section = page.get_by_role("region", name="Background checks")
    expect(section).to_be_visible()
    section.get_by_text("Record a check").click()
    today = timezone.localdate()
    section.get_by_label("Level").select_option("2")
    section.get_by_label("Kind of check (optional)").fill("Enhanced check")
    section.get_by_label("Date checked").fill((today - timedelta(days=20)).isoformat())
    section.get_by_label("Expiry date").fill((today + timedelta(days=20)).isoformat())
    section.get_by_label("Who checked").fill("Seri Mawar Family Service Centre")
    section.get_by_label("Reference (optional)").fill("ENH-3310")
    section.get_by_role("button", name="Record check").click()
    expect(page.get_by_text("Background check recorded for")).to_be_visible()
    expect(page.get_by_test_id("check").first).to_contain_text("Expires soon")
    shot(page, "member-checks-mobile")
    assert _serious_violations(page) == []
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/people/")
    expect(page.get_by_text("Background checks expiring in the next 30 days")).to_be_visible()
    shot(page, "member-list-checks-due-mobile")
    assert _serious_violations(page) == []


def test_candidates_are_headed_by_the_person(cast, page, log_in, live_server, shot):
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}/c/kampung-seri-mawar/needs/")
    page.get_by_role("link", name="Help setting up my new phone").click()
    first = page.get_by_test_id("candidate").first
    name = cast.members["volunteer"].display_name
    expect(first.get_by_role("heading")).to_contain_text(
        f"{name} — Help with phones, tablets and video calls"
    )
    page.get_by_text("Not suggested, and why").click()
    shot(page, "need-candidates-by-person-mobile")
    assert _serious_violations(page) == []
