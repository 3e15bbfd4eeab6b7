"""The time bank in a browser: Rosnah records helping Vijay, Vijay confirms, Rosnah
gives credits to her cousin Wendy in Woking East, and both statements are right. Every
page passes axe-core's serious and critical checks."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from kampung.timebank import actions
from kampung.timebank.ledger import format_minutes
from kampung.timebank.models import Account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}
TB = "/c/kampung-seri-mawar/timebank/"


def _serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


def _switch_to(page, log_in, email):
    page.context.clear_cookies()
    log_in(page, email)


def test_an_exchange_is_confirmed_and_credits_go_to_a_relative(
    cast, page, log_in, live_server, shot
):
    rosnah, vijay, wendy = (
        cast.members["resident"],
        cast.members["volunteer"],
        cast.members["outsider"],
    )
    vijay_number = actions.account_for_member(vijay).number
    wendy_account = actions.account_for_member(wendy)
    start = {m.pk: actions.account_for_member(m).balance for m in (rosnah, vijay, wendy)}

    log_in(page, "resident@demo.kampung.test")
    page.goto(f"{live_server.url}{TB}")
    assert page.get_by_role("heading", level=1).inner_text() == "Time bank"
    assert _serious_violations(page) == []
    shot(page, "timebank-home-resident")

    page.get_by_role("link", name="Record an exchange").click()
    page.get_by_label("I helped them").check()
    page.get_by_label("Their account number").fill(vijay_number)
    page.get_by_label("Hours").fill("1")
    page.get_by_label("Minutes").fill("30")
    page.get_by_label("What was done").fill("Carried shopping up to the 9th floor")
    assert _serious_violations(page) == []
    shot(page, "timebank-record-exchange")
    page.get_by_role("button", name="Record the exchange").click()
    assert page.get_by_text("It will count once").is_visible()
    assert Account.objects.get(member=rosnah).balance == start[rosnah.pk]

    _switch_to(page, log_in, "volunteer@demo.kampung.test")
    page.goto(f"{live_server.url}{TB}")
    assert page.get_by_text("Carried shopping up to the 9th floor").first.is_visible()
    shot(page, "timebank-confirm")
    page.get_by_role("button", name="Confirm Carried shopping").click()
    assert page.get_by_text("Confirmed: 1 h 30 min moved").is_visible()
    assert Account.objects.get(member=vijay).balance == start[vijay.pk] - 90

    _switch_to(page, log_in, "resident@demo.kampung.test")
    page.goto(f"{live_server.url}{TB}give/")
    page.get_by_label("A person (here or in another community)").check()
    page.get_by_label("Their account number").fill(wendy_account.number)
    page.get_by_label("Hours").fill("0")
    page.get_by_label("Minutes").fill("45")
    page.get_by_label("Note (optional)").fill("For your visits to Auntie")
    assert _serious_violations(page) == []
    shot(page, "timebank-give")
    page.get_by_role("button", name="Continue").click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Send 45 min to Wendy (Woking East)?"
    )
    assert Account.objects.get(member=rosnah).balance == start[rosnah.pk] + 90  # not yet
    page.get_by_role("button", name="Send").click()
    assert page.get_by_text("You gave 45 min to Wendy").first.is_visible()
    shot(page, "timebank-gift-entry")

    rosnah_balance = start[rosnah.pk] + 90 - 45
    assert Account.objects.get(member=rosnah).balance == rosnah_balance
    page.goto(f"{live_server.url}{TB}statement/")
    rows = page.locator("table.tb-statement tbody tr")
    assert "For your visits to Auntie" in rows.nth(0).inner_text()
    assert "−45 min" in rows.nth(0).inner_text()
    assert "+1 h 30 min" in rows.nth(1).inner_text()
    assert format_minutes(rosnah_balance) in rows.nth(0).inner_text()
    assert _serious_violations(page) == []
    shot(page, "timebank-statement-resident")

    _switch_to(page, log_in, "woking@demo.kampung.test")
    page.goto(f"{live_server.url}/c/woking-east/timebank/statement/")
    first = page.locator("table.tb-statement tbody tr").nth(0).inner_text()
    assert "+45 min" in first and "Rosnah" in first and "Kampung Seri Mawar" in first
    wendy_balance = start[wendy.pk] + 45
    assert format_minutes(wendy_balance) in first
    shot(page, "timebank-statement-relative")


def test_coordinator_pages_are_accessible(cast, page, log_in, live_server, shot):
    log_in(page, "coordinator@demo.kampung.test")
    for path, name in [
        ("", "timebank-home-coordinator"),
        ("reports/", "timebank-reports"),
        ("pool/allocate/", "timebank-allocate"),
        ("ledger/", "timebank-ledger"),
    ]:
        page.goto(f"{live_server.url}{TB}{path}")
        assert _serious_violations(page) == [], path
        shot(page, name)
    page.goto(f"{live_server.url}{TB}ledger/")
    page.locator("table tbody tr a").first.click()
    assert page.get_by_role("button", name="Reverse this entry").is_visible()
    assert _serious_violations(page) == []
    shot(page, "timebank-entry-coordinator")


def test_a_coordinator_records_a_session_and_manages_an_account(
    cast, page, log_in, live_server, shot
):
    from kampung.people.models import Member
    from kampung.timebank.models import GroupSession

    host, *came = list(
        Member.objects.filter(community=cast.community, user__isnull=True, is_active=True).order_by(
            "display_name"
        )[:3]
    )
    log_in(page, "coordinator@demo.kampung.test")
    page.goto(f"{live_server.url}{TB}")
    page.get_by_role("link", name="Group sessions").click()
    assert (
        page.get_by_role("link", name="Time bank", exact=True).get_attribute("aria-current")
        == "true"
    )
    page.get_by_label("What was the session?").fill("Chair yoga at the hall")
    # The host is found by typing part of their name: the list narrows to them.
    page.get_by_label("Find the host by name").fill(host.display_name)
    assert page.locator("#id_host").input_value() == str(host.pk)
    page.get_by_label("Who ran it?").select_option(str(host.pk))
    finder = page.get_by_label("Find a person in the list")
    finder.fill(came[0].display_name)
    finder.press("Enter")  # finds; never sends the half-filled form
    assert not GroupSession.objects.filter(title="Chair yoga at the hall").exists()
    for person in came:
        finder.fill(person.display_name)
        page.get_by_label(person.display_name, exact=True).check()
    finder.fill("")
    assert "2 ticked" in page.locator("#attendee-count").inner_text()
    page.get_by_label("How long was it? Hours").fill("1")
    page.get_by_label("The host earns the session's time once").check()
    assert _serious_violations(page) == []
    shot(page, "timebank-session-form")
    page.get_by_role("button", name="Record the session").click()
    assert "Recorded: Chair yoga at the hall, 2 people" in page.locator(".messages").inner_text()
    session = GroupSession.objects.get(title="Chair yoga at the hall")
    assert {m.pk for m in session.attendees.all()} == {m.pk for m in came}

    page.goto(f"{live_server.url}{TB}accounts/")
    assert _serious_violations(page) == []
    shot(page, "timebank-accounts")
    page.get_by_label("Find by name or account number").fill(host.display_name)
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name=f"Settings — {host.display_name}").click()
    page.get_by_label("May owe up to (hours)").fill("2")
    page.get_by_role("button", name="Save limits").click()
    assert "Limits saved." in page.locator(".messages").inner_text()
    assert _serious_violations(page) == []
    shot(page, "timebank-account-settings")
    account = actions.account_for_member(host)
    assert account.lower_limit == -120


def test_giving_on_a_phone_asks_first_and_the_receipt_reads_in_words(
    cast, page, log_in, live_server, shot
):
    """The give flow at 390x844: the form, "Send 45 min to Wendy (Woking East)?" with
    Change and Send, Change brings the answers back, a double click on Send gives once,
    and the receipt says what happened without entry numbers or clearing accounts."""
    from kampung.timebank.models import Transaction

    rosnah, wendy = cast.members["resident"], cast.members["outsider"]
    wendy_number = actions.account_for_member(wendy).number
    before = actions.account_for_member(rosnah).balance
    log_in(page, "resident@demo.kampung.test")
    page.goto(f"{live_server.url}{TB}")
    page.get_by_role("link", name="Give credits").click()
    page.get_by_label("A person (here or in another community)").check()
    page.get_by_label("Their account number").fill(wendy_number)
    page.get_by_label("Hours").fill("0")
    page.get_by_label("Minutes").fill("30")
    page.get_by_label("Note (optional)").fill("Bus fare home")
    page.get_by_role("button", name="Continue").click()

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Send 30 min to Wendy (Woking East)?"
    page.get_by_role("button", name="Change").click()
    assert page.get_by_label("Minutes").input_value() == "30"
    assert page.get_by_label("Note (optional)").input_value() == "Bus fare home"
    page.get_by_label("Minutes").fill("45")
    page.get_by_role("button", name="Continue").click()
    assert heading.inner_text() == "Send 45 min to Wendy (Woking East)?"
    assert page.viewport_size == {"width": 390, "height": 844}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert _serious_violations(page) == []
    shot(page, "timebank-give-check-phone")

    count = Transaction.objects.count()
    page.get_by_role("button", name="Send").dblclick()
    page.wait_for_url("**/transactions/*/")
    assert Transaction.objects.count() == count + 1
    assert actions.account_for_member(rosnah).balance == before - 45
    assert heading.inner_text() == "You gave 45 min to Wendy (Woking East)"
    body = page.locator("main").inner_text()
    assert "Entry #" not in body and "Clearing" not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert _serious_violations(page) == []
    shot(page, "timebank-give-receipt-phone")
