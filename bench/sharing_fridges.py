"""Fridge map benchmark: the state of 1,000 community fridges as the map and other apps
read it (the open feed, /c/<slug>/fridges/feed.json: every public fridge's fill level,
condition, temperature and how long ago it was reported), through Django's full stack
(middleware, view, JSON) with the test Client, in a fresh database (SQLite, or the
PostgreSQL DATABASE_URL names). p95 over BENCH_REPEATS requests after warm-up.
Goal: p95 <= 50 ms. BENCH_FRIDGES sets the size (1,000 by default)."""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

N_FRIDGES = int(os.environ.get("BENCH_FRIDGES", "1000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "100"))


def seed(n: int):
    """A community with `n` fridges (their assets in the register), each reported on."""
    from datetime import timedelta

    from django.utils import timezone

    from kampung.assets.models import Asset, Category
    from kampung.communities.models import Community
    from kampung.fridges.models import Fridge

    community = Community.objects.create(
        slug="bench-fridges",
        name="Bench Fridges",
        centre_lat=1.3521,
        centre_lng=103.8198,
        timezone="Asia/Singapore",
        languages=["en"],
    )
    rng = random.Random(16)
    now = timezone.now()
    assets = Asset.objects.bulk_create(
        Asset(
            community=community,
            name=f"Fridge {i:04d}",
            category=Category.PLACE,
            subtype="Community fridge",
            lat=1.3521 + rng.uniform(-0.1, 0.1),
            lng=103.8198 + rng.uniform(-0.1, 0.1),
            visibility=Asset.Visibility.PUBLIC,
            source=Asset.Source.SEED,
        )
        for i in range(n)
    )
    Fridge.objects.bulk_create(
        Fridge(
            community=community,
            asset=asset,
            always_open=i % 3 == 0,
            rules=["Alcohol"],
            fill=rng.randint(0, 4),
            condition="fine",
            temperature_c=round(rng.uniform(2, 7), 1),
            last_report_at=now - timedelta(hours=rng.uniform(0, 36)),
        )
        for i, asset in enumerate(assets)
    )
    return community


def measure_here(n: int, repeats: int) -> dict:
    """Seed and time in the current database (the worker's fresh one, or a test's)."""
    from django.test import Client

    community = seed(n)
    client = Client()
    url = f"/c/{community.slug}/fridges/feed.json"

    def timed() -> tuple[float, dict]:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.content[:300]
        return elapsed, json.loads(response.content)

    from django.core.cache import cache

    def p95(times: list[float]) -> float:
        return round(statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0], 2)

    for _ in range(5):  # warm caches, connections and templates
        timed()
    # As served: the feed's JSON is kept per community and minute until a report arrives,
    # so every 20th request here follows a new report (which bumps the feed's version).
    from kampung.fridges import actions
    from kampung.fridges.models import Fridge

    fridges = list(Fridge.objects.filter(community=community).select_related("asset")[:50])
    times, body = [], {}
    for i in range(repeats):
        if i % 20 == 0:
            actions.report_state(
                by=None,
                fridge=fridges[i % len(fridges)],
                fill=2,
                condition="fine",
                token=fridges[i % len(fridges)].token,
            )
        elapsed, body = timed()
        times.append(elapsed)
    # Every request building the JSON afresh (the cache emptied before each).
    uncached = []
    for _ in range(max(1, repeats // 2)):
        cache.clear()
        uncached.append(timed()[0])
    return {
        "fridge_map_p95_ms": p95(times),
        "fridge_map_uncached_p95_ms": p95(uncached),
        "fridges": len(body["fridges"]),
    }


def _worker() -> None:
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    print(json.dumps(measure_here(int(sys.argv[1]), int(sys.argv[2]))))


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

            env["DATABASE_URL"] = _fresh_postgres(url, "kampung_bench_fridges")
        else:
            env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "kampung.cli", "migrate", "-v0"], env=env, check=True)
        out = subprocess.run(
            [sys.executable, "-m", "bench.sharing_fridges", str(N_FRIDGES), str(REPEATS)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    _worker()
