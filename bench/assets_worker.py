"""Runs inside a fresh database (see bench/assets.py): seed, then time requests."""

from __future__ import annotations

import json
import random
import statistics
import sys
import time


def main(n_assets: int, repeats: int) -> None:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kampung.assets.demo import seed_assets
    from kampung.communities.models import Community
    from kampung.demo import random_point
    from kampung.people.models import Member, Role, User

    setup_test_environment()
    centre, radius_km = (1.3521, 103.8198), 15.0  # a city-sized area
    community = Community.objects.create(
        slug="bench-city",
        name="Bench City",
        centre_lat=centre[0],
        centre_lng=centre[1],
        timezone="Asia/Singapore",
        languages=["en", "zh"],
    )
    user = User.objects.create_user("bench@example.org", "x")
    Member.objects.create(
        community=community, user=user, display_name="Bench", role=Role.COORDINATOR
    )
    rng = random.Random(1)
    seed_assets(
        community, count=n_assets, rng=rng, point=lambda r: random_point(r, centre, radius_km)
    )
    client = Client()
    client.force_login(user)
    url = f"/api/v1/communities/{community.slug}/assets/map"
    d = radius_km / 111.0
    city = f"{centre[1] - d * 1.2},{centre[0] - d},{centre[1] + d * 1.2},{centre[0] + d}"

    def street_box():
        lat, lng = random_point(rng, centre, radius_km * 0.8)
        return f"{lng - 0.003},{lat - 0.002},{lng + 0.003},{lat + 0.002}"

    def timed(params):
        started = time.perf_counter()
        response = client.get(url, params)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.content[:300]
        return elapsed, response.json()

    for _ in range(5):  # warm caches and connections
        timed({"bbox": city, "zoom": 11})
        timed({"bbox": street_box(), "zoom": 17})
    agg, view, cells, points = [], [], 0, []
    for _ in range(repeats):
        ms, body = timed({"bbox": city, "zoom": 11})
        agg.append(ms)
        cells = len(body["cells"])
        ms, body = timed({"bbox": street_box(), "zoom": 17})
        view.append(ms)
        points.append(len(body["points"]))

    # The first zoomed-out request after any asset change rebuilds the in-memory counts.
    from kampung.assets.signals import bump

    bump(community.pk)
    rebuild_ms, _ = timed({"bbox": city, "zoom": 11})

    def p95(values):
        return round(statistics.quantiles(values, n=20)[-1], 2)

    print(
        json.dumps(
            {
                "aggregate_p95_ms": p95(agg),
                "viewport_p95_ms": p95(view),
                "aggregate_cells": cells,
                "aggregate_after_change_ms": round(rebuild_ms, 1),
                "viewport_points": round(statistics.mean(points), 1),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
