"""Gap analysis: areas labelled like a street atlas, open requests against the assets
that offer the kind asked for, sorting, and the page (a labelled, shaded map and a
sortable table)."""

from __future__ import annotations

import math

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from kampung.assets import gaps


def test_column_labels_run_like_a_spreadsheet():
    assert [gaps.column_label(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "ZZ", "AAA",
    ]  # fmt: skip


def test_points_fall_into_labelled_areas_with_counts_per_category():
    # 500 m areas: about 0.0045 degrees of latitude.
    assets = [
        (1.3600, 103.9400, "place"),
        (1.3599, 103.9401, "personal"),
        (1.3500, 103.9400, "place"),
    ]
    needs = [
        (1.3501, 103.9401, "place"),
        (1.3502, 103.9402, "place"),
        (1.3503, 103.9401, "personal"),
    ]
    areas = {a.label: a for a in gaps.grid(assets, needs, size_m=500)}
    assert set(areas) == {"A1", "A3"}
    assert areas["A1"].assets == {"place": 1, "personal": 1} and areas["A1"].needs == {}
    assert areas["A3"].n_assets == 1 and areas["A3"].n_needs == 3 and areas["A3"].gap == 2
    south, west, north, east = (
        areas["A1"].south,
        areas["A1"].west,
        areas["A1"].north,
        areas["A1"].east,
    )
    assert south < 1.3599 <= north and west <= 103.9400 < east


def test_sorting_by_gap_puts_the_worst_area_first_and_ties_keep_atlas_order():
    assets = [(1.36, 103.94, "place"), (1.35, 103.94, "place"), (1.34, 103.94, "place")]
    needs = [(1.35, 103.94, "place")] * 3
    areas = gaps.grid(assets, needs, size_m=500)
    assert [a.label for a in gaps.sort_areas(areas, "gap", True)][0] == "A3"
    assert [a.label for a in gaps.sort_areas(areas, "area", False)] == ["A1", "A3", "A5"]
    assert gaps.sort_areas(areas, "assets:place", True)[0].label == "A1"
    with pytest.raises(ValueError):
        gaps.sort_areas(areas, "shoe size", True)


def test_nothing_placed_means_no_areas():
    assert gaps.grid([], []) == []


def test_the_gaps_page_shows_areas_and_sorts(client, cast):
    client.force_login(cast.user("resident"))
    url = reverse("asset_gaps", args=[cast.community.slug])
    page = client.get(url, {"size": 500, "sort": "assets", "dir": "desc"})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'aria-sort="descending"' in body and "gap-areas" in body
    rows = body.split("<tbody>")[1].split("</tbody>")[0].count("<tr")
    assert rows > 0
    # A nonsense sort falls back to the default instead of failing.
    assert client.get(url, {"sort": "nope"}).status_code == 200


def test_people_from_elsewhere_cannot_see_the_gaps(client, cast):
    client.force_login(cast.user("outsider"))
    assert client.get(reverse("asset_gaps", args=[cast.community.slug])).status_code == 404


def test_the_api_gives_the_same_areas(client, cast):
    client.force_login(cast.user("resident"))
    url = f"/api/v1/communities/{cast.community.slug}/assets/gaps"
    body = client.get(url, {"size": 1000, "sort": "assets"}).json()
    assert body["size_m"] == 1000 and body["areas"]
    counts = [a["n_assets"] for a in body["areas"]]
    assert counts == sorted(counts, reverse=True)
    bad = client.get(url, {"size": 7})
    assert bad.status_code == 422 and "size" in bad.json()["error"]["message"]


def test_open_requests_appear_for_staff_and_not_for_residents(client, cast):
    client.force_login(cast.user("coordinator"))
    url = reverse("asset_gaps", args=[cast.community.slug])
    body = client.get(url).content.decode()
    assert "Open requests" in body and "Without a match" in body
    client.force_login(cast.user("resident"))
    assert "Without a match" not in client.get(url).content.decode()


def test_one_or_two_needs_in_an_area_are_never_shown_exactly():
    areas = {
        a.label: a
        for a in gaps.grid(
            [(1.36, 103.94, "place")],
            [(1.36, 103.94, "personal"), (1.35, 103.94, "place")] + [(1.34, 103.94, "place")] * 3,
            size_m=500,
        )
    }
    one = areas["A1"].as_dict()
    assert one["n_needs"] is None and one["needs"] == {} and one["gap"] == 0
    assert one["n_matching"] is None and one["shade"] == "assets"
    assert areas["A5"].as_dict()["n_needs"] == 3 and areas["A5"].as_dict()["needs"] == {"place": 3}


# --- Requests against the assets that offer what is asked for ---------------------------


def test_requests_are_met_only_by_assets_offering_their_kind():
    here = (1.3501, 103.9401)
    assets = [
        (*here, "personal", ("driving",)),
        (*here, "place", ("102-05",)),  # a kitchen: no lifts
        (*here, "place", ()),
    ]
    needs = [(*here, "driving")] * 3 + [(*here, "cooking")]
    (area,) = gaps.grid(assets, needs, size_m=500)
    assert area.n_needs == 4 and area.n_assets == 3
    # One driver for three lift requests, nobody for the meal: 2 + 1 left over.
    assert area.gap == 3 and area.n_matching == 1 and area.shade == "gap"
    assert area.as_dict()["needs"] == {"driving": 3, "cooking": 1}


def test_enough_matching_assets_leave_no_gap_whatever_else_is_missing():
    here = (1.3501, 103.9401)
    assets = [(*here, "personal", ("driving",))] * 3
    needs = [(*here, "driving")] * 3
    (area,) = gaps.grid(assets, needs, size_m=500)
    assert area.gap == 0 and area.shade == "met" and area.n_matching == 3


def test_a_request_that_names_no_kind_can_be_met_by_any_asset():
    here = (1.3501, 103.9401)
    assets = [(*here, "place", ())] * 2
    (area,) = gaps.grid(assets, [(*here, "")] * 3, size_m=500)
    assert area.gap == 1 and area.n_matching == 2


def test_many_assets_of_other_kinds_do_not_hide_a_gap():
    """The old rule (all requests minus all assets) called this area well served."""
    here = (1.3501, 103.9401)
    assets = [(*here, "place", ("library",))] * 10
    (area,) = gaps.grid(assets, [(*here, "driving")] * 3, size_m=500)
    assert area.gap == 3 and area.shade == "gap"


def test_sorting_by_requests_and_matching_assets():
    a, b = (1.3600, 103.9400), (1.3500, 103.9400)
    assets = [(*a, "personal", ("driving",)), (*b, "place", ())]
    needs = [(*a, "driving")] * 3 + [(*b, "driving")] * 4
    areas = gaps.grid(assets, needs, size_m=500)
    assert [x.label for x in gaps.sort_areas(areas, "requests", True)] == ["A3", "A1"]
    assert [x.label for x in gaps.sort_areas(areas, "matching", True)] == ["A1", "A3"]
    assert [x.label for x in gaps.sort_areas(areas, "gap", True)] == ["A3", "A1"]


KINDS = ["driving", "cooking", "befriending", ""]
points = st.tuples(
    st.floats(1.340, 1.366, allow_nan=False), st.floats(103.930, 103.958, allow_nan=False)
)
asset_points = st.lists(
    st.tuples(
        points,
        st.sampled_from(["personal", "place", "association"]),
        st.frozensets(st.sampled_from(KINDS[:3]), max_size=2),
    ).map(lambda t: (*t[0], t[1], tuple(sorted(t[2])))),
    max_size=30,
)
request_points = st.lists(
    st.tuples(points, st.sampled_from(KINDS)).map(lambda t: (*t[0], t[1])), max_size=30
)


@given(asset_points, request_points, st.sampled_from(gaps.SIZES_M))
def test_gap_is_never_more_than_the_requests_and_never_below_zero(assets, needs, size):
    anchor = (1.366, 103.930, 1.340, 103.958)
    for area in gaps.grid(assets, needs, size_m=size, anchor=anchor):
        assert 0 <= area.gap <= (area.needs_shown or 0)
        if area.needs_shown is None:
            assert area.gap == 0 and area.n_matching is None and area.shade == "assets"
        else:
            assert area.n_matching <= area.n_assets
            assert (area.shade == "gap") == (area.gap > 0)


@given(asset_points, request_points, st.sampled_from(KINDS[:3]))
def test_adding_a_matching_asset_never_widens_a_gap(assets, needs, kind):
    anchor = (1.366, 103.930, 1.340, 103.958)
    before = {a.label: a.gap for a in gaps.grid(assets, needs, size_m=500, anchor=anchor)}
    for lat, lng, _kind in needs[:1]:
        more = [*assets, (lat, lng, "personal", (kind,))]
        after = {a.label: a.gap for a in gaps.grid(more, needs, size_m=500, anchor=anchor)}
        for label, gap in after.items():
            assert gap <= before.get(label, gap)


def test_the_demo_has_an_area_with_a_gap(client, cast):
    """The demo neighbourhood tells a story: at the far east end several people ask for
    lifts that nothing there offers, so the coordinator sees at least one red square."""
    client.force_login(cast.user("coordinator"))
    url = f"/api/v1/communities/{cast.community.slug}/assets/gaps"
    for size in gaps.SIZES_M:
        areas = client.get(url, {"size": size}).json()["areas"]
        gap_areas = [a for a in areas if a["shade"] == "gap"]
        assert gap_areas, size
        assert gap_areas[0]["needs"].get("driving", 0) >= 3
    page = client.get(reverse("asset_gaps", args=[cast.community.slug]))
    assert page.context["n_gap_areas"] >= 1
    assert "Driving and lifts: 4 requests" in page.content.decode()


def test_each_area_is_named_after_the_nearest_place_inside_it():
    assets = [(1.3500, 103.9400, "place"), (1.3600, 103.9600, "place")]
    areas = gaps.grid(assets, size_m=500)
    a, b = areas  # two areas far apart
    places = [
        ("Block 9 void deck", a.north - 0.0001, a.west + 0.0001),  # in a, by its corner
        ("Community fridge", (a.north + a.south) / 2, (a.east + a.west) / 2),  # its middle
        ("Far away", 1.2, 103.0),  # in no area listed
    ]
    near = gaps.nearest_places(areas, places)
    assert near == {a.label: "Community fridge"}
    assert gaps.nearest_places([], places) == {}
    # With nothing inside, a place just outside names the area; one far off does not.
    just_outside = ("Residents' Network", (b.north + b.south) / 2, b.west - 0.0005)
    assert gaps.nearest_places([b], [just_outside, places[2]]) == {b.label: "Residents' Network"}


@given(
    st.lists(st.tuples(st.floats(1.30, 1.32), st.floats(103.90, 103.93)), min_size=1, max_size=8),
    st.lists(st.tuples(st.floats(1.29, 1.33), st.floats(103.89, 103.94)), max_size=8),
)
def test_the_place_an_area_is_named_after_is_inside_it_and_nearest_its_middle(pts, others):
    areas = gaps.grid([(lat, lng, "place") for lat, lng in pts], size_m=250)
    places = [(f"p{i}", lat, lng) for i, (lat, lng) in enumerate(pts + others)]
    where = {name: (lat, lng) for name, lat, lng in places}
    near = gaps.nearest_places(areas, places)
    for area in areas:
        inside = [
            n
            for n, (lat, lng) in where.items()
            if area.south <= lat <= area.north and area.west <= lng <= area.east
        ]
        mid = ((area.north + area.south) / 2, (area.east + area.west) / 2)

        def off(name, mid=mid):
            lat, lng = where[name]
            dx = (lng - mid[1]) * math.cos(math.radians(mid[0]))
            return math.hypot(lat - mid[0], dx) * gaps.METRES_PER_DEGREE

        if not inside:  # then only a place close outside it names it
            if area.label in near:
                assert off(near[area.label]) <= 250 / 2 + gaps.NEAR_M + 1e-6
            continue
        assert near[area.label] in inside
        assert off(near[area.label]) <= min(off(n) for n in inside) + 1e-6


def _cells(row: str) -> list[str]:
    import re

    return re.findall(r'<t[dh][^>]*data-label="([^"]*)"', row)


def test_the_gaps_table_leads_with_the_area_its_gap_and_what_is_asked_for(client, cast):
    client.force_login(cast.user("coordinator"))
    body = client.get(reverse("asset_gaps", args=[cast.community.slug])).content.decode()
    table = body.split('<table class="table gap-table')[1].split("</table>")[0]
    head = table.split("<thead>")[1].split("</thead>")[0]
    import re

    headings = [
        re.sub(r"<[^>]+>|[▼▲]", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head)
    ]
    assert headings[:3] == ["Area", "Without a match", "What is asked for"], headings
    assert all(len(h) <= 17 for h in headings), headings  # short enough for a phone
    # A real table: column headers, a row header per area, and each cell labelled with
    # its column's heading for the stacked phone layout.
    assert head.count('scope="col"') == len(headings)
    first = table.split("<tbody>")[1].split("</tr>")[0]
    assert 'scope="row"' in first
    assert _cells(first) == headings[1:]
    # The first row (the biggest gap) says roughly where it is.
    key = first.split('scope="row"')[1].split("</th>")[0]
    assert re.search(r"near [A-Z]", key), key
    assert 'style="' not in table  # no inline styles (the CSP)
