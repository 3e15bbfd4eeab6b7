"""What a fridge's state means, in plain Python (no Django): the colour and words of a
fill level, whether the last report is too old to trust (grey on the map), whether a
temperature or a use-by date needs someone to act. Pages, the feed and the jobs all
ask here, so the map, the table and the alerts never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Fill levels as people see them on a fridge: empty, a quarter, half, three quarters, full.
FILL_LEVELS = (0, 1, 2, 3, 4)
FILL_WORDS = ("Empty", "A quarter full", "Half full", "Three quarters full", "Full")
FILL_SHORT = ("0", "¼", "½", "¾", "Full")
STALE_AFTER = timedelta(hours=24)
# Food kept cold must stay at or below 5 °C; readings outside -30..40 °C are typos.
SAFE_MAX_C = 5.0
READING_MIN_C, READING_MAX_C = -30.0, 40.0
PREPARED_DAYS_DEFAULT = 2


@dataclass(frozen=True)
class Look:
    """How one fridge is drawn: a CSS class (colour), a short label on the marker and
    the words in the table and the popup (colour is never the only cue)."""

    css: str
    short: str
    words: str
    stale: bool


def is_stale(last_report_at: datetime | None, now: datetime) -> bool:
    return last_report_at is None or now - last_report_at >= STALE_AFTER


def look(fill: int | None, last_report_at: datetime | None, now: datetime) -> Look:
    """The colour class and words for a fridge: by fill level, grey when nobody reported
    in the last 24 hours (or ever)."""
    if fill is None or is_stale(last_report_at, now):
        return Look("fill-stale", "?", "No report for 24 hours", True)
    if fill not in FILL_LEVELS:
        raise ValueError(f"fill level {fill!r}")
    return Look(f"fill-{fill}", FILL_SHORT[fill], FILL_WORDS[fill], False)


def ago_words(then: datetime | None, now: datetime) -> str:
    """ "5 minutes ago", "3 hours ago", "2 days ago", "never"."""
    if then is None:
        return "Never reported"
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "Just now"
    for size, one, many in (
        (86400, "day", "days"),
        (3600, "hour", "hours"),
        (60, "minute", "minutes"),
    ):
        if seconds >= size:
            n = seconds // size
            return f"{n} {one if n == 1 else many} ago"
    return "Just now"  # pragma: no cover - the loop always returns for seconds >= 60


def reading_in_range(celsius: float) -> bool:
    return READING_MIN_C <= celsius <= READING_MAX_C


def too_warm(celsius: float | None) -> bool:
    return celsius is not None and celsius > SAFE_MAX_C


def flag_date(*, use_by: date | None, made_on: date | None, prepared_days: int) -> date | None:
    """The first day a deposit is past it: the day after its use-by date, or for
    prepared food the day `prepared_days` after it was made."""
    if made_on is not None:
        return made_on + timedelta(days=prepared_days)
    if use_by is not None:
        return use_by + timedelta(days=1)
    return None


def is_past(*, use_by: date | None, made_on: date | None, prepared_days: int, today: date) -> bool:
    flag = flag_date(use_by=use_by, made_on=made_on, prepared_days=prepared_days)
    return flag is not None and today >= flag
