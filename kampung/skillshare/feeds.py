"""Calendar feeds (RFC 5545), written with the `icalendar` package: one VEVENT per
session with its RRULE and EXDATEs in the community's time zone (TZID, with the
VTIMEZONE it needs), LOCATION and, for a place shared with everyone, GEO, and a URL
back to the session's page. UIDs are stable: the same session is the same event in a
calendar that subscribed yesterday."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from kampung.assets.models import Asset
from kampung.skillshare.models import Session

PRODID = "-//Kampung//Skill-sharing sessions//EN"


def _event(session: Session, url: str, zone: ZoneInfo, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"session-{session.pk}@{session.community.slug}.kampung")
    event.add("dtstamp", stamp)
    event.add("summary", session.title)
    if session.description:
        event.add("description", session.description)
    start = dt.datetime.combine(session.starts_on, session.start_time, tzinfo=zone)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=session.minutes))
    if session.rrule:
        event.add("rrule", vRecur.from_ical(session.rrule))
    days = sorted(session.exception_dates)
    if days:
        event.add("exdate", [dt.datetime.combine(d, session.start_time, tzinfo=zone) for d in days])
    place = session.place
    if place is not None:
        event.add("location", place.name)
        if place.visibility == Asset.Visibility.PUBLIC and place.lat is not None:
            event.add("geo", (place.lat, place.lng))
    elif session.online_link:
        event.add("location", session.online_link)
    event.add("url", url)
    return event


def _one_date(session: Session, day: dt.date, url: str, zone: ZoneInfo, stamp) -> Event:
    """A single date someone signed up for, as an event of its own (no RRULE)."""
    event = _event(session, url, zone, stamp)
    for name in ("uid", "dtstart", "dtend", "rrule", "exdate"):
        event.pop(name, None)
    event.add("uid", f"session-{session.pk}-{day:%Y%m%d}@{session.community.slug}.kampung")
    start = dt.datetime.combine(day, session.start_time, tzinfo=zone)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=session.minutes))
    return event


def calendar(
    name: str,
    tz: str,
    sessions: Iterable[Session],
    url_of,
    stamp: dt.datetime,
    single_dates: Iterable[tuple[Session, dt.date]] = (),
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz)
    zone = ZoneInfo(tz)
    for session in sessions:
        cal.add_component(_event(session, url_of(session), zone, stamp))
    for session, day in single_dates:
        cal.add_component(_one_date(session, day, url_of(session), zone, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()
