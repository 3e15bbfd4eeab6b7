"""The dashboard's "New members by month" covers the twelve calendar months up to this
one, with months nobody joined shown as 0 (the walk found the current month missing)."""

from __future__ import annotations

from django.utils import timezone

from kampung.views import _compute_stats


def test_the_twelve_months_end_with_this_one_and_keep_empty_months(cast):
    rows = _compute_stats(cast.community)["joined"]
    today = timezone.localdate()
    assert len(rows) == 12
    assert rows[-1]["label"] == today.strftime("%b %Y")
    labels = [r["label"] for r in rows]
    assert len(set(labels)) == 12
    assert all(isinstance(r["count"], int) and r["count"] >= 0 for r in rows)
