"""Merging duplicate workshop items, in plain Python (no Django): which value of each
field is the most complete, and the choices a facilitator is offered on the merge
review page.

The rule, field by field (ties keep the item added first):

- name, address: the longest (more words are usually more specific: "Football for
  teens" over "Football").
- place: a point on the map; else, if the address kept says where (any item has
  one), "at a place, not yet on the map"; only with neither, "online" or "comes to
  you" (so the place and the address suggested never disagree).
- category: the first item's (kinds have no "more complete"; the facilitator picks).
- description, who offers it: every different text, joined (descriptions as
  separate sentences, each its own paragraph); if that would be too long to keep, the
  longest one.

So the merged item is never less complete than any of the items merged, on any field
(tests/workshops/test_merging.py checks it with Hypothesis). This module must not read
or write the database: kampung.workshops.actions.merge_items does, with its result."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

POINT = "point"
Place = tuple[str, float | None, float | None]  # location kind, latitude, longitude
DESCRIPTION_MAX = 5000  # kampung.limits.DESCRIPTION_MAX (this module imports no Django)
OFFERED_BY_MAX = 200
ADDRESS_MAX = 200
NAME_MAX = 200

# The fields the review page offers, in the order it shows them.
FIELDS = ("name", "category", "place", "address", "offered_by", "description")
JOINED = {"description": ("\n\n", DESCRIPTION_MAX), "offered_by": ("; ", OFFERED_BY_MAX)}
SENTENCE_ENDS = ".!?…。！？:;)\"'”’"


@dataclass(frozen=True)
class ItemValues:
    """What one workshop item says, as plain values."""

    name: str = ""
    category: str = ""
    location_kind: str = POINT
    lat: float | None = None
    lng: float | None = None
    address: str = ""
    offered_by: str = ""
    description: str = ""

    @property
    def place(self) -> Place:
        if self.location_kind != POINT:
            return (self.location_kind, None, None)
        return (self.location_kind, self.lat, self.lng)

    def get(self, field: str) -> object:
        return self.place if field == "place" else getattr(self, field)

    def with_value(self, field: str, value: object) -> ItemValues:
        if field == "place":
            kind, lat, lng = cast(Place, value)
            return replace(self, location_kind=kind, lat=lat, lng=lng)
        changes: dict[str, Any] = {field: value}
        return replace(self, **changes)


def completeness(field: str, value: object) -> int:
    """How complete one field's value is: higher is more complete; values of the same
    score are as good as each other."""
    if field == "place":
        # A point on the map says the most; "online", "comes to you" and "at a place
        # not yet on the map" say as much as each other (which one is suggested
        # follows the address: merged_place).
        _kind, lat, _lng = cast(Place, value)
        return 2 if lat is not None else 1
    if field == "category":
        return 0
    return len(str(value or "").strip())


def _same(piece: str) -> str:
    """What two pieces are compared by: case and a closing full stop ignored."""
    return piece.casefold().rstrip(".").strip()


def _parts(text: str, sep: str) -> list[str]:
    """The distinct non-empty pieces of a joined text, in order (case ignored)."""
    seen: list[str] = []
    for piece in (text or "").split(sep):
        piece = piece.strip()
        if piece and _same(piece) not in {_same(s) for s in seen}:
            seen.append(piece)
    return seen


def sentence(text: str) -> str:
    """`text` ending as a sentence does: a full stop added if it has no closing mark."""
    return text if not text or text[-1] in SENTENCE_ENDS else text + "."


def joined(texts: Sequence[str], field: str) -> str:
    """Every different text, in order (descriptions as sentences, one paragraph
    each); the longest one alone if together they would be longer than the field
    holds."""
    sep, limit = JOINED[field]
    parts: list[str] = []
    for text in texts:
        for piece in _parts(text, sep):
            if _same(piece) not in {_same(p) for p in parts}:
                parts.append(piece)
    if field == "description" and len(parts) > 1:
        parts = [sentence(p) for p in parts]
    together = sep.join(parts)
    if len(together) <= limit:
        return together
    return max((t.strip() for t in texts), key=len, default="")[:limit]


def most_complete(field: str, values: Sequence[object]) -> object:
    """The most complete of `values` (the first among equals)."""
    best = values[0]
    for value in values[1:]:
        if completeness(field, value) > completeness(field, best):
            best = value
    return best


def merged_place(items: Sequence[ItemValues]) -> Place:
    """The place suggested, agreeing with the address suggested: the first point on
    the map; else, when there is an address, a place still to be put on the map; only
    with neither, the first "online" or "comes to you"."""
    places = [i.place for i in items]
    for place in places:
        if place[0] == POINT and place[1] is not None:
            return place
    if str(merged_value("address", items)).strip():
        return (POINT, None, None)
    for place in places:
        if place[0] != POINT:
            return place
    return (POINT, None, None)


def merged_value(field: str, items: Sequence[ItemValues]) -> object:
    if field in JOINED:
        return joined([str(i.get(field)) for i in items], field)
    if field == "place":
        return merged_place(items)
    return most_complete(field, [i.get(field) for i in items])


def merge(items: Sequence[ItemValues]) -> ItemValues:
    """The items as one, taking the most complete value of each field. The first item
    is the one kept (its category wins among equals)."""
    if not items:
        raise ValueError("nothing to merge")
    out = items[0]
    for field in FIELDS:
        out = out.with_value(field, merged_value(field, items))
    return out


@dataclass(frozen=True)
class Choice:
    """One field on the review page: its options (distinct values, the suggested one
    first) and which option is suggested (always 0)."""

    field: str
    options: tuple[object, ...]


def choices(items: Sequence[ItemValues]) -> list[Choice]:
    """The fields where the items differ, each with its options: the most complete
    value first (for description and who-offers-it, all of them joined), then each
    item's own value as written, without repeats."""
    out = []
    for field in FIELDS:
        suggested = merged_value(field, items)
        options: list[object] = [suggested]
        for item in items:
            value = item.get(field)
            if field in JOINED or field in ("name", "address"):
                value = str(value).strip()
            if value not in options and not (field in JOINED and value == ""):
                options.append(value)
        own = {_key(field, i.get(field)) for i in items}
        if len(own) > 1 and len(options) > 1:
            out.append(Choice(field=field, options=tuple(options)))
    return out


def sources(field: str, value: object, items: Sequence[ItemValues]) -> list[int]:
    """Which items (by position) say `value` for `field`, as written."""
    return [i for i, item in enumerate(items) if _key(field, item.get(field)) == value]


def _key(field: str, value: object) -> object:
    if field in JOINED or field in ("name", "address"):
        return str(value).strip()
    return value


def apply(items: Sequence[ItemValues], picked: dict[str, int]) -> ItemValues:
    """The merge with the facilitator's picks: `picked` maps a field to the index of
    an option from `choices(items)`; a field not picked keeps the suggestion. An index
    out of range raises IndexError; a field the items agree on raises KeyError."""
    result = merge(items)
    offered = {c.field: c for c in choices(items)}
    for field, index in picked.items():
        choice = offered[field]
        if not 0 <= index < len(choice.options):
            raise IndexError(field)
        result = result.with_value(field, choice.options[index])
    return result


def fingerprint(ids: Sequence[int], items: Sequence[ItemValues]) -> str:
    """Changes whenever any of the items (or which items) change: the review page
    sends it back, so picks made against old values are never applied to new ones."""
    text = repr((tuple(ids), tuple(items)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
