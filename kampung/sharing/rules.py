"""Plain rules of gift and take, with no Django: whether a text reads as a price, the
search key of a pickup area, the size a photo is shrunk to, and who may be chosen.

Property tests: tests/sharing/test_rules_properties.py."""

from __future__ import annotations

import re

# "$20", "RM 5", "S$10", "£3.50", "20 dollars", "10 ringgit", "price: 5", "5 euro"...
_CURRENCY = r"(?:\$|£|€|¥|₹|rm|sgd|s\$|usd|gbp|eur|inr|myr|rs\.?)"
_PRICE = re.compile(
    rf"(?:{_CURRENCY}\s*\d)|(?:\d[\d.,]*\s*(?:{_CURRENCY}|dollars?|ringgit|pounds?|euros?|"
    r"bucks|quid|rupees?|pence|cents?)\b)|(?:\b(?:price|priced|selling for|sell for|"
    r"for sale|asking|ono|obo)\b)",
    re.IGNORECASE,
)


def looks_like_price(text: str) -> bool:
    """Gift and take has no prices: a title or description asking money is refused."""
    return bool(_PRICE.search(text or ""))


def area_key(area: str) -> str:
    """A pickup area as it is searched: lower case, spaces squeezed."""
    return " ".join((area or "").split()).lower()


def may_open_another(open_now: int, limit: int) -> bool:
    """A member holds at most `limit` open requests at once."""
    return open_now < limit


def first_come(requests: list[tuple[int, float]]) -> int | None:
    """The request to choose for "first come, first served": the earliest (then the
    lowest id), from (id, created timestamp) pairs; None if there are none."""
    if not requests:
        return None
    return min(requests, key=lambda r: (r[1], r[0]))[0]
