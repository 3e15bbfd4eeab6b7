"""The community calendar feed (/c/<slug>/sessions/calendar.ics) of 500 weekly,
fortnightly and monthly sessions, each with 50 cancelled dates (EXDATEs), through
Django's full request stack (middleware, view, feed writer), in a fresh SQLite database
(PostgreSQL when DATABASE_URL names one).

The figures (milliseconds):
- calendar_feed_ms: the COLD feed, nothing cached: the cache is cleared before each of
  COLD_REPEATS (default 20) requests, and the figure is their 95th percentile (the
  19th of 20, sorted); calendar_feed_median_ms is their median. This is what a calendar
  app meets when nobody asked for the feed in the last five minutes, and the goal is
  calendar_feed_ms <= 500. (The process's caches stay warm: the VTIMEZONE, worked out
  once per zone, and Django's URL and template setup.)
- calendar_feed_first_request_ms: the very first request of the process, for the record
  (it also pays for those process-wide first-time costs).
- calendar_feed_warm_ms: the whole feed cached (the 5-minute feed cache), the 95th
  percentile of REPEATS (default 50) requests after warm-up.
- calendar_feed_after_change_ms: after one session changed (a date cancelled), the
  feed written again with the other 499 events' texts from the cache; the 95th
  percentile (the slowest) of CHANGES (5) changes, each to a different session.

BENCH_SESSIONS, BENCH_REPEATS and BENCH_COLD_REPEATS make it smaller
(tests/skillshare/test_bench_calendar.py runs it tiny so it cannot rot)."""

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
COLD_REPEATS = int(os.environ.get("BENCH_COLD_REPEATS", "20"))
EXCEPTIONS = 50  # cancelled dates per session
CHANGES = 5


def seed(n_sessions: int):
    """A community with `n_sessions` public recurring sessions, each with EXCEPTIONS
    cancelled dates (every other date from the first: two years of a weekly session,
    longer for the others). Returns the community."""
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
            until=first + dt.timedelta(days=366 * 9),
            limit=2 * EXCEPTIONS,
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
                exceptions=[d.date().isoformat() for d in dates[::2]],
            )
        )
    Session.objects.bulk_create(rows, batch_size=500)
    return community


def _p95(times: list[float]) -> float:
    times = sorted(times)
    return round(times[max(0, round(0.95 * len(times)) - 1)], 1)


def time_feed(community, repeats: int, cold_repeats: int = COLD_REPEATS) -> dict:
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from kampung.skillshare.models import Session

    client = Client()
    url = f"/c/{community.slug}/sessions/calendar.ics"

    def timed() -> tuple[float, int]:
        started = time.perf_counter()
        response = client.get(url)
        took = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        return took, len(response.content)

    cache.clear()
    first, size = timed()
    # Cold: nothing in the cache (neither the feed nor any event's text).
    cold = []
    for _ in range(max(1, cold_repeats)):
        cache.clear()
        cold.append(timed()[0])
    # Warm: the whole feed cached.
    for _ in range(3):
        timed()
    warm = [timed()[0] for _ in range(max(1, repeats))]
    # After one change (a date cancelled): only that session's event is written again.
    after = []
    sessions = list(Session.objects.filter(community=community).order_by("pk")[:CHANGES])
    for session in sessions:
        timed()  # the feed and all events cached before the change
        Session.objects.filter(pk=session.pk).update(
            exceptions=[*session.exceptions, "2031-06-30"], updated_at=timezone.now()
        )
        after.append(timed()[0])
    return {
        "calendar_feed_ms": _p95(cold),
        "calendar_feed_median_ms": round(statistics.median(cold), 1),
        "calendar_feed_cold_requests": len(cold),
        "calendar_feed_warm_ms": _p95(warm),
        "calendar_feed_warm_median_ms": round(statistics.median(warm), 1),
        "calendar_feed_after_change_ms": _p95(after),
        "calendar_feed_first_request_ms": round(first, 1),
        "calendar_feed_bytes": size,
    }


def _worker(n_sessions: int, repeats: int, cold_repeats: int) -> None:
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    community = seed(n_sessions)
    figures = time_feed(community, repeats, cold_repeats)
    print(json.dumps({**figures, "sessions": n_sessions, "exdates_per_session": EXCEPTIONS}))


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
            [
                sys.executable,
                "-m",
                "bench.sharing_calendar",
                str(N_SESSIONS),
                str(REPEATS),
                str(COLD_REPEATS),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    _worker(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
