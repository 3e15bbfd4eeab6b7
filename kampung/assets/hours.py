"""Opening times in plain Python (Django only to translate messages): reading them as
people write them ("Mon-Fri 09:00-17:00; Sat 10:00-12:00"), writing them back the same
way, and whether an asset is open at a given local time."""

from __future__ import annotations

import re
from datetime import datetime

from django.utils.translation import gettext as _


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


# --- Reading what people write --------------------------------------------------------------


class HoursError(ValueError):
    """Opening times that could not be understood; the message says how to write them."""


def _simplify(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", str(text)).casefold().split())


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_GROUPS = {
    "daily": range(7),
    "every day": range(7),
    "everyday": range(7),
    "weekdays": range(5),
    "weekends": range(5, 7),
}
_TIMES = re.compile(
    r"^(\d{1,2})(?:[:.](\d{2}))?\s*(?:-|–|—|to)\s*(\d{1,2})(?:[:.](\d{2}))?$", re.IGNORECASE
)
HOURS_EXAMPLE = "Mon-Fri 09:00-17:00; Sat 10:00-12:00"


def _day(word: str) -> int:
    word = word.strip().casefold().rstrip(".")
    for number, full in enumerate(DAYS):
        if len(word) >= 2 and full.startswith(word):
            return number
    raise HoursError(
        _("“%(v)s” is not a day. Write days and times like: %(example)s")
        % {"v": word, "example": HOURS_EXAMPLE}
    )


def _days(text: str) -> list[int]:
    found: list[int] = []
    for part in re.split(r"[,&/]|\band\b", text):
        part = part.strip()
        if not part:
            continue
        if _simplify(part) in DAY_GROUPS:
            found.extend(DAY_GROUPS[_simplify(part)])
            continue
        ends = re.split(r"\s*(?:-|–|—|\bto\b)\s*", part)
        if len(ends) == 2:
            first, last = _day(ends[0]), _day(ends[1])
            found.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
        elif len(ends) == 1:
            found.append(_day(part))
        else:
            raise HoursError(_("“%(v)s” is not understood.") % {"v": part})
    return list(dict.fromkeys(found))


def parse_opening_hours(text: str) -> list[dict]:
    """ "Mon-Fri 09:00-17:00; Sat 10:00-12:00, 14:00-16:00" -> opening slots, as the
    asset form, the importer and format_opening_hours() write them. Raises HoursError
    saying what could not be understood."""
    slots = []
    for segment in re.split(r"[;\n]", text):
        segment = segment.strip()
        if not segment:
            continue
        match = re.match(r"^(.*?[A-Za-z].*?)\s*:?\s+(\d.*)$", segment)
        if not match:
            raise HoursError(
                _("“%(v)s” is not understood. Write days and times like: %(example)s")
                % {"v": segment, "example": HOURS_EXAMPLE}
            )
        days = _days(match.group(1))
        for span in match.group(2).split(","):
            times = _TIMES.match(span.strip())
            if not times:
                raise HoursError(
                    _("“%(v)s” is not a time span. Write it like 09:00-17:00.")
                    % {"v": span.strip()}
                )
            h1, m1, h2, m2 = times.groups()
            opens, closes = f"{int(h1):02d}:{m1 or '00'}", f"{int(h2):02d}:{m2 or '00'}"
            if not _valid_time(opens) or not _valid_time(closes):
                raise HoursError(
                    _("“%(v)s” is not a time of day (00:00 to 23:59).") % {"v": span.strip()}
                )
            if opens >= closes:
                raise HoursError(
                    _("In “%(v)s” the opening time must be before the closing time.")
                    % {"v": segment}
                )
            slots.extend({"day": d, "opens": opens, "closes": closes} for d in days)
    return slots


def _valid_time(hhmm: str) -> bool:
    return bool(re.match(r"^([01]\d|2[0-3]):[0-5]\d$", hhmm))
