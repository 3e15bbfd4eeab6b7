"""Reading the asset register for the map, the list and the API: filters, viewport
points and per-cell counts. Always starts from policy.visible_assets, so nobody sees
an asset they may not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, F, IntegerField, Q, QuerySet
from django.db.models.functions import Cast, Floor
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampung import policy
from kampung.assets import gaps, geo
from kampung.assets.hours import is_open
from kampung.assets.models import Asset, Category

MAX_QUERY_LENGTH = 200


def _known_values() -> dict[str, set[str]]:
    from kampung.assets.models import Category
    from kampung.assets.rules import ACCESSIBILITY
    from kampung.people.skills import LANGUAGE_NAMES

    return {
        "category": set(Category.values),
        "cost": set(Asset.Cost.values),
        "accessibility": set(ACCESSIBILITY),
        "language": set(LANGUAGE_NAMES),
    }


@dataclass
class AssetFilters:
    category: str = ""
    tag: str = ""
    accessibility: str = ""
    language: str = ""
    cost: str = ""
    q: str = ""
    open_now: bool = False
    stale: bool = False
    include_inactive: bool = False
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_params(cls, params) -> AssetFilters:
        f = cls(
            **{
                k: params.get(k, "").strip()
                for k in ("category", "tag", "accessibility", "language", "cost", "q")
            }
        )
        f.open_now = params.get("open_now") in ("1", "true", "on")
        f.stale = params.get("stale") in ("1", "true", "on")
        if len(f.q) > MAX_QUERY_LENGTH:
            f.errors["q"] = [f"Search for at most {MAX_QUERY_LENGTH} characters."]
        for name, known in _known_values().items():
            value = getattr(f, name)
            if value and value not in known:
                f.errors[name] = [f"Unknown {name}: choose one of {', '.join(sorted(known))}."]
        return f

    def without_unknown(self) -> AssetFilters:
        """The same filters with every refused value dropped (the page ignores them)."""
        for name in self.errors:
            setattr(self, name, "")
        self.errors = {}
        return self


def filtered(user, community, filters: AssetFilters) -> QuerySet[Asset]:
    qs = policy.visible_assets(user, community)
    if not filters.include_inactive:
        qs = qs.filter(status=Asset.Status.ACTIVE)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.cost:
        qs = qs.filter(cost=filters.cost)
    if filters.tag:
        qs = qs.filter(tags__code=filters.tag)
    if filters.accessibility:
        # JSON lists are matched as text with the quotes, portable across SQLite and
        # PostgreSQL ("step_free" cannot match inside another feature's name).
        qs = qs.filter(accessibility__icontains=f'"{filters.accessibility}"')
    if filters.language:
        qs = qs.filter(languages__icontains=f'"{filters.language}"')
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q)
            | Q(description__icontains=filters.q)
            | Q(subtype__icontains=filters.q)
        )
    if filters.stale:
        from django.utils import timezone

        qs = qs.filter(review_due__lt=timezone.localdate())
    return qs


def open_now_filter(rows, community, now: datetime | None = None):
    local = (now or datetime.now(tz=ZoneInfo("UTC"))).astimezone(ZoneInfo(community.timezone))
    return [r for r in rows if is_open(r["opening_hours"], local)]


POINT_FIELDS = ("id", "name", "category", "lat", "lng", "review_due", "opening_hours")


def points_in(qs: QuerySet[Asset], box: geo.Box, *, limit: int = geo.MAX_POINTS):
    return list(
        qs.filter(
            lat__gte=box.south, lat__lte=box.north, lng__gte=box.west, lng__lte=box.east
        ).values(*POINT_FIELDS)[:limit]
    )


def cells_in(qs: QuerySet[Asset], box: geo.Box, zoom: int) -> list[dict]:
    """Counts per grid cell (and per category) for the map at low zoom."""
    size = geo.cell_degrees(zoom)
    rows = (
        qs.filter(lat__gte=box.south, lat__lte=box.north, lng__gte=box.west, lng__lte=box.east)
        .annotate(
            row=Cast(Floor(F("lat") / size), IntegerField()),
            col=Cast(Floor(F("lng") / size), IntegerField()),
        )
        .values("row", "col", "category")
        .annotate(n=Count("*"), lat=Avg("lat"), lng=Avg("lng"))
        .order_by()
    )
    cells: dict[tuple[int, int], dict] = {}
    for r in rows:
        cell = cells.setdefault(
            (r["row"], r["col"]),
            {
                "row": r["row"],
                "col": r["col"],
                "count": 0,
                "by_category": {},
                "_lat": 0.0,
                "_lng": 0.0,
            },
        )
        cell["count"] += r["n"]
        cell["by_category"][r["category"]] = r["n"]
        cell["_lat"] += r["lat"] * r["n"]
        cell["_lng"] += r["lng"] * r["n"]
    out = []
    for cell in cells.values():
        b = geo.cell_bounds(cell["row"], cell["col"], size)
        out.append(
            {
                "count": cell["count"],
                "by_category": cell["by_category"],
                "lat": round(cell.pop("_lat") / cell["count"], 6),
                "lng": round(cell.pop("_lng") / cell["count"], 6),
                "bbox": [b.west, b.south, b.east, b.north],
            }
        )
    return out


# What people are asking for, by place, for the gap analysis. The register knows only
# assets; the apps that hold requests (matching; later sessions, groups, services) add a
# source when they start (their AppConfig.ready), so this module imports none of them.
# A source gives each open request with a place as (lat, lng, kind): the kind is a tag
# code (the taxonomy assets are tagged with, so "driving" requests are compared with
# assets tagged "driving"), or "" when the request names none.
RequestSource = Callable[[Any, Any], list[tuple[float, float, str]]]
REQUEST_SOURCES: list[RequestSource] = []


def register_request_source(source: RequestSource) -> RequestSource:
    if source not in REQUEST_SOURCES:
        REQUEST_SOURCES.append(source)
    return source


def open_request_points(user, community) -> list[tuple[float, float, str]]:
    """Open requests with a place, as (lat, lng, kind), that `user` may count."""
    return [point for source in REQUEST_SOURCES for point in source(user, community)]


def gap_asset_points(user, community) -> list[tuple[float, float, str, tuple[str, ...]]]:
    """Active assets with a place that `user` may see, as (lat, lng, category, kinds):
    the kinds are the asset's tag codes, what it offers to someone asking."""
    from kampung.assets.models import Tag

    qs = policy.visible_assets(user, community).filter(status=Asset.Status.ACTIVE).exclude(lat=None)
    kinds: dict[int, list[str]] = {}
    links = Asset.tags.through.objects.filter(asset__in=qs.values("pk")).values_list(
        "asset_id", "tag_id"
    )
    codes = dict(Tag.objects.values_list("pk", "code"))
    for asset_id, tag_id in links:
        kinds.setdefault(asset_id, []).append(codes[tag_id])
    return [
        (lat, lng, category, tuple(kinds.get(pk, ())))
        for pk, lat, lng, category in qs.values_list("pk", "lat", "lng", "category")
    ]


