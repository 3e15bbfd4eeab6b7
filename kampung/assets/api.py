"""Asset register endpoints: map data (counts or points for a viewport), list, one
asset, add, mark as checked, exports (GeoJSON per RFC 7946, CSV) and import (CSV, XLSX)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import paginate

from kampung import dbrouter, limits, policy
from kampung.api_types import one_of
from kampung.assets import actions, cellcount, geo, importing
from kampung.assets.models import Asset, Category
from kampung.assets.queries import (
    AssetFilters,
    cells_in,
    filtered,
    gap_anchor,
    gap_asset_points,
    open_now_filter,
    open_request_points,
    points_in,
)
from kampung.exports import csv_response
from kampung.uploads import too_large
from kampung.web import community_for

router = Router(tags=["assets"])


class AssetOut(Schema):
    id: int
    name: str
    category: str
    subtype: str
    description: str
    location_kind: str
    lat: float | None
    lng: float | None
    opening_hours: list[dict]
    capacity: int | None
    accessibility: list[str]
    languages: list[str]
    cost: str
    visibility: str
    status: str
    tags: list[str]
    last_verified_at: datetime | None
    review_due: date | None
    stale: bool

    @staticmethod
    def resolve_tags(obj):
        return [t.code for t in obj.tags.all()]

    @staticmethod
    def resolve_stale(obj):
        return obj.is_stale


class OpeningSlot(Schema):
    day: int = Field(..., ge=0, le=6, strict=True)
    opens: str = Field(..., pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    closes: str = Field(..., pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class AssetIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    category: Category
    subtype: str = Field("", max_length=64)
    description: str = Field("", max_length=limits.DESCRIPTION_MAX)
    location_kind: Asset.LocationKind = Asset.LocationKind.POINT
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    opening_hours: list[OpeningSlot] = Field([], max_length=limits.SLOTS_MAX)
    capacity: int | None = Field(None, ge=0, strict=True)
    accessibility: list[str] = Field([], max_length=limits.LIST_MAX)
    languages: list[str] = Field([], max_length=limits.LIST_MAX)
    cost: Asset.Cost = Asset.Cost.FREE
    contact: str = Field("", max_length=200)
    visibility: Asset.Visibility = Asset.Visibility.MEMBERS
    tags: list[str] = Field([], max_length=limits.LIST_MAX)


def _filters(request) -> AssetFilters:
    filters = AssetFilters.from_params(request.GET)
    if filters.errors:
        raise ValidationError(filters.errors)
    return filters


def _box(request) -> geo.Box:
    try:
        return geo.Box.parse(request.GET.get("bbox", ""))
    except geo.BadBox as exc:
        from django.core.exceptions import ValidationError

        raise ValidationError({"bbox": [str(exc)]}) from None


@router.get("/communities/{slug}/assets/map", url_name="asset_map_data")
def map_data(request, slug: str, zoom: int = 15):
    """What the map draws for the visible box: individual assets when zoomed in
    (zoom >= 16) or when few are in view; otherwise counts per grid cell."""
    community = community_for(request, slug)
    policy.require(request.user, "asset.view_map", community)
    box, filters = _box(request), _filters(request)
    qs = filtered(request.user, community, filters).exclude(lat=None)
    if zoom < geo.POINTS_FROM_ZOOM and cellcount.can_serve(filters):
        member = policy.membership(request.user, community)
        cells = cellcount.cells(
            community,
            box,
            zoom,
            filters,
            staff=policy.role_in(request.user, community) in policy.STAFF_ROLES,
            member_id=member.pk if member else None,
        )
        if sum(c["count"] for c in cells) > geo.FEW_ENOUGH_FOR_POINTS:
            return {"mode": "cells", "cells": cells}
    elif zoom < geo.POINTS_FROM_ZOOM and not filters.open_now:
        in_view = qs.filter(
            lat__gte=box.south, lat__lte=box.north, lng__gte=box.west, lng__lte=box.east
        )
        if in_view[: geo.FEW_ENOUGH_FOR_POINTS + 1].count() > geo.FEW_ENOUGH_FOR_POINTS:
            return {"mode": "cells", "cells": cells_in(qs, box, zoom)}
    points = points_in(qs, box)
    if filters.open_now:
        # Opening times live in JSON per asset, so "open now" is decided in Python.
        points = open_now_filter(points, community)
        if zoom < geo.POINTS_FROM_ZOOM and len(points) > geo.FEW_ENOUGH_FOR_POINTS:
            return {"mode": "cells", "cells": _cells_from_points(points, zoom)}
    today = timezone.localdate()
    return {
        "mode": "points",
        "truncated": len(points) >= geo.MAX_POINTS,
        "points": [
            {
                "id": p["id"],
                "name": p["name"],
                "category": p["category"],
                "lat": p["lat"],
                "lng": p["lng"],
                "stale": bool(p["review_due"] and p["review_due"] < today),
            }
            for p in points
        ],
    }


def _cells_from_points(points, zoom):
    size = geo.cell_degrees(zoom)
    cells: dict = {}
    for p in points:
        key = geo.cell_of(p["lat"], p["lng"], size)
        c = cells.setdefault(key, {"count": 0, "by_category": {}, "lat": 0.0, "lng": 0.0})
        c["count"] += 1
        c["by_category"][p["category"]] = c["by_category"].get(p["category"], 0) + 1
        c["lat"] += p["lat"]
        c["lng"] += p["lng"]
    out = []
    for (row, col), c in cells.items():
        b = geo.cell_bounds(row, col, size)
        out.append(
            {
                "count": c["count"],
                "by_category": c["by_category"],
                "lat": c["lat"] / c["count"],
                "lng": c["lng"] / c["count"],
                "bbox": [b.west, b.south, b.east, b.north],
            }
        )
    return out


@router.get("/communities/{slug}/assets", response=list[AssetOut])
@paginate
def list_assets(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "asset.view_map", community)
    return filtered(request.user, community, _filters(request)).prefetch_related("tags")


@router.get("/communities/{slug}/assets/{int:asset_id}", response=AssetOut)
def get_asset(request, slug: str, asset_id: int):
    community = community_for(request, slug)
    return get_object_or_404(policy.visible_assets(request.user, community), pk=asset_id)


@router.post("/communities/{slug}/assets", response={201: AssetOut})
def add_asset(request, slug: str, payload: AssetIn):
    community = community_for(request, slug)
    data = payload.dict()
    asset = actions.add_asset(by=request.user, community=community, **data)
    return Status(201, asset)


@router.post("/communities/{slug}/assets/{asset_id}/checked", response=AssetOut)
def mark_checked(request, slug: str, asset_id: int):
    community = community_for(request, slug)
    asset = get_object_or_404(policy.visible_assets(request.user, community), pk=asset_id)
    return actions.verify_asset(by=request.user, asset=asset)


EXPORT_LIMIT = 200_000


@router.get("/communities/{slug}/assets.geojson")
def export_geojson(request, slug: str):
    """RFC 7946 FeatureCollection: [longitude, latitude] order, no "crs" member. Assets
    without a place on the map (online, comes to you) have a null geometry."""
    community = community_for(request, slug)
    policy.require(request.user, "asset.export", community)
    rows = filtered(request.user, community, _filters(request)).values(*EXPORT_FIELDS)
    features = [
        {
            "type": "Feature",
            "id": r["id"],
            "geometry": {"type": "Point", "coordinates": [r["lng"], r["lat"]]}
            if r["lat"] is not None
            else None,
            "properties": {k: _plain(v) for k, v in r.items() if k not in ("id", "lat", "lng")},
        }
        for r in rows[:EXPORT_LIMIT]
    ]
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features}, content_type="application/geo+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-assets.geojson"'
    return response


EXPORT_FIELDS = (
    "id",
    "name",
    "category",
    "subtype",
    "description",
    "location_kind",
    "lat",
    "lng",
    "cost",
    "capacity",
    "languages",
    "accessibility",
    "contact",
    "status",
    "review_due",
)


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


@router.get("/communities/{slug}/assets.csv")
def export_csv(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "asset.export", community)
    rows = filtered(request.user, community, _filters(request)).values(*EXPORT_FIELDS)
    # Names and contacts can come from anonymous workshop participants and imported
    # files: kampung.exports neutralises any cell that would run as a formula.
    return csv_response(
        f"{slug}-assets.csv",
        EXPORT_FIELDS,
        (
            [";".join(v) if isinstance(v, list) else v for v in (r[k] for k in EXPORT_FIELDS)]
            for r in rows[:EXPORT_LIMIT]
        ),
    )


# --- Import -----------------------------------------------------------------------------


class ImportProblemOut(Schema):
    row: int = Field(..., description="The row as numbered in the spreadsheet (header = 1)")
    column: str = Field(..., description="The column's header as written in the file")
    message: str


class ImportReportOut(Schema):
    dry_run: bool
    mode: str
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int = Field(..., description="Rows with problems left out (mode valid_only)")
    problems: list[ImportProblemOut]
    warnings: list[str]


@router.post("/communities/{slug}/assets/import", response={200: ImportReportOut})
def import_assets(
    request,
    slug: str,
    file: File[UploadedFile] = None,
    mode: Form[Literal["all", "valid_only"]] = "all",
    dry_run: Form[bool] = False,
):
    """Import assets from a CSV (UTF-8, comma or semicolon) or XLSX file (first sheet),
    one asset per row with column names in the first row; `name` and `category` are
    required. Up to 5 MB and 20,000 rows. Rows are matched to existing assets by `id`
    (Kampung's, as in the CSV export), `external_id`, or else name, category and place,
    so sending the same file twice adds nothing.

    `mode=all` imports every row, or nothing when any row has a problem: the answer is
    then 422 with `error.code` "import_has_problems" and `error.problems`, a list of
    {row, column, message}. `mode=valid_only` imports the rows without problems and
    reports the others. `dry_run=true` says what would happen and writes nothing.
    Community developers and administrators only."""
    community = community_for(request, slug)
    policy.require(request.user, "asset.import", community)
    if too_large(request):  # stopped while the request was read (kampung.uploads)
        raise ValidationError({"file": [importing.too_large_message()]})
    if file is None:
        raise ValidationError({"file": ["Send the spreadsheet as the multipart field `file`."]})
    try:
        importing.check_size(file.size)
        parsed = importing.read(file.read(), file.name)
    except importing.ImportFileError as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    # Refused (mode=all with problems): ImportRefused carries the row-by-row problems
    # and the report into the one error body.
    plan = actions.import_assets(
        by=request.user, community=community, rows=parsed, mode=mode, dry_run=dry_run
    )
    return plan.report()


@router.get("/communities/{slug}/assets/gaps")
def gap_analysis(
    request,
    slug: str,
    # Checked below, with its own message; the schema lists the sizes there are.
    size: Annotated[int, one_of([250, 500, 1000], "integer")] = 500,
    sort: str = "gap",
    desc: bool = True,
):
    """Assets per category and open requests per kind for each area of `size` metres
    (250, 500 or 1000), labelled like a street atlas (A1 is the north-west corner of the
    community's boundary and its assets). `needs` counts open requests by kind (a tag
    code, "" for none named); `n_matching` is how many assets there offer a kind asked
    for; `gap` is how many requests have no matching asset there, and `shade` is "gap"
    (above zero), "met" or "assets" (no requests shown). `n_needs`, `needs` and
    `n_matching` are null/empty for fewer than 3 open requests (0, 1 or 2), and an area
    with no assets and fewer than 3 requests is not listed."""
    from kampung.assets import gaps

    community = community_for(request, slug)
    policy.require(request.user, "asset.view_map", community)
    if size not in gaps.SIZES_M:
        raise HttpError(422, "size must be one of 250, 500, 1000")
    with dbrouter.reports():
        assets = gap_asset_points(request.user, community)
        needs = open_request_points(request.user, community)
    try:
        areas = gaps.sort_areas(
            gaps.grid(
                assets,
                needs,
                size_m=size,
                anchor=gap_anchor(community),
            ),
            sort,
            desc,
        )
    except gaps.TooManyAreas as exc:
        raise HttpError(422, str(exc)) from None
    except ValueError:
        raise HttpError(
            422, "sort must be area, assets, requests, matching, gap or assets:<category>"
        ) from None
    return {"size_m": size, "areas": [a.as_dict() for a in areas]}
