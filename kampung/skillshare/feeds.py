"""Calendar feeds (RFC 5545): one VEVENT per session with its RRULE and EXDATEs in the
community's time zone (TZID, with the VTIMEZONE it needs), LOCATION (in the public feed
only for a place shared with everyone) and, for such a place, GEO, and a URL back to the
session's page. UIDs are stable: the same session is the same event in a calendar that
subscribed yesterday.

The calendar's head and its VTIMEZONE are written with the `icalendar` package (once
per name and zone in a process); each event's lines are written by `ics`, a small
writer that produces the bytes icalendar would (icalendar's object model cost about
1 ms an event, most of an uncached 500-session feed)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.cache import cache
from icalendar import Calendar, Timezone, vRecur

from kampung.assets.models import Asset
from kampung.skillshare import ics
from kampung.skillshare.models import Session

PRODID = "-//Kampung//Skill-sharing sessions//EN"
# What a feed reads of each session (with select_related("community", "place")): the
# rest of the row (languages, accessibility, the place's other fields) is not fetched.
# Reading a field left out would cost a query per session: test_calendar_feed_queries.py
# checks the feed's queries do not grow with its sessions.
FIELDS = (
    "title",
    "description",
    "starts_on",
    "start_time",
    "minutes",
    "rrule",
    "exceptions",
    "online_link",
    "updated_at",
    "community",
    "community__slug",
    "place",
    "place__name",
    "place__visibility",
    "place__lat",
    "place__lng",
    "place__updated_at",
)
EVENT_CACHE_SECONDS = 24 * 3600
SHOWN_TO_MEMBERS = (Asset.Visibility.PUBLIC, Asset.Visibility.MEMBERS)
ASK_THE_HOST = "Ask the host where"
ONLINE_ON_THE_PAGE = "Online: the link is on the session's page for members"


@functools.lru_cache(maxsize=256)
def _rrule(rule: str) -> str:
    """The RRULE as icalendar writes it (parts in its order); a feed has few rules."""
    return vRecur.from_ical(rule).to_ical().decode()


def _event(
    session: Session,
    url: str,
    tzid: str,
    stamp: dt.datetime,
    single: dt.date | None = None,
    public: bool = True,
) -> bytes:
    """One VEVENT's text, the series (or, with `single`, one date someone signed up for,
    as an event of its own without RRULE), written line by line with `ics` in the order
    and form icalendar writes them (tests/skillshare/test_ics_writer_properties.py)."""
    slug = session.community.slug
    day = session.starts_on if single is None else single
    at = session.start_time
    start = dt.datetime.combine(day, at)
    end = start + dt.timedelta(minutes=session.minutes)
    lines = [
        "BEGIN:VEVENT\r\n",
        ics.text_line("SUMMARY", session.title),
        ics.fold(f"DTSTART;TZID={tzid}:{ics.local_time(day, at)}") + "\r\n",
        ics.fold(f"DTEND;TZID={tzid}:{ics.local_time(end.date(), end.time())}") + "\r\n",
        f"DTSTAMP:{ics.utc_time(stamp)}\r\n",
    ]
    if single is None:
        lines.append(ics.text_line("UID", f"session-{session.pk}@{slug}.kampung"))
        if session.rrule:
            lines.append(ics.raw_line("RRULE", _rrule(session.rrule)))
        days = sorted(session.exception_dates)
        if days:
            clock = f"T{at.hour:02d}{at.minute:02d}{at.second:02d}"
            values = ",".join([d.isoformat().replace("-", "") + clock for d in days])
            lines.append(ics.fold(f"EXDATE;TZID={tzid}:{values}") + "\r\n")
    else:
        lines.append(ics.text_line("UID", f"session-{session.pk}-{single:%Y%m%d}@{slug}.kampung"))
    if session.description:
        lines.append(ics.text_line("DESCRIPTION", session.description))
    place = session.place
    location = ""
    if place is not None:
        # The public feed (anyone, no login) names only a place shared with everyone; a
        # member's own feed also one shared with members. Otherwise the host says where.
        shown = (Asset.Visibility.PUBLIC,) if public else SHOWN_TO_MEMBERS
        location = place.name if place.visibility in shown else ASK_THE_HOST
        if place.visibility == Asset.Visibility.PUBLIC and place.lat is not None:
            lines.append(ics.raw_line("GEO", f"{float(place.lat)};{float(place.lng)}"))
    elif session.online_link:
        # The link may carry the meeting's password: it goes to members' own feeds, and
        # the public feed sends people to the session's page, where members find it.
        location = session.online_link if not public else ONLINE_ON_THE_PAGE
    if location:
        lines.append(ics.text_line("LOCATION", location))
    lines.append(ics.raw_line("URL", url))
    lines.append("END:VEVENT\r\n")
    return "".join(lines).encode()


@functools.lru_cache(maxsize=64)
def _vtimezone(tz: str) -> Timezone:
    """The VTIMEZONE of a zone (its rules are worked out once per process)."""
    return Timezone.from_tzid(tz)


def _key(session: Session, url: str, single: dt.date | None = None, public: bool = True) -> str:
    """An event's text changes only when its session (or its place) changes."""
    place = session.place
    stamp = session.updated_at.timestamp() if session.updated_at else 0
    placed = place.updated_at.timestamp() if place is not None and place.updated_at else 0
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    seen = "public" if public else "members"
    return f"skillshare:vevent:{session.pk}:{single or ''}:{stamp}:{placed}:{seen}:{digest}"


def calendar(
    name: str,
    tz: str,
    sessions: Iterable[Session],
    url_of,
    stamp: dt.datetime,
    single_dates: Iterable[tuple[Session, dt.date]] = (),
    feed: str = "",
    public: bool = True,
) -> bytes:
    """The feed. Each event's text is kept in the cache until its session changes, so a
    calendar app polling 500 sessions does not have them all written out again."""
    tzid = ZoneInfo(tz).key
    wanted: list[tuple[str, Session, dt.date | None, str]] = []
    for session in sessions:
        url = url_of(session)
        wanted.append((_key(session, url, None, public), session, None, url))
    for session, day in single_dates:
        url = url_of(session)
        wanted.append((_key(session, url, day, public), session, day, url))
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
            text = _event(session, url, tzid, session.updated_at or stamp, day, public)
        kept[key] = text
        parts.append(text)
    if kept != found:
        cache.set(store, kept, timeout=EVENT_CACHE_SECONDS)
    head, end = _head(name, tz, bool(parts))
    return head + b"".join(parts) + end


@functools.lru_cache(maxsize=64)
def _head(name: str, tz: str, with_zone: bool) -> tuple[bytes, bytes]:
    """The calendar's lines before and after its events, with the zone's VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz)
    if with_zone:
        cal.add_component(_vtimezone(tz))
    head, end = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    return head, b"END:VCALENDAR" + end
