"""Is an asset open at a given local time? Plain Python, no Django."""

from __future__ import annotations

from datetime import datetime


def is_open(opening_hours: list[dict], local: datetime) -> bool:
    day, hhmm = local.weekday(), local.strftime("%H:%M")
    return any(s["day"] == day and s["opens"] <= hhmm < s["closes"] for s in opening_hours or [])
