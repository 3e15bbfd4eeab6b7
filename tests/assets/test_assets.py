"""The asset register: adding, checking, visibility, map data and exports."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kampung import policy
from kampung.assets import actions, geo
from kampung.assets.models import Asset, Category, Tag
from kampung.people.models import ConsentPurpose


def test_the_taxonomies_are_loaded_once(cast):
    from kampung.assets.taxonomy import load_tags

    assert load_tags(Tag) == 0  # already there: loading again adds nothing
    assert Tag.objects.filter(scheme="oe").count() == 290
    assert Tag.objects.get(scheme="oe", code="102-04").title == "Food Pantry"
    assert Tag.objects.filter(scheme="skill", code="it-help").exists()


def test_the_demo_has_assets_of_every_category(cast):
    found = set(Asset.objects.filter(community=cast.community).values_list("category", flat=True))
    assert found == set(Category.values)


def test_a_resident_adds_a_place_and_it_is_fresh(cast):
    asset = actions.add_asset(
        by=cast.user("resident"),
        community=cast.community,
        name="Block 123 void deck",
        category=Category.PLACE,
        subtype="void deck",
        lat=1.353,
        lng=103.944,
        opening_hours=[{"day": 0, "opens": "08:00", "closes": "20:00"}],
        tags=["102-04"],
    )
    assert not asset.is_stale and asset.last_verified_by == cast.user("resident")
    assert [t.code for t in asset.tags.all()] == ["102-04"]


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"lat": None, "lng": None}, "lat"),
        ({"lat": 100, "lng": 0}, "lat"),
        ({"opening_hours": [{"day": 7, "opens": "09:00", "closes": "10:00"}]}, "opening_hours"),
        ({"opening_hours": [{"day": 1, "opens": "18:00", "closes": "09:00"}]}, "opening_hours"),
        ({"tags": ["no-such-tag"]}, "tags"),
        ({"accessibility": ["teleporter"]}, "accessibility"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(cast, fields, field):
    before = Asset.objects.count()
    data = {"name": "Kitchen", "category": Category.PLACE, "lat": 1.35, "lng": 103.94, **fields}
    with pytest.raises(ValidationError) as err:
        actions.add_asset(by=cast.user("coordinator"), community=cast.community, **data)
    assert field in err.value.message_dict
    assert Asset.objects.count() == before


def test_a_personal_asset_is_private_until_its_person_shares_their_profile(cast):
    me = cast.members["volunteer"]
    asset = actions.add_asset(
        by=cast.user("volunteer"),
        community=cast.community,
        name="Phone help",
        category=Category.PERSONAL,
        location_kind=Asset.LocationKind.COMES_TO_YOU,
    )
    assert asset.visibility == Asset.Visibility.PRIVATE and asset.steward_member == me
    resident = cast.user("resident")
    assert not policy.visible_assets(resident, cast.community).filter(pk=asset.pk).exists()
    actions.change_asset(
        by=cast.user("volunteer"), asset=asset, visibility=Asset.Visibility.MEMBERS
    )
    me.consents.filter(purpose=ConsentPurpose.PROFILE_VISIBLE).delete()
    assert not policy.visible_assets(resident, cast.community).filter(pk=asset.pk).exists()
    me.consents.create(
        purpose=ConsentPurpose.PROFILE_VISIBLE,
        wording_version="t",
        recorded_by=cast.user("volunteer"),
    )
    assert policy.visible_assets(resident, cast.community).filter(pk=asset.pk).exists()
    # The steward always sees their own; an outsider never does.
    assert (
        policy.visible_assets(cast.user("volunteer"), cast.community).filter(pk=asset.pk).exists()
    )
    assert not policy.visible_assets(cast.user("outsider"), cast.community).exists()


def test_a_stale_asset_is_flagged_and_checking_it_makes_it_fresh(cast, client):
    asset = Asset.objects.filter(community=cast.community, visibility="public").first()
    Asset.objects.filter(pk=asset.pk).update(review_due=timezone.localdate() - timedelta(days=1))
    client.force_login(cast.user("coordinator"))
    url = reverse("asset_detail", args=[cast.community.slug, asset.pk])
    assert "Due a check" in client.get(url).content.decode()
    listed = client.get(reverse("asset_map", args=[cast.community.slug]), {"stale": "1"})
    assert asset.pk in [a.pk for a in listed.context["page"]]
    client.post(reverse("asset_verify", args=[cast.community.slug, asset.pk]))
    asset.refresh_from_db()
    assert not asset.is_stale and asset.last_verified_by == cast.user("coordinator")
    assert "Due a check" not in client.get(url).content.decode()


def test_every_change_is_kept_as_history(cast, client):
    asset = actions.add_asset(
        by=cast.user("coordinator"),
        community=cast.community,
        name="Repair café",
        category=Category.ASSOCIATION,
        location_kind=Asset.LocationKind.ONLINE,
    )
    from kampung.audit.context import acting

    with acting(cast.user("coordinator")):
        actions.change_asset(by=cast.user("coordinator"), asset=asset, name="Repair Café Mawar")
    client.force_login(cast.user("coordinator"))
    page = client.get(reverse("asset_detail", args=[cast.community.slug, asset.pk]))
    history = list(page.context["history"])
    assert [e.headline.split(" by ")[0] for e in history] == ["Changed", "Created"]
    assert history[0].lines == ["Changed Name from “Repair café” to “Repair Café Mawar”"]


def _box_around(community, km=3):
    d = km / 111.0
    return (
        f"{community.centre_lng - d},{community.centre_lat - d},"
        f"{community.centre_lng + d},{community.centre_lat + d}"
    )


def test_map_data_counts_when_zoomed_out_and_points_when_zoomed_in(cast, client):
    client.force_login(cast.user("coordinator"))
    url = f"/api/v1/communities/{cast.community.slug}/assets/map"
    bbox = _box_around(cast.community)
    from kampung.assets import geo as geo_module

    geo_module.FEW_ENOUGH_FOR_POINTS, few = 5, geo_module.FEW_ENOUGH_FOR_POINTS
    try:
        cells = client.get(url, {"bbox": bbox, "zoom": 12}).json()
    finally:
        geo_module.FEW_ENOUGH_FOR_POINTS = few
    points = client.get(url, {"bbox": bbox, "zoom": 17}).json()
    assert cells["mode"] == "cells" and points["mode"] == "points"
    # With few assets in view, even a zoomed-out map shows them one by one.
    assert client.get(url, {"bbox": bbox, "zoom": 12}).json()["mode"] == "points"
    mapped = Asset.objects.filter(community=cast.community, status="active").exclude(lat=None)
    assert sum(c["count"] for c in cells["cells"]) == mapped.count() == len(points["points"])
    only_places = client.get(url, {"bbox": bbox, "zoom": 17, "category": "place"}).json()
    assert {p["category"] for p in only_places["points"]} == {"place"}


def test_a_bad_bbox_is_a_clear_error(cast, client):
    client.force_login(cast.user("coordinator"))
    response = client.get(
        f"/api/v1/communities/{cast.community.slug}/assets/map", {"bbox": "0,100,1,101", "zoom": 12}
    )
    assert response.status_code == 422 and "bbox" in response.json()["error"]["fields"]


def test_the_geojson_export_follows_rfc_7946(cast, client):
    client.force_login(cast.user("resident"))
    response = client.get(f"/api/v1/communities/{cast.community.slug}/assets.geojson")
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    visible = policy.visible_assets(cast.user("resident"), cast.community).filter(status="active")
    assert len(data["features"]) == visible.count() > 0
    for feature in data["features"]:
        assert feature["type"] == "Feature" and set(feature) == {
            "type",
            "id",
            "geometry",
            "properties",
        }
        if feature["geometry"] is not None:
            lng, lat = feature["geometry"]["coordinates"]
            asset = Asset.objects.get(pk=feature["id"])
            assert (lng, lat) == (asset.lng, asset.lat)
            assert -180 <= lng <= 180 and -90 <= lat <= 90


def test_the_csv_export_has_a_header_and_one_row_per_visible_asset(cast, client):
    client.force_login(cast.user("coordinator"))
    response = client.get(f"/api/v1/communities/{cast.community.slug}/assets.csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("id,name,category")
    assert len(lines) - 1 == Asset.objects.filter(community=cast.community, status="active").count()


def test_adding_through_the_api_names_a_bad_field(cast, client):
    from kampung.people.actions import create_api_token

    _, token = create_api_token(user=cast.user("coordinator"))
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/communities/{cast.community.slug}/assets"
    ok = client.post(
        url,
        {
            "name": "Community fridge",
            "category": "place",
            "lat": 1.353,
            "lng": 103.944,
            "tags": ["102-04"],
        },
        content_type="application/json",
        headers=headers,
    )
    assert ok.status_code == 201 and ok.json()["tags"] == ["102-04"]
    bad = client.post(
        url,
        {"name": "X", "category": "castle", "lat": 1.35, "lng": 103.9},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422 and "category" in bad.json()["error"]["fields"]


def test_box_parsing_rejects_nonsense():
    assert geo.Box.parse("103.9,1.3,104.0,1.4").north == 1.4
    for text in ("", "1,2,3", "a,b,c,d", "10,5,5,6", "0,-91,1,0"):
        with pytest.raises(geo.BadBox):
            geo.Box.parse(text)


def _counts(cells):
    return sorted(
        (tuple(c["bbox"]), c["count"], tuple(sorted(c["by_category"].items()))) for c in cells
    )


@pytest.mark.parametrize("role", ["coordinator", "resident", "volunteer"])
@pytest.mark.parametrize("category", ["", "personal", "place"])
def test_fast_counts_equal_the_database_counts(cast, role, category):
    """The in-memory counts (cellcount) must show exactly what the SQL path shows each
    person, including which personal assets they may see."""
    from kampung.assets import cellcount
    from kampung.assets.queries import AssetFilters, cells_in, filtered

    box = geo.Box.parse(_box_around(cast.community))
    user = cast.user(role)
    member = cast.members[role]
    filters = AssetFilters(category=category)
    for zoom in (12, 14):
        fast = cellcount.cells(
            cast.community, box, zoom, filters, staff=role == "coordinator", member_id=member.pk
        )
        slow = cells_in(filtered(user, cast.community, filters).exclude(lat=None), box, zoom)
        assert _counts(fast) == _counts(slow)


def test_fast_counts_follow_new_assets_and_consent(cast):
    from kampung.assets import cellcount
    from kampung.assets.queries import AssetFilters
    from kampung.communities.models import Community

    box = geo.Box.parse(_box_around(cast.community))
    resident = cast.members["resident"]

    def total():
        community = Community.objects.get(pk=cast.community.pk)  # as each request does
        return sum(
            c["count"]
            for c in cellcount.cells(
                community,
                box,
                12,
                AssetFilters(category="personal"),
                staff=False,
                member_id=resident.pk,
            )
        )

    before = total()
    volunteer = cast.members["volunteer"]
    volunteer.consents.filter(purpose=ConsentPurpose.PROFILE_VISIBLE).delete()
    asset = actions.add_asset(
        by=cast.user("volunteer"),
        community=cast.community,
        name="Phone help",
        category=Category.PERSONAL,
        lat=1.353,
        lng=103.944,
        visibility=Asset.Visibility.MEMBERS,
    )
    assert total() == before  # not shared yet: no consent
    volunteer.consents.create(
        purpose=ConsentPurpose.PROFILE_VISIBLE,
        wording_version="t",
        recorded_by=cast.user("volunteer"),
    )
    assert total() == before + 1
    actions.change_asset(by=cast.user("volunteer"), asset=asset, status=Asset.Status.PAUSED)
    assert total() == before


def test_fast_counts_are_the_same_when_the_box_is_too_large_to_count_densely(cast, monkeypatch):
    from kampung.assets import cellcount
    from kampung.assets.queries import AssetFilters

    box = geo.Box.parse(_box_around(cast.community))
    dense = cellcount.cells(cast.community, box, 14, AssetFilters(), staff=True, member_id=None)
    monkeypatch.setattr(cellcount, "MAX_DENSE_CELLS", 0)
    sparse = cellcount.cells(cast.community, box, 14, AssetFilters(), staff=True, member_id=None)
    assert _counts(dense) == _counts(sparse)


def test_adding_an_asset_on_the_page(cast, client):
    client.force_login(cast.user("resident"))
    url = reverse("asset_create", args=[cast.community.slug])
    assert client.get(url).status_code == 200
    before = Asset.objects.count()
    form = {
        "name": "Block 5 community fridge",
        "category": "place",
        "location_kind": "point",
        "cost": "free",
        "visibility": "members",
        "tags": ["102-04"],
        "accessibility": ["step_free"],
    }
    missing_place = client.post(url, form)
    assert missing_place.status_code == 200
    assert "lat" in missing_place.context["form"].errors
    assert Asset.objects.count() == before
    done = client.post(url, {**form, "lat": "1.3531", "lng": "103.9442"})
    asset = Asset.objects.get(name="Block 5 community fridge")
    assert done.status_code == 302 and done.url.endswith(f"/assets/{asset.pk}/")
    # A resident may add, but only stewards and community developers may change it.
    assert (
        client.get(reverse("asset_edit", args=[cast.community.slug, asset.pk])).status_code == 403
    )


def test_opening_times_are_typed_on_the_form_and_shown_back_the_same_way(cast, client):
    from kampung.assets.hours import format_opening_hours

    client.force_login(cast.user("coordinator"))
    url = reverse("asset_create", args=[cast.community.slug])
    form = {
        "name": "Block 9 repair cafe",
        "category": "place",
        "location_kind": "point",
        "lat": "1.3531",
        "lng": "103.9442",
        "cost": "free",
        "visibility": "members",
        "opening_hours": "Mon-Fri 09:00-17:00; Sat 10:00-12:00, 14:00-16:00",
    }
    bad = client.post(url, {**form, "opening_hours": "Mon 17:00-09:00"})
    assert "opening_hours" in bad.context["form"].errors
    assert not Asset.objects.filter(name="Block 9 repair cafe").exists()
    assert client.post(url, form).status_code == 302
    asset = Asset.objects.get(name="Block 9 repair cafe")
    assert len(asset.opening_hours) == 7
    assert {"day": 5, "opens": "14:00", "closes": "16:00"} in asset.opening_hours
    edit = client.get(reverse("asset_edit", args=[cast.community.slug, asset.pk]))
    assert edit.context["form"].initial["opening_hours"] == form["opening_hours"]
    detail = client.get(reverse("asset_detail", args=[cast.community.slug, asset.pk]))
    assert "14:00–16:00" in detail.content.decode()
    assert format_opening_hours([]) == ""
    two = [
        {"day": 0, "opens": "09:00", "closes": "12:00"},
        {"day": 1, "opens": "09:00", "closes": "12:00"},
    ]
    assert format_opening_hours(two) == "Mon, Tue 09:00-12:00"


def test_formatted_opening_times_read_back_as_the_same_slots():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kampung.assets.hours import format_opening_hours, parse_opening_hours

    span = st.tuples(st.integers(0, 22), st.integers(1, 60)).map(
        lambda t: (f"{t[0]:02d}:00", f"{min(t[0] * 60 + t[1], 23 * 60 + 59) // 60:02d}:"
                   f"{min(t[0] * 60 + t[1], 23 * 60 + 59) % 60:02d}")
    )  # fmt: skip
    week = st.dictionaries(st.integers(0, 6), span, max_size=7)

    @settings(max_examples=200, deadline=None)
    @given(week)
    def check(days):
        slots = [{"day": d, "opens": o, "closes": c} for d, (o, c) in days.items()]
        back = parse_opening_hours(format_opening_hours(slots))
        assert sorted(back, key=lambda s: s["day"]) == sorted(slots, key=lambda s: s["day"])

    check()
