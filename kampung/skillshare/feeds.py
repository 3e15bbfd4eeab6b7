"""Calendar feeds (RFC 5545), written with the `icalendar` package: one VEVENT per
session with its RRULE and EXDATEs in the community's time zone (TZID, with the
VTIMEZONE it needs), LOCATION and, for a place shared with everyone, GEO, and a URL
back to the session's page. UIDs are stable: the same session is the same event in a
calendar that subscribed yesterday."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.cache import cache
from icalendar import Calendar, Event, Timezone, vRecur

from kampung.assets.models import Asset
from kampung.skillshare.models import Session

PRODID = "-//Kampung//Skill-sharing sessions//EN"
EVENT_CACHE_SECONDS = 24 * 3600


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


@functools.lru_cache(maxsize=64)
def _vtimezone(tz: str) -> Timezone:
    """The VTIMEZONE of a zone (its rules are worked out once per process)."""
    return Timezone.from_tzid(tz)


def _key(session: Session, url: str, single: dt.date | None = None) -> str:
    """An event's text changes only when its session (or its place) changes."""
    place = session.place
    stamp = session.updated_at.timestamp() if session.updated_at else 0
    placed = place.updated_at.timestamp() if place is not None and place.updated_at else 0
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return f"skillshare:vevent:{session.pk}:{single or ''}:{stamp}:{placed}:{digest}"


def calendar(
    name: str,
    tz: str,
    sessions: Iterable[Session],
    url_of,
    stamp: dt.datetime,
    single_dates: Iterable[tuple[Session, dt.date]] = (),
    feed: str = "",
) -> bytes:
    """The feed. Each event's text is kept in the cache until its session changes, so a
    calendar app polling 500 sessions does not have them all written out again."""
    zone = ZoneInfo(tz)
    wanted: list[tuple[str, Session, dt.date | None, str]] = []
    for session in sessions:
        url = url_of(session)
        wanted.append((_key(session, url), session, None, url))
    for session, day in single_dates:
        url = url_of(session)
        wanted.append((_key(session, url, day), session, day, url))
    # One cache entry per feed holds its events' texts, so that after one session
    # changes only that event is written out again (and a small cache's culling never
    # drops half of a feed's events).
    store = f"skillshare:events:{feed}"
    found = cache.get(store) or {}
    kept = {}
    parts = []
    for key, session, day, url in wanted:
        text = found.get(key)
        if text is None:
            when = session.updated_at or stamp
            event = (
                _event(session, url, zone, when)
                if day is None
                else _one_date(session, day, url, zone, when)
            )
            text = event.to_ical()
        kept[key] = text
        parts.append(text)
    if kept != found:
        cache.set(store, kept, timeout=EVENT_CACHE_SECONDS)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz)
    if parts:
        cal.add_component(_vtimezone(tz))
    head, end = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    return head + b"".join(parts) + b"END:VCALENDAR" + end
