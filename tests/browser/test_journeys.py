"""One journey per role, as a person on a phone would take it: log in, read the home
page, follow its first action to the end. No address is typed after logging in: every
step is a link or a button the person can see. Each step is screenshotted (var/screenshots/
journey-<role>-<n>-<step>.png) and checked with axe, and no page scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


class Journey:
    """Screenshots and checks each step of one role's journey."""

    def __init__(self, page, shot, role: str):
        self.page, self.shot, self.role, self.n = page, shot, role, 0

    def step(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.n += 1
        self.shot(self.page, f"journey-{self.role}-{self.n}-{name}")
        assert _serious_violations(self.page) == [], f"{self.role} step {self.n}: {name}"
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{self.role} step {self.n} ({name}) is {width}px wide"


def _start(page, log_in, live_server, shot, role: str) -> Journey:
    log_in(page, f"{role}@demo.kampung.test")
    journey = Journey(page, shot, role)
    # Logging in lands on the one community's home page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Kampung Seri Mawar")
    journey.step("home")
    return journey


def _home(page) -> None:
    page.get_by_role("link", name="Dashboard").first.click()


def test_a_resident_asks_for_help_with_only_a_title(cast, page, log_in, live_server, shot):
    from kampung.matching.models import Need

    j = _start(page, log_in, live_server, shot, "resident")
    page.get_by_role("link", name="Ask for help").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask for help")
    page.get_by_label("What do you need?").fill("Someone to help me read my letters")
    j.step("ask-form")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Someone to help me read my letters")
    j.step("request-sent")
    need = Need.objects.get(title="Someone to help me read my letters")
    assert need.member == cast.members["resident"] and need.description == ""
    _home(page)
    mine = page.locator("section", has=page.get_by_role("heading", name="Your requests for help"))
    expect(mine.get_by_role("link", name="Someone to help me read my letters")).to_be_visible()
    j.step("home-with-request")


def test_a_volunteer_answers_when_asked_to_help(cast, page, log_in, live_server, shot):
    from kampung.matching import actions
    from kampung.matching.models import Match, Need, Offer

    need = Need.objects.get(community=cast.community, title="Help setting up my new phone")
    offer = Offer.objects.get(member=cast.members["volunteer"])
    actions.propose_match(by=cast.users["coordinator"], need=need, candidate_id=f"offer:{offer.pk}")
    j = _start(page, log_in, live_server, shot, "volunteer")
    # Being asked comes before anything else on the page.
    first_card = page.locator("section.card").first
    expect(first_card).to_contain_text("You have been asked to help")
    first_card.get_by_role("link", name="Answer: Help setting up my new phone").click()
    j.step("asked")
    page.get_by_role("button", name="Yes, I can help").click()
    expect(page.get_by_text("Rosnah:")).to_be_visible()
    j.step("said-yes")
    assert Match.objects.get(need=need).status == Match.Status.ACCEPTED
    _home(page)
    doing = page.locator("section", has=page.get_by_role("heading", name="What you are doing"))
    expect(doing.get_by_role("link", name="Help setting up my new phone")).to_be_visible()
    j.step("home-doing")


def test_a_community_developer_finds_a_helper_from_the_work_queue(
    cast, page, log_in, live_server, shot
):
    from kampung.matching.models import Match

    j = _start(page, log_in, live_server, shot, "coordinator")
    queue = page.locator("section", has=page.get_by_role("heading", name="What needs doing"))
    queue.get_by_role("link", name="requests without a helper").click()
    expect(page.get_by_role("link", name="Help setting up my new phone")).to_be_visible()
    j.step("without-a-helper")
    page.get_by_role("link", name="Help setting up my new phone").click()
    first = page.get_by_test_id("candidate").first
    expect(first).to_contain_text("Vijay")
    j.step("candidates")
    first.get_by_role("button", name="Suggest").click()
    expect(page.get_by_text("Suggested, waiting for an answer")).to_be_visible()
    j.step("suggested")
    assert Match.objects.filter(need__title="Help setting up my new phone").count() == 1
    _home(page)
    j.step("home-after")


def test_partner_staff_follow_their_organisations_request(cast, page, log_in, live_server, shot):
    j = _start(page, log_in, live_server, shot, "partner")
    mine = page.locator(
        "section", has=page.get_by_role("heading", name="Your organisation's requests")
    )
    mine.get_by_role("link", name="Volunteer drivers for our Thursday lunch club").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Volunteer drivers for our Thursday lunch club"
    )
    j.step("org-request")
    _home(page)
    page.get_by_role("link", name="See your organisation's statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Statement: Kampung Seri Mawar Community Club"
    )
    expect(page.get_by_text("Thank you for the Thursday lunch club")).to_be_visible()
    j.step("org-statement")


def test_an_analyst_opens_the_reports(cast, page, log_in, live_server, shot):
    j = _start(page, log_in, live_server, shot, "analyst")
    reports = page.locator("section", has=page.get_by_role("heading", name="Reports"))
    reports.get_by_role("link", name="Time bank reports").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Time bank")
    j.step("timebank-reports")
    _home(page)
    reports.get_by_role("link", name="Gaps by area").click()
    expect(page.get_by_role("table").first).to_be_visible()
    j.step("gaps")
    # Aggregates only: an analyst never sees a person's name on these pages.
    assert "Rosnah" not in page.content()


def test_an_administrator_changes_a_persons_role(cast, page, log_in, live_server, shot):
    from kampung.people.models import Member, Role

    j = _start(page, log_in, live_server, shot, "admin")
    people = page.locator("section", has=page.get_by_role("heading", name="People and roles"))
    people.get_by_role("link", name="Find a person and change their role").click()
    page.get_by_label("Find a person by name").fill("Vijay")
    page.get_by_role("button", name="Search").click()
    j.step("find-person")
    page.get_by_role("link", name="Vijay").first.click()
    j.step("person")
    page.get_by_label("Role").select_option(label="Community developer")
    page.get_by_role("button", name="Change role").click()
    expect(page.get_by_text("Role changed to")).to_be_visible()
    j.step("role-changed")
    assert Member.objects.get(pk=cast.members["volunteer"].pk).role == Role.COORDINATOR
