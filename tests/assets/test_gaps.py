"""Gap analysis: areas labelled like a street atlas, counts per category, sorting, and
the page (a shaded map and a sortable table)."""

from __future__ import annotations

import pytest
from django.urls import reverse

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


def test_open_needs_appear_for_staff_and_not_for_residents(client, cast):
    client.force_login(cast.user("coordinator"))
    url = reverse("asset_gaps", args=[cast.community.slug])
    body = client.get(url).content.decode()
    assert "Open needs" in body and "Needs minus assets" in body
    client.force_login(cast.user("resident"))
    assert "Needs minus assets" not in client.get(url).content.decode()


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
    assert one["n_needs"] is None and one["needs"] == {} and one["gap"] == -1
    assert areas["A5"].as_dict()["n_needs"] == 3 and areas["A5"].as_dict()["needs"] == {"place": 3}
