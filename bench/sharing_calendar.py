"""The community calendar feed (/c/<slug>/sessions/calendar.ics) of 500 weekly,
fortnightly and monthly sessions, each with a year of cancelled dates (EXDATEs), through
Django's full request stack (middleware, view, icalendar), in a fresh SQLite database
(PostgreSQL when DATABASE_URL names one). The figure is the median and the 95th
percentile of REPEATS requests after warm-up. Goal: calendar_feed_ms <= 500.

BENCH_SESSIONS and BENCH_REPEATS make it smaller (tests/skillshare/test_bench_calendar.py
runs it tiny so it cannot rot)."""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

N_SESSIONS = int(os.environ.get("BENCH_SESSIONS", "500"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "50"))


def seed(n_sessions: int):
    """A community with `n_sessions` public recurring sessions, each with about a year of
    exceptions (every third date cancelled). Returns the community."""
    from kampung.communities.models import Community
    from kampung.people.models import Member, Role
    from kampung.skillshare import schedule
    from kampung.skillshare.models import Session

    community, _ = Community.objects.get_or_create(
        slug="bench-calendar",
        defaults=dict(
            name="Bench Calendar",
            centre_lat=1.35,
            centre_lng=103.94,
            timezone="Asia/Singapore",
            languages=["en"],
        ),
    )
    host, _ = Member.objects.get_or_create(
        community=community, display_name="Bench host", defaults={"role": Role.VOLUNTEER}
    )
    start = dt.date(2026, 1, 5)
    repeats = [schedule.WEEKLY, schedule.FORTNIGHTLY, schedule.MONTHLY]
    rows = []
    for i in range(n_sessions):
        repeat = repeats[i % 3]
        first = start + dt.timedelta(days=i % 7)
        nth = 1 + i % 4 if repeat == schedule.MONTHLY else None
        first = schedule.first_date(repeat, first, weekday=first.weekday(), nth=nth)
        at = dt.time(9 + i % 10, 0)
        rule = schedule.build_rrule(repeat, weekday=first.weekday(), nth=nth)
        dates = schedule.occurrences(
            starts_on=first,
            at=at,
            tz=community.timezone,
            rule=rule,
            since=first,
            until=first + dt.timedelta(days=365),
        )
        rows.append(
            Session(
                community=community,
                title=f"Session {i}",
                description="Learn something together.",
                host=host,
                capacity=10,
                is_public=True,
                starts_on=first,
                start_time=at,
                minutes=90,
                repeat=repeat,
                weekday=first.weekday(),
                nth=nth,
                rrule=rule,
                online_link="https://meet.example.org/s",
                exceptions=[d.date().isoformat() for d in dates[::3]],
            )
        )
    Session.objects.bulk_create(rows, batch_size=500)
    return community


def time_feed(community, repeats: int) -> dict:
    from django.test import Client

    client = Client()
    url = f"/c/{community.slug}/sessions/calendar.ics"
    started = time.perf_counter()
    assert client.get(url).status_code == 200  # the first request writes the feed out
    cold = (time.perf_counter() - started) * 1000
    for _ in range(3):  # warm-up
        assert client.get(url).status_code == 200
    times = []
    size = 0
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        size = len(response.content)
    # One session changes (a date cancelled): the next request writes only its event.
    from django.utils import timezone

    from kampung.skillshare.models import Session

    one = Session.objects.filter(community=community).order_by("pk").first()
    Session.objects.filter(pk=one.pk).update(
        exceptions=[*one.exceptions, "2027-06-30"], updated_at=timezone.now()
    )
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    after_change = (time.perf_counter() - started) * 1000
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return {
        "calendar_feed_ms": round(p95, 1),
        "calendar_feed_median_ms": round(statistics.median(times), 1),
        "calendar_feed_bytes": size,
        "calendar_feed_first_request_ms": round(cold, 1),
        "calendar_feed_after_one_change_ms": round(after_change, 1),
    }


def _worker(n_sessions: int, repeats: int) -> None:
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    community = seed(n_sessions)
    print(json.dumps({**time_feed(community, repeats), "sessions": n_sessions}))


def measure() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "true",
            "KAMPUNG_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "kampung.settings",
        }
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            from bench.seed import _fresh_postgres

            env["DATABASE_URL"] = _fresh_postgres(url, "kampung_bench_calendar")
        else:
            env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "kampung.cli", "migrate", "-v0"], env=env, check=True)
        out = subprocess.run(
            [sys.executable, "-m", "bench.sharing_calendar", str(N_SESSIONS), str(REPEATS)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    _worker(int(sys.argv[1]), int(sys.argv[2]))
