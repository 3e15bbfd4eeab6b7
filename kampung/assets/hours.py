"""Is an asset open at a given local time? Plain Python, no Django."""

from __future__ import annotations

from datetime import datetime


def is_open(opening_hours: list[dict], local: datetime) -> bool:
    day, hhmm = local.weekday(), local.strftime("%H:%M")
    return any(s["day"] == day and s["opens"] <= hhmm < s["closes"] for s in opening_hours or [])


DAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_opening_hours(opening_hours: list[dict]) -> str:
    """The slots as people write them, and as the importer and the asset form read them:
    [{"day": 0, "opens": "09:00", "closes": "17:00"}, … Fri] -> "Mon-Fri 09:00-17:00".
    Consecutive days with the same times share one range; several spans on a day are
    separated by commas; groups by semicolons."""
    by_day: dict[int, list[str]] = {}
    for slot in sorted(opening_hours or [], key=lambda s: (s["day"], s["opens"])):
        by_day.setdefault(slot["day"], []).append(f"{slot['opens']}-{slot['closes']}")
    groups: list[tuple[int, int, tuple[str, ...]]] = []
    for day in sorted(by_day):
        spans = tuple(by_day[day])
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == spans:
            groups[-1] = (groups[-1][0], day, spans)
        else:
            groups.append((day, day, spans))
    parts = []
    for first, last, spans in groups:
        days = DAY_ABBREVIATIONS[first]
        if last != first:
            joiner = "-" if last > first + 1 else ", "
            days += joiner + DAY_ABBREVIATIONS[last]
        parts.append(f"{days} {', '.join(spans)}")
    return "; ".join(parts)
