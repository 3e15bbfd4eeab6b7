"""Skill-sharing sessions in a phone's browser: a member signs up for a full recurring
session and lands on the waiting list, moves up when someone cancels and says yes, the
host takes attendance with big tick boxes, and a community developer credits it in the
time bank after checking. Then the member's own calendar link opens in a calendar
parser with the right dates. Screenshots and axe on each page."""

from __future__ import annotations

import datetime as dt
import urllib.request
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.test_dashboard_in_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "kampung-seri-mawar"


def _phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    return context, context.new_page()


def _check(page, shot, name):
    shot(page, name)
    assert _serious_violations(page) == [], name


def test_waiting_list_to_attendance_to_the_time_bank(
    cast, browser, page, log_in, live_server, shot
):
    from kampung.assets.models import Asset
    from kampung.skillshare import actions
    from kampung.skillshare.models import Credit, Session

    tz = ZoneInfo(cast.community.timezone)
    today = timezone.now().astimezone(tz).date()
    last_week = today - dt.timedelta(days=7)
    timezone.activate(tz)
    try:
        place = (
            Asset.objects.filter(community=cast.community, category="place")
            .exclude(lat=None)
            .first()
        )
        session = actions.create_session(
            by=cast.user("volunteer"),
            community=cast.community,
            title="Phone photos club",
            description="Learn to take, keep and share photos on your phone.",
            place=place,
            capacity=1,
            waiting_list=True,
            is_public=True,
            starts_on=last_week,
            start_time=dt.time(10, 0),
            end_time=dt.time(11, 30),
            repeat="weekly",
        )
        # Added to Kampung before its first date, last week: that date has happened, so
        # attendance may be taken and credited (never before a date starts or ends).
        Session.objects.filter(pk=session.pk).update(
            created_at=timezone.now() - dt.timedelta(days=8)
        )
        patricia_place = actions.sign_up(by=cast.user("partner"), session=session)
    finally:
        timezone.deactivate()
    assert patricia_place.state == "booked"

    # Rosnah finds the session in the list and signs up for every date: it is full.
    log_in(page, "resident@demo.kampung.test")
    page.goto(f"{live_server.url}/c/{SLUG}/sessions/")
    expect(page.get_by_role("heading", name="Skill-sharing sessions")).to_be_visible()
    _check(page, shot, "sessions-list-mobile")
    page.get_by_role("link", name="Phone photos club").first.click()
    expect(page.get_by_role("heading", name="Phone photos club")).to_be_visible()
    _check(page, shot, "session-detail-mobile")
    page.get_by_label("Every date").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("you are number 1 in line")).to_be_visible()
    _check(page, shot, "session-waiting-list-mobile")

    # Patricia cannot come after all and cancels her place.
    other_ctx, other = _phone(browser)
    log_in(other, "partner@demo.kampung.test")
    other.goto(f"{live_server.url}/c/{SLUG}/sessions/")
    other.get_by_role("link", name="Phone photos club").first.click()
    other.get_by_role("button", name="I cannot come: cancel my place").click()
    expect(other.get_by_text("Thank you for letting others have the place")).to_be_visible()
    other_ctx.close()

    # Rosnah is told a place is hers, and says yes.
    page.reload()
    expect(page.get_by_role("heading", name="A place is yours")).to_be_visible()
    _check(page, shot, "session-place-offered-mobile")
    page.get_by_role("button", name="Yes, I will come").click()
    expect(page.get_by_role("heading", name="You have a place")).to_be_visible()

    # Her own calendar link, made on "My sessions", opens in a calendar parser.
    page.get_by_role("link", name="All sessions").click()
    page.get_by_role("link", name="My sessions").click()
    page.get_by_role("button", name="Make a new link").click()
    link = page.get_by_test_id("calendar-link").inner_text().strip()
    _check(page, shot, "session-my-sessions-mobile")
    with urllib.request.urlopen(link) as response:  # noqa: S310 (the live test server)
        cal = Calendar.from_ical(response.read())
    dates = {
        e["DTSTART"].dt.date()
        for e in recurring_ical_events.of(cal).between(today, today + dt.timedelta(days=22))
    }
    assert dates == {today + dt.timedelta(days=7 * k) for k in range(4)}

    # Vijay, the host, takes attendance on his phone.
    host_ctx, host = _phone(browser)
    log_in(host, "volunteer@demo.kampung.test")
    host.goto(f"{live_server.url}/c/{SLUG}/sessions/")
    host.get_by_role("link", name="Phone photos club").first.click()
    expect(host.get_by_test_id("signed-up")).to_contain_text("Rosnah")
    host.get_by_role("link", name="Take attendance").click()
    earlier = host.get_by_role("link", name=last_week.strftime("%a %-d %b"))
    if earlier.count():  # today's date has started too: choose last week's
        earlier.click()
    host.get_by_label("Rosnah").check()
    _check(host, shot, "session-attendance-mobile")
    host.get_by_role("button", name="Save who came").click()
    expect(host.get_by_text("Attendance saved: 1 came.")).to_be_visible()
    expect(host.get_by_test_id("after-attendance")).to_contain_text(
        "A community developer will now credit this in the time bank"
    )
    _check(host, shot, "session-attendance-saved-mobile")
    host.get_by_role("link", name="Back to the session").click()
    host.get_by_role("link", name="Cancel a date").click()
    _check(host, shot, "session-cancel-date-mobile")
    host.get_by_role("link", name="Back to the session").click()
    host.get_by_role("link", name="Change the session").click()
    _check(host, shot, "session-edit-mobile")
    host_ctx.close()

    # Chen Hui, a community developer, checks and credits it in the time bank.
    staff_ctx, staff = _phone(browser)
    log_in(staff, "coordinator@demo.kampung.test")
    staff.goto(f"{live_server.url}/c/{SLUG}/sessions/")
    staff.get_by_role("link", name="Phone photos club").first.click()
    staff.get_by_role("link", name="Credit in the time bank").click()
    staff.get_by_role("link", name=last_week.strftime("%A %-d %B")).click()
    staff.get_by_label("The host earns the session's time once").check()
    _check(staff, shot, "session-credit-mobile")
    staff.get_by_role("button", name="Continue").click()
    expect(staff.get_by_test_id("check-answers")).to_contain_text("Rosnah")
    _check(staff, shot, "session-credit-check-mobile")
    staff.get_by_role("button", name="Credit it").click()
    expect(staff.get_by_text("Credited in the time bank.")).to_be_visible()
    staff.get_by_role("link", name="Start a session").count()  # staff may start one too
    staff.goto(f"{live_server.url}/c/{SLUG}/sessions/new/")
    _check(staff, shot, "session-create-mobile")
    staff_ctx.close()
    assert Credit.objects.filter(session=session, occurs_on=last_week).count() == 1
