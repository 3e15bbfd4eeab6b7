"""Asset register pages: the map with its list, an asset's page with its history, and
adding, changing and checking an asset."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kampung import dbrouter, policy
from kampung.assets import actions, gaps, history, rules
from kampung.assets.forms import AssetForm
from kampung.assets.hours import format_opening_hours
from kampung.assets.models import Asset, Category
from kampung.assets.queries import (
    AssetFilters,
    filtered,
    gap_anchor,
    gap_asset_points,
    kind_labels,
    landmark_points,
    near_in_words,
    needs_counted,
    open_request_points,
)
from kampung.audit.models import AuditEvent
from kampung.errors import REFUSALS
from kampung.pagination import CappedPaginator
from kampung.people.skills import LANGUAGE_NAMES
from kampung.web import add_errors, community_for, pick_map_context, tile_context

SHORT_CATEGORY_LABELS = {
    Category.PERSONAL: gettext_lazy("Skills"),
    Category.ASSOCIATION: gettext_lazy("Groups"),
    Category.INSTITUTION: gettext_lazy("Organisations"),
    Category.PLACE: gettext_lazy("Places"),
    Category.CONNECTION: gettext_lazy("Connections"),
}
DAY_NAMES = [gettext_lazy(d) for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]


@login_required
def asset_map(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "asset.view_map", community)
    filters = AssetFilters.from_params(request.GET).without_unknown()
    assets = filtered(request.user, community, filters).only(
        "id", "name", "category", "subtype", "location_kind", "review_due", "cost"
    )
    page = CappedPaginator(assets, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/map.html",
        {
            "community": community,
            "page": page,
            "filters": filters,
            "categories": Category.choices,
            "costs": Asset.Cost.choices,
            "languages": list(LANGUAGE_NAMES.items()),
            "accessibility": list(rules.ACCESSIBILITY.items()),
            "tile_url": settings.KAMPUNG_TILE_URL,
            "tile_attribution": settings.KAMPUNG_TILE_ATTRIBUTION,
            "can_add": policy.can(request.user, "asset.create", community),
            "page_title": _("Asset map"),
        },
    )


def _visible_asset(request, community, asset_id) -> Asset:
    return get_object_or_404(
        policy.visible_assets(request.user, community).select_related(
            "steward_member", "steward_organisation", "last_verified_by"
        ),
        pk=asset_id,
    )


@login_required
def asset_detail(request, slug: str, asset_id: int):
    community = community_for(request, slug)
    asset = _visible_asset(request, community, asset_id)
    events = AuditEvent.objects.filter(
        object_type="assets.Asset", object_id=str(asset.pk)
    ).select_related("actor", "on_behalf_of")[:50]
    placed = asset.location_kind == Asset.LocationKind.POINT and asset.lat is not None
    return render(
        request,
        "assets/detail.html",
        {
            "community": community,
            "asset": asset,
            "history": history.in_words(events),
            "placed": placed,
            "near": near_in_words(request.user, community, asset) if placed else "",
            # The asset map opens on about 300 m around it (south,west,north,east).
            "area": ",".join(
                f"{v:.5f}"
                for v in (
                    asset.lat - 0.003,
                    asset.lng - 0.003,
                    asset.lat + 0.003,
                    asset.lng + 0.003,
                )
            )
            if placed
            else "",
            **tile_context(),
            "tags": asset.tags.all(),
            "hours": [(DAY_NAMES[s["day"]], s["opens"], s["closes"]) for s in asset.opening_hours],
            "languages": [LANGUAGE_NAMES.get(c, c) for c in asset.languages],
            "accessibility": [rules.ACCESSIBILITY.get(a, a) for a in asset.accessibility],
            "can_edit": policy.can(request.user, "asset.edit", community, asset),
            "can_verify": policy.can(request.user, "asset.verify", community, asset),
            "page_title": asset.name,
        },
    )


def _number(value, limit: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -limit <= number <= limit else None


def _form_page(request, community, form, asset=None):
    return render(
        request,
        "assets/form.html",
        {
            "community": community,
            "form": form,
            "asset": asset,
            # The map opens on the place marked (or typed, or tapped before an error),
            # else on the middle of the community.
            **pick_map_context(
                _number(form["lat"].value(), 90),
                _number(form["lng"].value(), 180),
                fallback=community,
            ),
            "page_title": _("Change %(name)s") % {"name": asset.name}
            if asset
            else _("Add an asset"),
        },
    )


def _save(request, form, write):
    try:
        return write(**form.cleaned_data)
    except REFUSALS as exc:
        add_errors(form, exc)
    return None


@login_required
def asset_create(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "asset.create", community)
    form = AssetForm(
        request.POST or None,
        initial={
            "lat": request.GET.get("lat"),
            "lng": request.GET.get("lng"),
        },
    )
    if request.method == "POST" and form.is_valid():
        asset = _save(
            request,
            form,
            lambda **data: actions.add_asset(by=request.user, community=community, **data),
        )
        if asset:
            messages.success(request, _("%(name)s is on the map.") % {"name": asset.name})
            return redirect("asset_detail", slug=slug, asset_id=asset.pk)
    return _form_page(request, community, form)


@login_required
def asset_edit(request, slug: str, asset_id: int):
    community = community_for(request, slug)
    asset = _visible_asset(request, community, asset_id)
    policy.require(request.user, "asset.edit", community, asset)
    initial = {f: getattr(asset, f) for f in AssetForm.base_fields if f not in ("tags", "position")}
    initial["tags"] = list(asset.tags.values_list("code", flat=True))
    initial["opening_hours"] = format_opening_hours(asset.opening_hours)
    form = AssetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request, form, lambda **data: actions.change_asset(by=request.user, asset=asset, **data)
        )
        if saved:
            messages.success(request, _("Saved."))
            return redirect("asset_detail", slug=slug, asset_id=asset.pk)
    return _form_page(request, community, form, asset)


@login_required
@require_POST
def asset_verify(request, slug: str, asset_id: int):
    community = community_for(request, slug)
    asset = _visible_asset(request, community, asset_id)
    actions.verify_asset(by=request.user, asset=asset)
    messages.success(request, _("Thank you — marked as checked today."))
    return redirect("asset_detail", slug=slug, asset_id=asset.pk)


@login_required
def asset_gaps(request, slug: str):
    """Where requests outnumber the assets that offer what is asked for: each area as a
    labelled, shaded square on a map and a row in a sortable table (the same figures)."""
    community = community_for(request, slug)
    policy.require(request.user, "asset.view_map", community)
    try:
        size = int(request.GET.get("size", 500))
    except ValueError:
        size = 500
    size = size if size in gaps.SIZES_M else 500
    sort = request.GET.get("sort", "gap")
    descending = request.GET.get("dir", "desc") != "asc"
    # Counts a moment old are fine here: read from the replica when there is one.
    with dbrouter.reports():
        assets = gap_asset_points(request.user, community)
        needs = open_request_points(request.user, community)
        landmarks = landmark_points(request.user, community)
    error = ""
    try:
        areas = gaps.grid(assets, needs, size_m=size, anchor=gap_anchor(community))
        areas = gaps.sort_areas(areas, sort, descending)
    except gaps.TooManyAreas:
        areas, error = [], _("Too many areas to show at this size: choose larger areas.")
    except ValueError:
        areas = gaps.grid(assets, needs, size_m=size, anchor=gap_anchor(community))
        sort, areas = "gap", gaps.sort_areas(areas, "gap", True)
    categories = list(Category.choices)
    labels = kind_labels({k for a in areas if a.needs_shown for k in a.needs})
    near = gaps.nearest_places(areas, landmarks)
    for area in areas:
        area.near = _("near %(place)s") % {"place": near[area.label]} if area.label in near else ""
        area.asset_counts = [
            (SHORT_CATEGORY_LABELS[code], area.assets.get(code, 0)) for code, _label in categories
        ]
        area.asked = (
            [
                {
                    "label": labels[kind],
                    "requests": n,
                    "assets": area.n_assets if kind == "" else area.offers.get(kind, 0),
                }
                for kind, n in sorted(area.needs.items(), key=lambda kv: (-kv[1], kv[0]))
            ]
            if area.needs_shown
            else []
        )
    has_needs = needs_counted(request.user, community)
    # On a phone the first columns are what is read first: the area, its gap and what
    # is asked for there; the headings are short so they fit.
    columns: list[tuple[str, str]] = [("area", _("Area"))]
    if has_needs:
        columns += [
            ("gap", _("Without a match")),
            ("asked", _("What is asked for")),
            ("requests", _("Open requests")),
            ("matching", _("Matching assets")),
        ]
    columns += [("assets", _("All assets"))]
    columns += [(f"assets:{code}", SHORT_CATEGORY_LABELS[code]) for code, _label in categories]
    headers = []
    for key, label in columns:
        current = key == sort
        flip = "asc" if current and descending else "desc"
        headers.append(
            {
                "label": label,
                "key": key,
                "href": f"?size={size}&sort={key}&dir={flip}" if key != "asked" else "",
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    worst = max((a.gap for a in areas), default=0)
    most = max((a.n_assets for a in areas), default=0)
    return render(
        request,
        "assets/gaps.html",
        {
            "community": community,
            "areas": areas,
            "areas_json": [a.as_dict() | {"near": a.near} for a in areas],
            "categories": categories,
            "headers": headers,
            "labels": dict(columns),
            "sizes": gaps.SIZES_M,
            "size": size,
            "sort": sort,
            "descending": descending,
            "has_needs": has_needs,
            # The community's total, shown only from SMALL_COUNT up ("fewer than 3").
            "n_needs": len(needs) if len(needs) >= gaps.SMALL_COUNT else None,
            "n_gap_areas": sum(1 for a in areas if a.gap > 0),
            "worst_gap": worst,
            "most_assets": most,
            "error": error,
            "tile_url": settings.KAMPUNG_TILE_URL,
            "tile_attribution": settings.KAMPUNG_TILE_ATTRIBUTION,
            "page_title": _("Gaps: where requests outnumber matching assets")
            if has_needs
            else _("Assets by area"),
        },
    )
