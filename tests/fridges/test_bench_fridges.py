"""The fridge map benchmark (bench/sharing_fridges.py) at a tiny size, so it cannot rot:
its seed is what the feed reads, and its figures come back under the right keys."""

from __future__ import annotations


def test_the_fridge_benchmark_measures_the_feed_of_every_seeded_fridge(db):
    from bench.sharing_fridges import measure_here

    result = measure_here(12, 3)
    assert result["fridges"] == 12
    assert result["fridge_map_p95_ms"] > 0
