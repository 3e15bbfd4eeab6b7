"""The listings search benchmark at a tiny size, so it cannot rot: it seeds listings in
bulk that the list page shows and finds, and reports its figures (no timing asserted)."""

from __future__ import annotations

import random

from bench import sharing_listings


def test_the_benchmark_seeds_and_searches_at_a_tiny_size(db):
    result = sharing_listings.run_here(300, 8)
    assert result["listings"] == 300
    assert result["listings_search_p95_ms"] > 0
    assert result["listings_search_items_shown_per_page"] > 0


def test_its_searches_use_every_filter():
    params = sharing_listings.searches(random.Random(1), 8)
    assert {"q", "category", "area"} <= {key for p in params for key in p}
