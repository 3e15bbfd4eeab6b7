"""The calendar benchmark's pieces at a tiny size, so they cannot rot: its seed makes
sessions the feed serves, with their exceptions left out of the expanded dates, and it
reports the cold, warm and after-a-change figures."""

from __future__ import annotations

import recurring_ical_events
from django.test import Client
from icalendar import Calendar

from bench.sharing_calendar import seed, time_feed


def test_the_benchmark_seeds_a_feed_that_parses_and_times_it(db):
    community = seed(6)
    figures = time_feed(community, 2, cold_repeats=2)
    assert set(figures) >= {
        "calendar_feed_ms",
        "calendar_feed_median_ms",
        "calendar_feed_warm_ms",
        "calendar_feed_after_change_ms",
    }
    body = Client().get(f"/c/{community.slug}/sessions/calendar.ics").content
    cal = Calendar.from_ical(body)
    assert len(cal.walk("VEVENT")) == 6
    from kampung.skillshare.models import Session

    session = Session.objects.filter(community=community).order_by("pk").first()
    cancelled = session.exception_dates
    assert cancelled
    seen = {
        e["DTSTART"].dt.date()
        for e in recurring_ical_events.of(cal).between((2026, 1, 1), (2028, 1, 1))
        if str(e["SUMMARY"]) == session.title
    }
    assert seen and not seen & cancelled
