"""Gap analysis in plain Python (no Django): split the neighbourhood into square areas,
count assets per category and open requests per kind in each, and say where requests
outnumber the assets that offer what is asked for.

A request has one kind (a tag code such as "driving", or "" when it names none). An
asset offers its category and each of its tags. In an area, the requests of a kind are
met by up to as many assets offering that kind; a request naming no kind may be met by
any asset there. The area's gap is the number of requests left over: above zero, people
there ask for more of something than the area has.

Areas are labelled like a street atlas — columns A, B, C… from west to east and rows
1, 2, 3… from north to south — so a community worker can say "area C4" out loud."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

METRES_PER_DEGREE = 111_320.0
SIZES_M = (250, 500, 1000)
MAX_AREAS = 2_500
# Open needs are about people: fewer than 3 in an area (none included) show as "0–2",
# never the exact number or its kinds, and an area with no assets and fewer than 3
# needs is not listed at all, so nothing in the answer says a request is there.
SMALL_COUNT = 3


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
    needs: dict[str, int] = field(default_factory=dict)  # open requests per kind
    offers: dict[str, int] = field(default_factory=dict)  # assets offering each kind
    n_matching_all: int = 0  # assets offering at least one kind asked for here

    @property
    def n_assets(self) -> int:
        return sum(self.assets.values())

    @property
    def n_needs(self) -> int:
        return sum(self.needs.values())

    @property
    def needs_shown(self) -> int | None:
        """The number of open needs as it may be shown: None for fewer than 3 (0, 1 or 2
        look the same)."""
        n = self.n_needs
        return None if n < SMALL_COUNT else n

    @property
    def unmet(self) -> int:
        """Requests of each kind beyond the assets here offering that kind (all of them
        counted, whether or not they may be shown)."""
        out = 0
        for kind, n in self.needs.items():
            have = self.n_assets if kind == "" else self.offers.get(kind, 0)
            out += max(0, n - have)
        return out

    @property
    def n_matching(self) -> int | None:
        """Assets offering a kind asked for here, as it may be shown (None with fewer
        than 3 requests: which kinds are asked for is not shown either)."""
        return None if self.needs_shown is None else self.n_matching_all

    @property
    def gap(self) -> int:
        """Requests without a matching asset here, as it may be shown: 0 when fewer
        than 3 requests are hidden, so nothing says a request is there."""
        return 0 if self.needs_shown is None else self.unmet

    @property
    def shade(self) -> str:
        """ "gap": more requests of a kind than assets offering it; "met": the
        requests shown all have a matching asset here; "assets": no requests shown."""
        if self.needs_shown is None:
            return "assets"
        return "gap" if self.gap > 0 else "met"

    def as_dict(self) -> dict:
        shown = self.needs_shown
        return {
            "label": self.label,
            "bbox": [self.west, self.south, self.east, self.north],
            "assets": dict(self.assets),
            "needs": dict(self.needs) if shown else {},
            "n_assets": self.n_assets,
            "n_needs": shown,
            "n_matching": self.n_matching,
            "gap": self.gap,
            "shade": self.shade,
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


Bounds = tuple[float, float, float, float]  # north, west, south, east


def bounds_of(points: Iterable[tuple[float, float]]) -> Bounds | None:
    """(north, west, south, east) of (lat, lng) points, or None if there are none."""
    pts = [(lat, lng) for lat, lng in points if math.isfinite(lat) and math.isfinite(lng)]
    if not pts:
        return None
    lats, lngs = [p[0] for p in pts], [p[1] for p in pts]
    return max(lats), min(lngs), min(lats), max(lngs)


def union(*boxes: Bounds | None) -> Bounds | None:
    boxes = tuple(b for b in boxes if b is not None)
    if not boxes:
        return None
    return (
        max(b[0] for b in boxes),
        min(b[1] for b in boxes),
        min(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def geojson_bounds(geometry) -> Bounds | None:
    """The bounds of every [lng, lat] position in a GeoJSON geometry (any nesting)."""
    found: list[tuple[float, float]] = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("coordinates", "geometry", "geometries", "features"):
                if key in node:
                    walk(node[key])
        elif isinstance(node, list | tuple):
            if len(node) >= 2 and all(isinstance(v, int | float) for v in node[:2]):
                lng, lat = float(node[0]), float(node[1])
                if -90 <= lat <= 90 and -180 <= lng <= 180:
                    found.append((lat, lng))
            else:
                for child in node:
                    walk(child)

    walk(geometry)
    return bounds_of(found)


AssetPoint = tuple  # (lat, lng, category) or (lat, lng, category, kinds)


def _kinds_of(asset: tuple) -> frozenset[str]:
    kinds = asset[3] if len(asset) > 3 else ()
    return frozenset([asset[2], *kinds])


def grid(
    assets: Iterable[AssetPoint],
    needs: Iterable[tuple[float, float, str]] = (),
    *,
    size_m: float = 500,
    anchor: Bounds | None = None,
) -> list[Area]:
    """Areas that hold at least one asset, or enough needs to count (SMALL_COUNT).
    `assets` are (lat, lng, category) or (lat, lng, category, kinds) with kinds the
    tag codes it offers; `needs` are open requests as (lat, lng, kind); `anchor` is a box
    (north, west, south, east) that does not depend on the needs, such as the
    community's boundary. The grid starts at the north-west corner of the anchor and
    the assets, never of the needs: where the requests for help are cannot move its
    origin or its labels, and a need north or west of it is left out."""
    assets, needs = list(assets), list(needs)
    extent = union(anchor, bounds_of((a[0], a[1]) for a in assets))
    if extent is None:
        return []
    north, west, south, east = extent
    mid_lat = (north + south) / 2
    d_lat = size_m / METRES_PER_DEGREE
    d_lng = size_m / (METRES_PER_DEGREE * max(math.cos(math.radians(mid_lat)), 0.01))
    rows = math.floor((north - south) / d_lat) + 1
    cols = math.floor((east - west) / d_lng) + 1
    if rows * cols > MAX_AREAS * 20:
        raise TooManyAreas(f"{rows} × {cols} areas of {size_m} m: choose a larger size")
    areas: dict[tuple[int, int], Area] = {}

    def area_of(lat: float, lng: float) -> Area | None:
        row = math.floor((north - lat) / d_lat)
        col = math.floor((lng - west) / d_lng)
        if not (0 <= row < MAX_AREAS and 0 <= col < MAX_AREAS):
            return None  # north or west of the origin (or absurdly far): left out
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

    offered: dict[tuple[int, int], list[frozenset[str]]] = {}
    for asset in assets:
        lat, lng, category = asset[0], asset[1], asset[2]
        a = area_of(lat, lng)
        a.assets[category] = a.assets.get(category, 0) + 1
        offered.setdefault((a.row, a.col), []).append(_kinds_of(asset))
    for lat, lng, kind in needs:
        a = area_of(lat, lng)
        if a is not None:
            a.needs[kind] = a.needs.get(kind, 0) + 1
    for key, a in areas.items():
        asked = set(a.needs)
        for kinds in offered.get(key, []):
            for kind in kinds & asked:
                a.offers[kind] = a.offers.get(kind, 0) + 1
            if kinds & asked or ("" in asked):
                a.n_matching_all += 1
    listed = [a for a in areas.values() if a.n_assets or a.n_needs >= SMALL_COUNT]
    if len(listed) > MAX_AREAS:
        raise TooManyAreas(f"{len(listed)} areas of {size_m} m: choose a larger size")
    return sorted(listed, key=lambda a: (a.row, a.col))


NEAR_M = 250  # how far outside an area a place may be and still name it


def nearest_places(
    areas: list[Area], places: Iterable[tuple[str, float, float]], near_m: float = NEAR_M
) -> dict[str, str]:
    """Which named place (name, lat, lng) each area is near, so its label can say
    roughly where it is ("F4 — near Community fridge"): the place inside the area
    nearest its middle; with none inside, the nearest no more than `near_m` outside
    it (measured from the middle: half the area's side plus `near_m`). Areas with no
    such place are left out."""
    if not areas:
        return {}
    by_key = {(a.row, a.col): a for a in areas}
    first = areas[0]
    d_lat, d_lng = first.north - first.south, first.east - first.west
    north = first.north + first.row * d_lat
    west = first.west - first.col * d_lng
    side_m = d_lat * METRES_PER_DEGREE
    reach_m = side_m / 2 + near_m
    steps = math.ceil(reach_m / side_m)
    inside: dict[str, tuple[float, str]] = {}
    around: dict[str, tuple[float, str]] = {}
    for name, lat, lng in places:
        if not (name and math.isfinite(lat) and math.isfinite(lng)):
            continue
        row, col = math.floor((north - lat) / d_lat), math.floor((lng - west) / d_lng)
        for r in range(row - steps, row + steps + 1):
            for c in range(col - steps, col + steps + 1):
                area = by_key.get((r, c))
                if area is None:
                    continue
                mid_lat, mid_lng = (area.north + area.south) / 2, (area.east + area.west) / 2
                dy = (lat - mid_lat) * METRES_PER_DEGREE
                dx = (lng - mid_lng) * METRES_PER_DEGREE * math.cos(math.radians(mid_lat))
                off = math.hypot(dx, dy)
                # A place on the line between two areas is inside both.
                found = area.south <= lat <= area.north and area.west <= lng <= area.east
                best = inside if found else around
                if found or off <= reach_m:
                    if area.label not in best or off < best[area.label][0]:
                        best[area.label] = (off, name)
    return {label: name for label, (_off, name) in (around | inside).items()}


SORTS = {
    "area": lambda a: (a.row, a.col),
    "assets": lambda a: a.n_assets,
    "requests": lambda a: a.needs_shown or 0,
    "needs": lambda a: a.needs_shown or 0,  # the API's older name for "requests"
    "matching": lambda a: a.n_matching or 0,
    "gap": lambda a: a.gap,
}


def sort_areas(areas: list[Area], key: str, descending: bool) -> list[Area]:
    """Sort by "area", "assets", "requests" (or "needs"), "matching", "gap", or
    "assets:<category>" / "needs:<kind>"; ties keep atlas order."""
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
