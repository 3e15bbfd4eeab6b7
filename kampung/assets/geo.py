"""Map arithmetic for the asset map, in plain Python (no Django): bounding boxes, the
zoom at which the map switches from counts to points, and grid cells for counting.

A grid cell at zoom z is a square of CELL_DEGREES[z] degrees; counting assets per cell
server-side keeps the map readable and fast with 100,000 assets."""

from __future__ import annotations

import math
from dataclasses import dataclass

POINTS_FROM_ZOOM = 16  # at this zoom and closer, send individual assets
MAX_POINTS = 2000
FEW_ENOUGH_FOR_POINTS = 300  # below this many in view, points read better than counts


class BadBox(ValueError):
    """A bounding box that is not four numbers inside the world, south < north."""


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float

    @classmethod
    def parse(cls, text: str) -> Box:
        """'west,south,east,north' as in GeoJSON bbox order."""
        try:
            west, south, east, north = (float(p) for p in text.split(","))
        except ValueError:
            raise BadBox("bbox must be four numbers: west,south,east,north") from None
        if not (-90 <= south < north <= 90):
            raise BadBox("bbox latitudes must be between -90 and 90, south below north")
        if not (-180 <= west <= 180 and -180 <= east <= 180) or west >= east:
            raise BadBox("bbox longitudes must be between -180 and 180, west before east")
        return cls(south, west, north, east)


def cell_degrees(zoom: int) -> float:
    """About 64 screen pixels at this zoom (a 256 px tile spans 360 / 2**zoom degrees)."""
    zoom = max(0, min(int(zoom), 22))
    return 360.0 / (2**zoom) / 4


def cell_of(lat: float, lng: float, size: float) -> tuple[int, int]:
    return math.floor(lat / size), math.floor(lng / size)


def cell_bounds(row: int, col: int, size: float) -> Box:
    return Box(row * size, col * size, (row + 1) * size, (col + 1) * size)


EARTH_RADIUS_M = 6_371_000
COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def compass_from(lat1: float, lng1: float, lat2: float, lng2: float) -> str:
    """Which way the second point lies from the first, as one of COMPASS."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lng2 - lng1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    bearing = (math.degrees(math.atan2(y, x)) + 360) % 360
    return COMPASS[round(bearing / 45) % 8]


def round_distance_m(metres: float) -> int:
    """A distance as people say it: to 10 m below 100 m, to 50 m below 1 km, else 100 m."""
    step = 10 if metres < 100 else 50 if metres < 1000 else 100
    return max(step, int(round(metres / step) * step))
