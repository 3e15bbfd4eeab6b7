"""Where an asset is: a tap on the map fills the form's hidden fields; typing the position
behind "Type the position instead" works too; and the asset's page says where it is in
words, with a small map, keeping the numbers out of the main text."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kampung.assets.models import Asset

FORM = {
    "name": "Block 5 community fridge",
    "category": "place",
    "location_kind": "point",
    "cost": "free",
    "visibility": "members",
}


@pytest.fixture
def coordinator_client(cast, client):
    client.force_login(cast.user("coordinator"))
    return client


def _url(cast):
    return reverse("asset_create", args=[cast.community.slug])


def test_the_form_has_a_tap_map_and_the_typed_position_behind_a_disclosure(
    cast, coordinator_client
):
    html = coordinator_client.get(_url(cast)).content.decode()
    assert 'id="pick-map"' in html and 'data-pick="lat"' in html and 'data-pick="lng"' in html
    assert "Latitude" not in html and "Longitude" not in html
    typed = re.search(
        r"<details[^>]*>\s*<summary>Type the position instead</summary>.*?</details>", html, re.S
    )
    assert typed and 'name="position"' in typed.group(0)
    assert 'type="radio" name="location_kind"' in html


def test_a_point_tapped_on_the_map_is_saved(cast, coordinator_client):
    done = coordinator_client.post(_url(cast), {**FORM, "lat": "1.353100", "lng": "103.944200"})
    asset = Asset.objects.get(name=FORM["name"])
    assert done.status_code == 302
    assert (asset.lat, asset.lng) == (1.3531, 103.9442)


@pytest.mark.parametrize("typed", ["1.3529, 103.9440", "1.3529 103.9440", " 1.3529;103.9440 "])
def test_a_typed_position_is_saved_and_wins_over_an_old_mark(cast, coordinator_client, typed):
    done = coordinator_client.post(
        _url(cast), {**FORM, "lat": "1.30", "lng": "103.80", "position": typed}
    )
    assert done.status_code == 302
    asset = Asset.objects.get(name=FORM["name"])
    assert (asset.lat, asset.lng) == (1.3529, 103.944)


@pytest.mark.parametrize("typed", ["somewhere", "91, 103.9", "1.35, 181", "1.35"])
def test_a_position_that_is_not_one_says_how_to_type_it(cast, coordinator_client, typed):
    bad = coordinator_client.post(_url(cast), {**FORM, "position": typed})
    assert bad.status_code == 200
    assert "for example 1.3521, 103.8198" in bad.context["form"].errors["position"][0]
    assert '<details class="field typed-position" open>' in bad.content.decode()
    assert not Asset.objects.filter(name=FORM["name"]).exists()


def test_no_place_asks_for_a_tap_in_plain_words(cast, coordinator_client):
    missing = coordinator_client.post(_url(cast), FORM)
    assert "Tap the map where it is" in missing.context["form"].errors["lat"][0]
    online = coordinator_client.post(_url(cast), {**FORM, "location_kind": "online"})
    assert online.status_code == 302


def test_editing_without_touching_the_map_keeps_the_place(cast, coordinator_client):
    coordinator_client.post(_url(cast), {**FORM, "lat": "1.3531234", "lng": "103.9442345"})
    asset = Asset.objects.get(name=FORM["name"])
    edit = reverse("asset_edit", args=[cast.community.slug, asset.pk])
    html = coordinator_client.get(edit).content.decode()
    lat = re.search(r'name="lat" value="([^"]+)"', html).group(1)
    lng = re.search(r'name="lng" value="([^"]+)"', html).group(1)
    assert 'name="position"' in html and 'name="position" value' not in html  # empty
    form = {**FORM, "lat": lat, "lng": lng, "name": "Block 5 fridge"}
    assert coordinator_client.post(edit, form).status_code == 302
    asset.refresh_from_db()
    assert (asset.name, asset.lat, asset.lng) == ("Block 5 fridge", 1.3531234, 103.9442345)


def test_the_asset_page_has_a_small_map_and_says_where_in_words(cast, coordinator_client):
    coordinator_client.post(_url(cast), {**FORM, "lat": "1.3531", "lng": "103.9442"})
    asset = Asset.objects.get(name=FORM["name"])
    page = coordinator_client.get(reverse("asset_detail", args=[cast.community.slug, asset.pk]))
    html = page.content.decode()
    assert 'id="place-map"' in html and "kampung/placemap.js" in html
    near = page.context["near"]
    assert near.startswith(("Near ", "At ", "About "))
    where = re.search(r"<dt>Where</dt><dd>(.*?)</dd>", html).group(1)
    assert where == near and "1.353" not in where
    # The numbers are only inside "Exact position".
    main_text = re.sub(r"<details class=\"exact-position\">.*?</details>", "", html, flags=re.S)
    assert "1.35310" not in re.sub(r"<[^>]+>", "", main_text)
    assert "1.35310, 103.94420" in html


def test_an_online_asset_has_no_map(cast, coordinator_client):
    coordinator_client.post(_url(cast), {**FORM, "location_kind": "online"})
    asset = Asset.objects.get(name=FORM["name"])
    html = coordinator_client.get(
        reverse("asset_detail", args=[cast.community.slug, asset.pk])
    ).content.decode()
    assert 'id="place-map"' not in html and "<dd>Online</dd>" in html


def test_where_in_words_names_a_nearby_place_or_the_way_from_the_middle(cast):
    from kampung.assets import actions, geo
    from kampung.assets.queries import near_in_words

    coordinator = cast.user("coordinator")
    c = cast.community
    far = actions.add_asset(
        by=coordinator,
        community=c,
        name="Far bench",
        category="place",
        lat=c.centre_lat + 0.02,
        lng=c.centre_lng,
    )
    assert near_in_words(coordinator, c, far).startswith("About 2.")
    assert "north of the middle of Kampung Seri Mawar" in near_in_words(coordinator, c, far)
    actions.add_asset(
        by=coordinator,
        community=c,
        name="Far hall",
        category="place",
        lat=c.centre_lat + 0.02 + 0.00045,  # about 50 m north
        lng=c.centre_lng,
        visibility="private",
    )
    assert near_in_words(coordinator, c, far) == "Near Far hall, about 50 m away"
    # A place the viewer may not see is never named.
    assert "Far hall" not in near_in_words(cast.user("resident"), c, far)
    assert geo.compass_from(0, 0, 0, 1) == "east" and geo.round_distance_m(3) == 10