def kind_labels(kinds) -> dict[str, str]:
    """Plain names for request kinds (tag codes): the tag's title; "" is "not said"."""
    from django.utils.translation import gettext as _

    from kampung.assets.models import Tag

    labels = dict(Tag.objects.filter(code__in=[k for k in kinds if k]).values_list("code", "title"))
    return {k: labels.get(k, k) if k else _("kind not said") for k in kinds}


def gap_anchor(community) -> gaps.Bounds:
    """What the gap grid is anchored on: the community's boundary, or its centre. Never
    the requests for help, so their places cannot move the grid's origin or labels."""
    return gaps.geojson_bounds(community.boundary) or gaps.bounds_of(
        [(community.centre_lat, community.centre_lng)]
    )


def needs_counted(user, community) -> bool:
    """Whether `user` sees open requests in the gap analysis at all (the same for 0 or
    many, so whether the column shows says nothing about whether there are any)."""
    return bool(REQUEST_SOURCES) and policy.can(user, "stats.view", community)


LANDMARK_WITHIN_M = 250
COMPASS_WORDS = {
    "north": gettext_lazy("north"),
    "north-east": gettext_lazy("north-east"),
    "east": gettext_lazy("east"),
    "south-east": gettext_lazy("south-east"),
    "south": gettext_lazy("south"),
    "south-west": gettext_lazy("south-west"),
    "west": gettext_lazy("west"),
    "north-west": gettext_lazy("north-west"),
}
LANDMARK_KINDS = (Category.PLACE, Category.INSTITUTION)


def landmark_points(user, community) -> list[tuple[str, float, float]]:
    """Places and organisations `user` may see, with a point on the map, as (name, lat,
    lng): what an area or an asset can be said to be near."""
    qs = (
        policy.visible_assets(user, community)
        .filter(status=Asset.Status.ACTIVE, category__in=LANDMARK_KINDS)
        .exclude(lat=None)
        .exclude(lng=None)
    )
    return list(qs.values_list("name", "lat", "lng"))


def near_in_words(user, community, asset: Asset) -> str:
    """Where a placed asset is, in words and without its position: the nearest place or
    organisation `user` may see ("Near Block 12 void deck, about 80 m away"), else which
    way and how far from the middle of the community."""
    if asset.lat is None or asset.lng is None:
        return ""
    d = LANDMARK_WITHIN_M / 111_000
    nearby = (
        policy.visible_assets(user, community)
        .filter(
            status=Asset.Status.ACTIVE,
            category__in=LANDMARK_KINDS,
            lat__range=(asset.lat - d, asset.lat + d),
            lng__range=(asset.lng - d * 2, asset.lng + d * 2),
        )
        .exclude(pk=asset.pk)
        .values_list("name", "lat", "lng")[:200]
    )
    found = sorted(
        (geo.distance_m(asset.lat, asset.lng, lat, lng), name) for name, lat, lng in nearby
    )
    if found and found[0][0] <= LANDMARK_WITHIN_M:
        metres, name = found[0]
        if metres < 15:
            return _("At %(place)s") % {"place": name}
        return _("Near %(place)s, about %(m)s m away") % {
            "place": name,
            "m": geo.round_distance_m(metres),
        }
    metres = geo.distance_m(community.centre_lat, community.centre_lng, asset.lat, asset.lng)
    if metres < 150:
        return _("Near the middle of %(community)s") % {"community": community.name}
    way = geo.compass_from(community.centre_lat, community.centre_lng, asset.lat, asset.lng)
    far = geo.round_distance_m(metres)
    distance = f"{far / 1000:.1f} km" if far >= 1000 else f"{far} m"
    return _("About %(distance)s %(way)s of the middle of %(community)s") % {
        "distance": distance,
        "way": COMPASS_WORDS[way],
        "community": community.name,
    }
