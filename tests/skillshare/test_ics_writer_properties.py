"""The feeds' own event writer (kampung.skillshare.ics, used by feeds._event) writes the
bytes icalendar writes, and icalendar reads them back, with hostile text: CRLF and lone
CR, commas, semicolons, backslashes, carets, long lines that must be folded at 75
octets, non-ASCII (accents, CJK, emoji). Property tests with hypothesis."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event, vRecur

from kampung.assets.models import Asset
from kampung.communities.models import Community
from kampung.skillshare import feeds, ics
from kampung.skillshare.models import Session

HOSTILE = "\r\n,;:\\^\"' aZ9é中😀\t"
hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(HOSTILE)),
        st.characters(blacklist_categories=("Cs", "Cc")),
    ),
    max_size=300,
)
NAMES = ["SUMMARY", "DESCRIPTION", "LOCATION", "UID"]


def _icalendar_line(name: str, text: str) -> bytes:
    event = Event()
    event.add(name, text)
    return event.to_ical().split(b"\r\n", 1)[1].rsplit(b"END:VEVENT", 1)[0]


@settings(max_examples=400)
@given(name=st.sampled_from(NAMES), text=hostile_text)
def test_a_text_line_is_what_icalendar_writes(name, text):
    assert ics.text_line(name, text).encode() == _icalendar_line(name, text)


@settings(max_examples=300)
@given(text=hostile_text, prefix=st.text(alphabet="ab\\^", max_size=80))
def test_lines_are_folded_before_75_octets_and_never_inside_a_character(text, prefix):
    line = ics.text_line("DESCRIPTION", prefix + text)
    for physical in line.encode().split(b"\r\n")[:-1]:
        assert len(physical) <= 75
        physical.decode("utf-8")  # no UTF-8 character cut in two
    assert ics.fold(f"X:{prefix}{text}").replace("\r\n ", "") == f"X:{prefix}{text}"


@settings(max_examples=300)
@given(text=hostile_text)
def test_icalendar_reads_the_text_back(text):
    # icalendar itself reads a typed backslash-n as a line break: leave those out.
    assume(not re.search(r"\\[nN]", text))
    body = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + ics.text_line("SUMMARY", text)
    body += "END:VEVENT\r\nEND:VCALENDAR\r\n"
    event = Calendar.from_ical(body.encode()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == text.replace("\r\n", "\n").replace("\r", "\n")


# --- A whole event: the same bytes as icalendar's object model (the old writer) ---------


def _reference(
    session: Session, url: str, zone: ZoneInfo, stamp, single=None, public=True
) -> bytes:
    """The feed's event as it was written before, with icalendar's object model; the
    public feed names only a place shared with everyone (a member's own feed also one
    shared with members), else it says to ask the host."""
    event = Event()
    slug = session.community.slug
    day = session.starts_on if single is None else single
    start = dt.datetime.combine(day, session.start_time, tzinfo=zone)
    if single is None:
        event.add("uid", f"session-{session.pk}@{slug}.kampung")
    else:
        event.add("uid", f"session-{session.pk}-{single:%Y%m%d}@{slug}.kampung")
    event.add("dtstamp", stamp)
    event.add("summary", session.title)
    if session.description:
        event.add("description", session.description)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=session.minutes))
    if single is None and session.rrule:
        event.add("rrule", vRecur.from_ical(session.rrule))
    days = sorted(session.exception_dates)
    if single is None and days:
        event.add(
            "exdate",
            [dt.datetime.combine(d, session.start_time, tzinfo=zone) for d in days],
        )
    place = session.place
    if place is not None:
        shown = place.visibility == Asset.Visibility.PUBLIC or (
            not public and place.visibility == Asset.Visibility.MEMBERS
        )
        event.add("location", place.name if shown else "Ask the host where")
        if place.visibility == Asset.Visibility.PUBLIC and place.lat is not None:
            event.add("geo", (place.lat, place.lng))
    elif session.online_link:
        # The link (it may hold the meeting's password) only in a member's own feed.
        event.add(
            "location",
            session.online_link
            if not public
            else "Online: the link is on the session's page for members",
        )
    event.add("url", url)
    return event.to_ical()


RULES = [
    "",
    "FREQ=WEEKLY;BYDAY=MO",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYDAY=2SA;UNTIL=20271231T155959Z",
]
ZONES = ["Asia/Singapore", "Europe/London", "America/New_York", "Australia/Sydney"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=hostile_text.filter(bool),
    description=hostile_text,
    place_name=st.one_of(st.none(), hostile_text.filter(bool)),
    public_place=st.sampled_from(list(Asset.Visibility)),
    public_feed=st.booleans(),
    online=st.sampled_from(["", "https://meet.example.org/a,b;c"]),
    rule=st.sampled_from(RULES),
    zone=st.sampled_from(ZONES),
    first=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31)),
    at=st.times().map(lambda t: t.replace(microsecond=0)),
    minutes=st.integers(min_value=15, max_value=24 * 60),
    cancelled=st.lists(st.integers(min_value=0, max_value=2000), max_size=60),
    single=st.booleans(),
    pk=st.integers(min_value=1, max_value=10**9),
    stamp=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2030, 1, 1)).map(
        lambda d: d.replace(tzinfo=dt.UTC)
    ),
)
def test_an_event_is_written_as_icalendar_wrote_it(
    title,
    description,
    place_name,
    public_place,
    public_feed,
    online,
    rule,
    zone,
    first,
    at,
    minutes,
    cancelled,
    single,
    pk,
    stamp,
):
    community = Community(slug="kampung-hostile", timezone=zone)
    place = None
    if place_name is not None:
        place = Asset(name=place_name, visibility=public_place, lat=1.3521, lng=103.8198)
    session = Session(
        pk=pk,
        community=community,
        title=title,
        description=description,
        place=place,
        online_link=online,
        starts_on=first,
        start_time=at,
        minutes=minutes,
        rrule=rule,
        exceptions=[(first + dt.timedelta(days=n)).isoformat() for n in cancelled],
    )
    url = f"https://kampung.example.org/c/kampung-hostile/sessions/{pk}/"
    day = first + dt.timedelta(days=7) if single else None
    written = feeds._event(session, url, zone, stamp, day, public_feed)
    assert written == _reference(session, url, ZoneInfo(zone), stamp, day, public_feed)
    cal = Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + written + b"END:VCALENDAR\r\n")
    assert str(cal.walk("VEVENT")[0]["SUMMARY"]) == _read_back(title)


def _read_back(text: str) -> str:
    """What icalendar reads from the text it was given (it reads a typed \\N or \\n as a
    line break)."""
    return str(
        Calendar.from_ical(
            b"BEGIN:VCALENDAR\r\n"
            + _icalendar_line("SUMMARY", text).join(
                [b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\nEND:VCALENDAR\r\n"]
            )
        ).walk("VEVENT")[0]["SUMMARY"]
    )
