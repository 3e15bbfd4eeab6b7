"""Gap analysis in plain Python (no Django): split the neighbourhood into square areas,
count assets per category and open needs per category in each, and say where needs
outnumber assets.

Areas are labelled like a street atlas — columns A, B, C… from west to east and rows
1, 2, 3… from north to south — so a community worker can say "area C4" out loud."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

METRES_PER_DEGREE = 111_320.0
SIZES_M = (250, 500, 1000)
MAX_AREAS = 2_500
# Open needs are about people: an area with only one or two is shown as "fewer than
# 3", never the exact number or its kinds, so a count cannot point to a household.
SMALL_COUNT = 3  # a grid bigger than this is unreadable; callers pick a larger size


@dataclass
class Area:
    label: str
    row: int
    col: int
    south: float
    west: float
    north: float
    east: float
    assets: dict[str, int] = field(default_factory=dict)
    needs: dict[str, int] = field(default_factory=dict)

    @property
    def n_assets(self) -> int:
        return sum(self.assets.values())

    @property
    def n_needs(self) -> int:
        return sum(self.needs.values())

    @property
    def needs_shown(self) -> int | None:
        """The number of open needs as it may be shown: None for 1 or 2."""
        n = self.n_needs
        return None if 0 < n < SMALL_COUNT else n

    @property
    def gap(self) -> int:
        """Open needs (as shown; a hidden small count as 0) minus assets: above zero,
        needs outnumber what is there."""
        return (self.needs_shown or 0) - self.n_assets

    def as_dict(self) -> dict:
        shown = self.needs_shown
        return {
            "label": self.label,
            "bbox": [self.west, self.south, self.east, self.north],
            "assets": dict(self.assets),
            "needs": dict(self.needs) if shown else {},
            "n_assets": self.n_assets,
            "n_needs": shown,
            "gap": self.gap,
        }


def column_label(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as spreadsheet columns."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


class TooManyAreas(ValueError):
    pass


def grid(
    assets: Iterable[tuple[float, float, str]],
    needs: Iterable[tuple[float, float, str]] = (),
    *,
    size_m: float = 500,
) -> list[Area]:
    """Areas that hold at least one asset or need. `assets` and `needs` are
    (lat, lng, category) triples. The grid is anchored at the north-west corner of
    everything given, so labels stay stable while the data does."""
    assets, needs = list(assets), list(needs)
    points = assets + needs
    if not points:
        return []
    north = max(p[0] for p in points)
    west = min(p[1] for p in points)
    south = min(p[0] for p in points)
    mid_lat = (north + south) / 2
    d_lat = size_m / METRES_PER_DEGREE
    d_lng = size_m / (METRES_PER_DEGREE * max(math.cos(math.radians(mid_lat)), 0.01))
    east = max(p[1] for p in points)
    rows = math.floor((north - south) / d_lat) + 1
    cols = math.floor((east - west) / d_lng) + 1
    if rows * cols > MAX_AREAS * 20:
        raise TooManyAreas(f"{rows} × {cols} areas of {size_m} m: choose a larger size")
    areas: dict[tuple[int, int], Area] = {}

    def area_of(lat: float, lng: float) -> Area:
        row = min(math.floor((north - lat) / d_lat), rows - 1)
        col = min(math.floor((lng - west) / d_lng), cols - 1)
        key = (row, col)
        if key not in areas:
            areas[key] = Area(
                label=f"{column_label(col)}{row + 1}",
                row=row,
                col=col,
                north=north - row * d_lat,
                south=north - (row + 1) * d_lat,
                west=west + col * d_lng,
                east=west + (col + 1) * d_lng,
            )
        return areas[key]

    for lat, lng, category in assets:
        a = area_of(lat, lng)
        a.assets[category] = a.assets.get(category, 0) + 1
    for lat, lng, category in needs:
        a = area_of(lat, lng)
        a.needs[category] = a.needs.get(category, 0) + 1
    if len(areas) > MAX_AREAS:
        raise TooManyAreas(f"{len(areas)} areas of {size_m} m: choose a larger size")
    return sorted(areas.values(), key=lambda a: (a.row, a.col))


SORTS = {
    "area": lambda a: (a.row, a.col),
    "assets": lambda a: a.n_assets,
    "needs": lambda a: a.needs_shown or 0,
    "gap": lambda a: a.gap,
}


def sort_areas(areas: list[Area], key: str, descending: bool) -> list[Area]:
    """Sort by "area", "assets", "needs", "gap", or "assets:<category>" /
    "needs:<category>"; ties keep atlas order."""
    if key in SORTS:
        fn = SORTS[key]
    elif key.startswith(("assets:", "needs:")):
        side, _, category = key.partition(":")
        fn = lambda a: (  # noqa: E731
            a.assets.get(category, 0)
            if side == "assets"
            else (a.as_dict()["needs"].get(category, 0))
        )
    else:
        raise ValueError(f"unknown sort {key!r}")
    ordered = sorted(areas, key=lambda a: (a.row, a.col))
    return sorted(ordered, key=fn, reverse=descending)
