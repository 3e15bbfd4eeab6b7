"""make bench BENCH=sharing -> var/bench/sharing.json

Three measurements, each in its own module (one per sharing app):
- listings_search_p95_ms: search among 100,000 active gift-and-take listings by text,
  category and area, through the full Django stack (bench/sharing_listings.py);
- fridge_map_p95_ms: the state of 1,000 fridges, as the map asks for it
  (bench/sharing_fridges.py);
- calendar_feed_ms: a community's calendar feed of 500 recurring sessions with a year
  of exceptions (bench/sharing_calendar.py).
Goals: 50 ms, 50 ms and 500 ms."""

from __future__ import annotations

import importlib

PARTS = ["bench.sharing_listings", "bench.sharing_fridges", "bench.sharing_calendar"]
GOALS = {"listings_search_p95_ms": 50.0, "fridge_map_p95_ms": 50.0, "calendar_feed_ms": 500.0}


def run() -> dict:
    result: dict = {}
    for name in PARTS:
        result.update(importlib.import_module(name).measure())
    result["goals_met"] = sorted(k for k, goal in GOALS.items() if result.get(k, 1e18) <= goal)
    result["goals_missed"] = sorted(k for k, goal in GOALS.items() if result.get(k, 1e18) > goal)
    return result
