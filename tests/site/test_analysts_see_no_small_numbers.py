"""An analyst sees aggregates only, and no figure based on fewer than 5 people: the
dashboard's bars for one to four people say "under 5" (staff see the counts)."""

from __future__ import annotations

import re

from kampung.views import suppress_small


def test_small_counts_are_hidden_from_analysts(cast, login):
    staff = login(cast.user("coordinator")).get(f"/c/{cast.community.slug}/").content.decode()
    counts = [int(n) for n in re.findall(r'class="bar-value">(\d+)<', staff)]
    assert any(0 < n < 5 for n in counts), "the demo has small groups to hide"
    analyst = login(cast.user("analyst")).get(f"/c/{cast.community.slug}/").content.decode()
    shown = [int(n) for n in re.findall(r'class="bar-value">(\d+)<', analyst)]
    # 0 ("nobody joined that month") is shown: it is about no one. 1 to 4 never are.
    assert shown and all(n == 0 or n >= 5 for n in shown)
    assert not any(0 < n < 5 for n in shown)
    assert "under 5" in analyst


def test_suppression_keeps_large_figures_and_hides_the_bar_length():
    stats = {
        "members": 46,
        "counted": 3,
        "volunteers": 7,
        "skills": [{"label": "Music", "count": 4, "pct": 66}, {"label": "IT", "count": 6}],
        "languages": [],
        "joined": [{"label": "Oct 2026", "count": 1, "pct": 50}],
    }
    out = suppress_small(stats)
    assert out["members"] == 46 and out["volunteers"] == 7 and out["counted"] == "under 5"
    assert out["skills"][0] == {"label": "Music", "count": None, "pct": 0}
    assert out["skills"][1]["count"] == 6 and out["joined"][0]["count"] is None
