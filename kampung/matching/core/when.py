"""Weekly availability as bitmasks of half-hour slots (7 x 48 = 336 bits), so that
overlap is one AND and a popcount in both the plain and the vectorised path."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from kampung.matching.core.types import Slot

SLOT_MIN = 30
PER_DAY = 24 * 60 // SLOT_MIN
N_SLOTS = 7 * PER_DAY
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def slot_bits(day: int, start_min: int, end_min: int) -> int:
    """Every half-hour slot the range touches (a 14:15-14:45 visit touches two)."""
    start_min, end_min = max(0, start_min), min(24 * 60, end_min)
    if end_min <= start_min or not 0 <= day <= 6:
        return 0
    first = start_min // SLOT_MIN
    last = (end_min - 1) // SLOT_MIN
    return ((1 << (last - first + 1)) - 1) << (day * PER_DAY + first)


def mask(slots: Iterable[Slot]) -> int:
    out = 0
    for day, start, end in slots:
        out |= slot_bits(day, start, end)
    return out


def occasion_bits(start: datetime, end: datetime) -> int:
    end_min = 24 * 60 if end.date() > start.date() else end.hour * 60 + end.minute
    return slot_bits(start.weekday(), start.hour * 60 + start.minute, end_min)


def in_windows(day: date, windows: tuple[tuple[date, date], ...]) -> bool:
    return not windows or any(a <= day <= b for a, b in windows)


def first_run(bits: int) -> str:
    """The first continuous run of slots, in words: 'Tue 14:00–16:00'."""
    if not bits:
        return ""
    lo = (bits & -bits).bit_length() - 1
    hi = lo
    while hi + 1 < N_SLOTS and (bits >> (hi + 1)) & 1 and (hi + 1) % PER_DAY:
        hi += 1
    day, a, b = lo // PER_DAY, (lo % PER_DAY) * SLOT_MIN, (hi % PER_DAY + 1) * SLOT_MIN
    return f"{DAYS[day]} {a // 60:02d}:{a % 60:02d}–{b // 60:02d}:{b % 60:02d}"


def to_words(bits: int, limit: int = 64) -> list[int]:
    """The mask as little-endian 64-bit words (for numpy)."""
    return [(bits >> (64 * i)) & ((1 << 64) - 1) for i in range((N_SLOTS + 63) // 64)][:limit]
