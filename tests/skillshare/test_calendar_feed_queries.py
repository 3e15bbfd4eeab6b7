"""The community calendar feed asks the database the same few questions however many
sessions it has (no query per session for its place or community), and its event
addresses are the sessions' pages."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    return len(seen.captured_queries)


def test_the_feed_queries_do_not_grow_with_its_sessions(client, cast, make_session):
    url = reverse("session_calendar", args=[cast.community.slug])
    first = make_session(is_public=True, title="One")
    one = _queries(client, url)
    more = [make_session(is_public=True, title=f"More {i}") for i in range(4)]
    assert _queries(client, url) == one
    events = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    urls = {str(e["URL"]) for e in events}
    assert urls >= {
        "http://testserver" + reverse("session_detail", args=[cast.community.slug, s.pk])
        for s in [first, *more]
    }
    ours = [e for e in events if str(e["SUMMARY"]) in {"One", *(s.title for s in more)}]
    assert len(ours) == 5 and all(str(e["LOCATION"]) == first.place.name for e in ours)
