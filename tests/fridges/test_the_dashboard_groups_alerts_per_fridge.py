"""What the dashboard lists for a volunteer: at most one line per fridge for its open
alerts ("3 things need someone"), plus their rota slot."""

from __future__ import annotations

from kampung.fridges import actions, queries
from kampung.fridges.models import Alert


def test_three_alerts_at_one_fridge_are_one_line(cast, fridge):
    for n in range(3):
        actions.raise_alert(fridge=fridge, kind="missed_check", key=f"t-{n}", text=f"Missed {n}")
    vijay = cast.members["volunteer"]
    open_alerts = Alert.objects.filter(fridge=fridge, resolved_at=None).count()
    lines = [t for t in queries.waiting_for(vijay) if t["kind"] == "alert"]
    assert len(lines) == 1
    assert lines[0]["text"] == (f"{fridge.name}: {open_alerts} things need someone — see them")
    assert "Missed" not in lines[0]["text"]
    assert all(t["kind"] in ("alert", "rota") for t in queries.waiting_for(vijay))
