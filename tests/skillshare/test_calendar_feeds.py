"""The calendar feeds open in a calendar parser (icalendar + recurring_ical_events) with
the right recurrences: cancelled dates missing, public sessions only, no login for the
community feed, a personal feed at a secret link that a new link replaces."""

from __future__ import annotations

import datetime as dt

import recurring_ical_events
from django.urls import reverse
from icalendar import Calendar

from kampung.skillshare import actions


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_the_community_feed_has_each_public_session_with_its_dates(client, cast, make_session):
    session = make_session(title="Tech and tea test", is_public=True)
    hidden = make_session(title="Members only sewing", is_public=False)
    days = [
        m.date()
        for m in session.dates(session.starts_on, session.starts_on + dt.timedelta(days=70))
    ]
    cancelled = days[2]
    actions.cancel_date(by=cast.user("volunteer"), session=session, occurs_on=cancelled)

    url = reverse("session_calendar", args=[cast.community.slug])
    assert url == f"/c/{cast.community.slug}/sessions/calendar.ics"
    cal = _calendar(client.get(url))  # no login
    events = [e for e in cal.walk("VEVENT")]
    titles = {str(e["SUMMARY"]) for e in events}
    assert "Tech and tea test" in titles and hidden.title not in titles
    assert cal.walk("VTIMEZONE") and str(cal.walk("VTIMEZONE")[0]["TZID"]) == "Asia/Singapore"

    expanded = recurring_ical_events.of(cal).between(days[0], days[-1] + dt.timedelta(days=1))
    mine = [e for e in expanded if str(e["SUMMARY"]) == "Tech and tea test"]
    seen = {e["DTSTART"].dt.date() for e in mine}
    assert seen == set(days) - {cancelled}
    assert all(e["DTSTART"].dt.strftime("%H:%M") == "10:00" for e in mine)
    event = next(e for e in events if str(e["SUMMARY"]) == "Tech and tea test")
    assert str(event["UID"]) == f"session-{session.pk}@{cast.community.slug}.kampung"
    assert str(event["URL"]).endswith(
        reverse("session_detail", args=[cast.community.slug, session.pk])
    )
    assert str(event["LOCATION"]) == session.place.name


def test_the_same_session_keeps_its_uid(client, cast, make_session):
    make_session(is_public=True)
    url = reverse("session_calendar", args=[cast.community.slug])
    uids = [{str(e["UID"]) for e in _calendar(client.get(url)).walk("VEVENT")} for _ in range(2)]
    assert uids[0] == uids[1]


def test_an_unknown_community_has_no_feed(client, db):
    assert client.get("/c/no-such-place/sessions/calendar.ics").status_code == 404


def test_the_personal_feed_opens_with_its_secret_and_a_new_link_closes_the_old(
    client, cast, make_session, neighbours
):
    session = make_session(is_public=False, title="Private knitting")
    one_date = make_session(is_public=False, title="Once a date")
    person = neighbours[0]
    actions.sign_up(by=person, session=session)
    day = one_date.dates(one_date.starts_on, one_date.starts_on + dt.timedelta(days=30))[1].date()
    actions.sign_up(by=person, session=one_date, occurs_on=day)
    secret = actions.new_calendar_link(by=person, community=cast.community)
    url = reverse("session_my_calendar", args=[cast.community.slug, secret])
    cal = _calendar(client.get(url))
    titles = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert sorted(titles) == ["Once a date", "Private knitting"]
    single = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Once a date")
    assert "RRULE" not in single and single["DTSTART"].dt.date() == day

    newer = actions.new_calendar_link(by=person, community=cast.community)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("session_my_calendar", args=[cast.community.slug, newer])).status_code
        == 200
    )
    assert (
        client.get(reverse("session_my_calendar", args=[cast.community.slug, "guess"])).status_code
        == 404
    )


def test_a_date_cancelled_after_the_feed_was_read_leaves_the_feed(client, cast, make_session):
    session = make_session(is_public=True, title="Kept feed")
    url = reverse("session_calendar", args=[cast.community.slug])
    client.get(url)
    day = session.dates(session.starts_on, session.starts_on + dt.timedelta(days=30))[1].date()
    actions.cancel_date(by=cast.user("volunteer"), session=session, occurs_on=day)
    cal = _calendar(client.get(url))
    seen = {
        e["DTSTART"].dt.date()
        for e in recurring_ical_events.of(cal).between(day, day + dt.timedelta(days=1))
        if str(e["SUMMARY"]) == "Kept feed"
    }
    assert day not in seen
