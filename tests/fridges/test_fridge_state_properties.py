"""The plain-Python state of a fridge: colour and words agree, grey after 24 hours, the
temperature and date rules."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kampung.fridges import state

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
ages = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=30))


@given(st.sampled_from(state.FILL_LEVELS), ages)
def test_a_fridge_is_grey_exactly_when_nobody_reported_for_24_hours(fill, age):
    look = state.look(fill, NOW - age, NOW)
    assert look.stale == (age >= dt.timedelta(hours=24))
    assert (look.css == "fill-stale") == look.stale


@given(st.sampled_from(state.FILL_LEVELS), ages)
def test_colour_is_never_the_only_cue(fill, age):
    look = state.look(fill, NOW - age, NOW)
    assert look.words and look.short
    if not look.stale:
        assert look.css == f"fill-{fill}" and look.words == state.FILL_WORDS[fill]


def test_a_fridge_never_reported_is_grey():
    assert state.look(None, None, NOW).stale
    assert state.ago_words(None, NOW) == "Never reported"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-100, max_value=100))
def test_too_warm_is_above_five_degrees_and_readings_stay_in_range(celsius):
    assert state.too_warm(celsius) == (celsius > 5)
    assert state.reading_in_range(celsius) == (-30 <= celsius <= 40)


@given(st.dates(), st.integers(min_value=1, max_value=14), st.integers(0, 30))
def test_prepared_food_is_flagged_after_its_days(made, days, later):
    today = made + dt.timedelta(days=later)
    past = state.is_past(use_by=None, made_on=made, prepared_days=days, today=today)
    assert past == (later >= days)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)), st.integers(-5, 5))
def test_packaged_food_is_flagged_the_day_after_its_use_by_date(use_by, offset):
    today = use_by + dt.timedelta(days=offset)
    assert state.is_past(use_by=use_by, made_on=None, prepared_days=2, today=today) == (offset >= 1)


@given(ages)
def test_how_long_ago_reads_as_words(age):
    words = state.ago_words(NOW - age, NOW)
    assert words == "Just now" or words.endswith("ago")
