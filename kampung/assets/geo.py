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
