"""When a session happens, in plain Python (no Django): the RFC 5545 RRULE built from
simple choices (never typed by people), its dates expanded with python-dateutil in the
community's time zone, and who moves up a waiting list.

Local times are kept as the clock on the wall shows them: a weekly 10:00 session is at
10:00 before and after a change of summer time (dateutil keeps the wall time of an
aware start and only the offset changes). Each session happens at most once a day, so
a date names an occurrence, and an exception (EXDATE) is a date.

This module must not import Django or any Kampung app."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

ONCE, WEEKLY, FORTNIGHTLY, MONTHLY = "once", "weekly", "fortnightly", "monthly"
REPEATS = (ONCE, WEEKLY, FORTNIGHTLY, MONTHLY)
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # Monday = 0, as date.weekday()
NTHS = (1, 2, 3, 4, -1)  # -1: the last such weekday of the month
MAX_EXCEPTIONS = 200  # cancelled dates per session
OFFER_HOURS = 24  # a place offered from the waiting list waits this long for an answer
MAX_YEARS = 5  # how far a series may run


class ScheduleError(ValueError):
    """A schedule that cannot be: `field` names the choice at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def build_rrule(
    repeat: str,
    *,
    weekday: int,
    nth: int | None = None,
    ends_on: date | None = None,
    tz: str = "UTC",
    at: time = time(0, 0),
) -> str:
    """The RRULE for a choice ("weekly on Tuesdays", "monthly on the 2nd Tuesday"), or ""
    for a one-off. `ends_on` (a local date) becomes UNTIL in UTC, as RFC 5545 asks when
    the start has a time zone: the end of the last session's start on that day."""
    if repeat not in REPEATS:
        raise ScheduleError("repeat", "Choose how often the session happens.")
    if repeat == ONCE:
        return ""
    if not 0 <= weekday <= 6:
        raise ScheduleError("weekday", "Choose a day of the week.")
    day = DAY_CODES[weekday]
    if repeat == WEEKLY:
        rule = f"FREQ=WEEKLY;BYDAY={day}"
    elif repeat == FORTNIGHTLY:
        rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"
    else:
        if nth not in NTHS:
            raise ScheduleError("nth", "Choose which week of the month.")
        rule = f"FREQ=MONTHLY;BYDAY={nth}{day}"
    if ends_on is not None:
        last = datetime.combine(ends_on, at, tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))
        rule += f";UNTIL={last:%Y%m%dT%H%M%SZ}"
    return rule


def first_date(repeat: str, starts_on: date, *, weekday: int, nth: int | None) -> date:
    """The first date on or after `starts_on` that fits the choice (the series' start)."""
    if repeat == ONCE:
        return starts_on
    day = starts_on
    for _ in range(400):
        if day.weekday() == weekday and (repeat != MONTHLY or _is_nth(day, nth)):
            return day
        day += timedelta(days=1)
    raise ScheduleError("starts_on", "No date fits this choice.")  # pragma: no cover


def nth_of_month(day: date) -> int:
    """Which such weekday of its month `day` is: 1 to 5."""
    return (day.day - 1) // 7 + 1


def is_last_of_month(day: date) -> bool:
    return (day + timedelta(days=7)).month != day.month


def _is_nth(day: date, nth: int | None) -> bool:
    return is_last_of_month(day) if nth == -1 else nth_of_month(day) == nth


def occurrences(
    *,
    starts_on: date,
    at: time,
    tz: str,
    rule: str,
    exceptions: Iterable[date] = (),
    since: date,
    until: date,
    limit: int = 10_000,
) -> list[datetime]:
    """The session's start times (aware, in the community's zone `tz`) whose local date
    falls between `since` and `until` (both included), exceptions left out."""
    zone = ZoneInfo(tz)
    start = datetime.combine(starts_on, at, tzinfo=zone)
    skip = set(exceptions)
    if not rule:
        found = [start]
    else:
        recurrence = rrulestr(rule, dtstart=start)
        low = datetime.combine(since, time(0, 0), tzinfo=zone)
        high = datetime.combine(until, time(23, 59, 59), tzinfo=zone)
        found = []
        for moment in recurrence.xafter(max(low, start) - timedelta(seconds=1), inc=False):
            if moment > high or len(found) >= limit:
                break
            found.append(moment)
    return [m for m in found if since <= m.date() <= until and m.date() not in skip][:limit]


def is_occurrence(
    day: date, *, starts_on: date, at: time, tz: str, rule: str, exceptions: Iterable[date] = ()
) -> bool:
    """`day` is one of the session's dates (and not cancelled)."""
    return bool(
        occurrences(
            starts_on=starts_on,
            at=at,
            tz=tz,
            rule=rule,
            exceptions=exceptions,
            since=day,
            until=day,
            limit=1,
        )
    )


def who_moves_up(free_places: int, waiting: Sequence[tuple[int, int]]) -> list[int]:
    """Who is offered a place: `waiting` is (key, position) pairs, earliest position first
    in line (ties by key, the order they were written); at most `free_places` of them."""
    if free_places <= 0:
        return []
    ordered = sorted(waiting, key=lambda pair: (pair[1], pair[0]))
    return [key for key, _position in ordered[:free_places]]
