"""The recurrence module: RRULEs built from choices, dates expanded in the community's
time zone (property tests with hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from kampung.skillshare import schedule

ZONES = ["Asia/Singapore", "Europe/London", "America/New_York", "Australia/Sydney"]
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
repeats = st.sampled_from([schedule.WEEKLY, schedule.FORTNIGHTLY, schedule.MONTHLY])


def _expand(start, at, tz, repeat, nth=None, ends_on=None, exceptions=(), weeks=60):
    rule = schedule.build_rrule(
        repeat, weekday=start.weekday(), nth=nth, ends_on=ends_on, tz=tz, at=at
    )
    first = schedule.first_date(repeat, start, weekday=start.weekday(), nth=nth)
    return schedule.occurrences(
        starts_on=first,
        at=at,
        tz=tz,
        rule=rule,
        exceptions=exceptions,
        since=start,
        until=start + dt.timedelta(weeks=weeks),
    )


@given(start=days, at=times, tz=st.sampled_from(ZONES), repeat=repeats, data=st.data())
@settings(max_examples=60, deadline=None)
def test_cancelled_dates_never_appear(start, at, tz, repeat, data):
    nth = data.draw(st.sampled_from(schedule.NTHS)) if repeat == schedule.MONTHLY else None
    all_dates = [m.date() for m in _expand(start, at, tz, repeat, nth)]
    cancelled = (
        set(data.draw(st.lists(st.sampled_from(all_dates), max_size=10))) if all_dates else set()
    )
    left = [m.date() for m in _expand(start, at, tz, repeat, nth, exceptions=cancelled)]
    assert not cancelled & set(left)
    assert len(left) == len(all_dates) - len(cancelled)


@given(start=days, at=times, tz=st.sampled_from(ZONES), weeks=st.integers(1, 104))
@settings(max_examples=60, deadline=None)
def test_weekly_counts_one_a_week_on_the_same_weekday(start, at, tz, weeks):
    found = _expand(start, at, tz, schedule.WEEKLY, weeks=weeks)
    assert len(found) == weeks + 1  # both ends of the window included
    assert {m.weekday() for m in found} == {start.weekday()}
    gaps = {(b.date() - a.date()).days for a, b in zip(found, found[1:], strict=False)}
    assert gaps <= {7}


@given(start=days, at=times, tz=st.sampled_from(ZONES))
@settings(max_examples=40, deadline=None)
def test_fortnightly_is_every_fourteen_days(start, at, tz):
    found = _expand(start, at, tz, schedule.FORTNIGHTLY, weeks=30)
    gaps = {(b.date() - a.date()).days for a, b in zip(found, found[1:], strict=False)}
    assert gaps == {14}


@given(start=days, at=times, tz=st.sampled_from(ZONES), nth=st.sampled_from(schedule.NTHS))
@settings(max_examples=60, deadline=None)
def test_monthly_is_the_nth_weekday_of_each_month(start, at, tz, nth):
    found = _expand(start, at, tz, schedule.MONTHLY, nth=nth, weeks=60)
    assert found
    months = [(m.year, m.month) for m in found]
    assert len(months) == len(set(months))  # once a month
    for m in found:
        assert m.weekday() == start.weekday()
        if nth == -1:
            assert schedule.is_last_of_month(m.date())
        else:
            assert schedule.nth_of_month(m.date()) == nth


@given(start=days, at=times, tz=st.sampled_from(ZONES), repeat=repeats)
@settings(max_examples=60, deadline=None)
def test_local_time_stays_on_the_wall_clock_across_summer_time(start, at, tz, repeat):
    nth = 1 if repeat == schedule.MONTHLY else None
    for moment in _expand(start, at, tz, repeat, nth, weeks=60):
        assert str(moment.tzinfo) == tz
        # The wall clock shows the chosen time (a time that does not exist on the day the
        # clocks go forward is the only exception: zoneinfo keeps it as written).
        assert (moment.hour, moment.minute) == (at.hour, at.minute)


@given(start=days, at=times, tz=st.sampled_from(ZONES), weeks=st.integers(0, 40))
@settings(max_examples=40, deadline=None)
def test_a_last_date_ends_the_series_on_it(start, at, tz, weeks):
    ends_on = start + dt.timedelta(weeks=weeks)
    found = _expand(start, at, tz, schedule.WEEKLY, ends_on=ends_on, weeks=80)
    assert found[-1].date() == ends_on
    assert len(found) == weeks + 1


@given(start=days, at=times, tz=st.sampled_from(ZONES), repeat=repeats)
@settings(max_examples=30, deadline=None)
def test_the_rrule_is_rfc_5545_that_dateutil_reads(start, at, tz, repeat):
    rule = schedule.build_rrule(
        repeat, weekday=start.weekday(), nth=2, ends_on=start + dt.timedelta(days=90), tz=tz, at=at
    )
    assert rule.startswith("FREQ=")
    assert rule.endswith("Z")  # UNTIL in UTC, as RFC 5545 asks with a TZID start
    from zoneinfo import ZoneInfo

    rrulestr(rule, dtstart=dt.datetime.combine(start, at, tzinfo=ZoneInfo(tz)))


def test_a_one_off_has_no_rule_and_one_date():
    assert schedule.build_rrule("once", weekday=0) == ""
    found = schedule.occurrences(
        starts_on=dt.date(2027, 3, 5),
        at=dt.time(9),
        tz="Asia/Singapore",
        rule="",
        since=dt.date(2027, 1, 1),
        until=dt.date(2027, 12, 31),
    )
    assert [m.date() for m in found] == [dt.date(2027, 3, 5)]


def test_unknown_choices_are_refused_naming_the_choice():
    with pytest.raises(schedule.ScheduleError) as e:
        schedule.build_rrule("daily", weekday=0)
    assert e.value.field == "repeat"
    with pytest.raises(schedule.ScheduleError) as e:
        schedule.build_rrule("monthly", weekday=0, nth=7)
    assert e.value.field == "nth"


@given(
    free=st.integers(-3, 10),
    waiting=st.lists(
        st.tuples(st.integers(1, 10**6), st.integers(0, 100)), unique_by=lambda p: p[0]
    ),
)
def test_the_waiting_list_moves_up_in_order_and_never_past_the_free_places(free, waiting):
    moved = schedule.who_moves_up(free, waiting)
    assert len(moved) == max(0, min(free, len(waiting)))
    order = [k for k, _p in sorted(waiting, key=lambda p: (p[1], p[0]))]
    assert moved == order[: len(moved)]
