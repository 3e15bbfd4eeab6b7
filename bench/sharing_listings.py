"""Gift and take search benchmark: the list page searching among 100,000 available
listings by words in the title, kind of item and pickup area, through Django's full
request stack (middleware, session login, permission checks, the template) under
production settings (DEBUG off), in-process and warm. p95 over BENCH_REPEATS requests
(default 200) after a warm-up; goal 50 ms.

Each search has all three filters or a mix of them (a word, a kind, the start of an
area). SQLite by default, in a fresh temporary database; with DATABASE_URL naming a
PostgreSQL database, in a fresh one beside it (kampung_bench_gifts), where the words are
served by the trigram index. BENCH_SHARING_LISTINGS sets the number of listings."""

from __future__ import annotations

import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time

N_LISTINGS = int(os.environ.get("BENCH_SHARING_LISTINGS", "100000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "200"))

NOUNS = [
    "chair",
    "table",
    "stroller",
    "cot",
    "kettle",
    "rice cooker",
    "fan",
    "lamp",
    "shelf",
    "books",
    "jacket",
    "uniform",
    "shoes",
    "toy car",
    "puzzle",
    "blender",
    "radio",
    "desk",
    "sofa",
    "mattress",
    "wok",
    "plates",
    "bicycle",
    "helmet",
    "laptop bag",
    "curtains",
]
ADJECTIVES = ["small", "large", "wooden", "blue", "red", "folding", "old", "children's"]
CATEGORIES = ["clothes", "baby", "furniture", "kitchen", "electronics", "books", "toys", "other"]
AREAS = [f"Blk {n} Seri Mawar" for n in range(100, 160)] + ["Mawar Gardens", "Market"]


def seed_listings(community, giver, listed_by, n: int, *, rng: random.Random) -> int:
    """`n` available listings, in bulk (no signals, no photos)."""
    from datetime import timedelta

    from django.utils import timezone

    from kampung.sharing.models import Listing

    now = timezone.now()
    until = timezone.localdate() + timedelta(days=14)
    batch = []
    made = 0
    for i in range(n):
        area = rng.choice(AREAS)
        batch.append(
            Listing(
                community=community,
                title=f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {i}",
                category=rng.choice(CATEGORIES),
                pickup_area=area,
                area_key=area.lower(),
                available_until=until,
                giver=giver,
                listed_by=listed_by,
                created_at=now - timedelta(seconds=i * 7),
            )
        )
        if len(batch) == 5000:
            Listing.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    if batch:
        Listing.objects.bulk_create(batch)
        made += len(batch)
    from kampung.db import analyze

    analyze(Listing)
    return made


def searches(rng: random.Random, n: int) -> list[dict]:
    out = []
    for i in range(n):
        kind = i % 4
        params = {}
        if kind in (0, 1, 3):
            params["q"] = rng.choice(NOUNS)
        if kind in (0, 2, 3):
            params["category"] = rng.choice(CATEGORIES)
        if kind in (0, 2):
            params["area"] = rng.choice(AREAS)[:7].lower()  # "blk 12…": the start of an area
        out.append(params)
    return out


def percentile(values: list[float], p: float) -> float:
    import math

    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def time_searches(client, slug: str, repeats: int, *, rng: random.Random) -> dict:
    url = f"/c/{slug}/gifts/"
    for params in searches(rng, 10):  # warm-up
        assert client.get(url, params).status_code == 200
    times, found = [], 0
    for params in searches(rng, repeats):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        found += response.content.count(b'class="card gift-card"')
    return {
        "listings_search_p95_ms": round(percentile(times, 95), 2),
        "listings_search_p50_ms": round(percentile(times, 50), 2),
        "listings_search_items_shown_per_page": round(found / max(repeats, 1), 1),
    }


def run_here(n: int, repeats: int) -> dict:
    """Seed and measure in the database Django is set up with (already migrated)."""
    from django.test import Client

    from kampung.communities.models import Community
    from kampung.people.models import Member, Role, User

    rng = random.Random(16)
    community = Community.objects.create(
        slug="bench-gifts",
        name="Bench Gifts",
        centre_lat=1.35,
        centre_lng=103.94,
        timezone="Asia/Singapore",
        languages=["en"],
    )
    user = User.objects.create_user("bench-gifts@example.org", "x")
    member = Member.objects.create(
        community=community, user=user, display_name="Bench", role=Role.RESIDENT
    )
    giver_user = User.objects.create_user("bench-giver@example.org", "x")
    giver = Member.objects.create(community=community, user=giver_user, display_name="Giver")
    started = time.perf_counter()
    made = seed_listings(community, giver, giver_user, n, rng=rng)
    seed_seconds = time.perf_counter() - started
    del member
    # As a browser would ask (Host: localhost), without the test runner's instrumented
    # template rendering (setup_test_environment), which is not part of the real stack.
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    result = time_searches(client, community.slug, repeats, rng=rng)
    return {"listings": made, "listings_seed_seconds": round(seed_seconds, 1), **result}


def _worker() -> None:
    import django

    django.setup()
    from django.db import connection

    result = run_here(int(sys.argv[2]), int(sys.argv[3]))
    result["listings_database"] = connection.vendor
    print(json.dumps(result))


def _fresh_postgres(url: str) -> str:
    from bench.seed import _fresh_postgres as fresh

    return fresh(url, "kampung_bench_gifts")


def measure() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        # Production settings, as deployed: DEBUG off (no template debugging, no query
        # log), the collected static files' manifest, the cached template loader.
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "KAMPUNG_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "kampung.settings",
        }
        if url.startswith(("postgres://", "postgresql://")):
            env["DATABASE_URL"] = _fresh_postgres(url)
        else:
            env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "kampung.cli", "migrate", "-v0"], env=env, check=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True
        )
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.sharing_listings",
                "worker",
                str(N_LISTINGS),
                str(REPEATS),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        _worker()
    else:
        print(json.dumps(measure(), indent=2))
