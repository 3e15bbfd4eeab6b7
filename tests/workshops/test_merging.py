"""Merging workshop items keeps the best of each: the plain-Python rule
(kampung.workshops.merging) with Hypothesis, then the action, the review page and the
API's default."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from kampung.assets.models import Category
from kampung.workshops import actions, merging
from kampung.workshops.errors import MergeOutdated
from kampung.workshops.models import WorkshopItem

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
long_text = st.text(max_size=3000)
places = st.one_of(
    st.tuples(st.just("point"), st.none(), st.none()),
    st.tuples(
        st.just("point"),
        st.floats(-90, 90, allow_nan=False),
        st.floats(-180, 180, allow_nan=False),
    ),
    st.tuples(st.sampled_from(["online", "comes_to_you"]), st.none(), st.none()),
)


@st.composite
def item_values(draw):
    kind, lat, lng = draw(places)
    return merging.ItemValues(
        name=draw(text),
        category=draw(st.sampled_from(["personal", "association", "place"])),
        location_kind=kind,
        lat=lat,
        lng=lng,
        address=draw(text),
        offered_by=draw(st.text(max_size=120)),
        description=draw(long_text),
    )


@given(st.lists(item_values(), min_size=1, max_size=5))
def test_the_merged_item_is_never_less_complete_than_any_item_on_any_field(items):
    merged = merging.merge(items)
    for field in merging.FIELDS:
        for item in items:
            assert merging.completeness(field, merged.get(field)) >= merging.completeness(
                field, item.get(field)
            ), field


@given(st.lists(item_values(), min_size=1, max_size=5))
def test_joined_fields_keep_every_item_s_words_when_they_fit(items):
    merged = merging.merge(items)
    for field in ("description", "offered_by"):
        sep, limit = merging.JOINED[field]
        value = merged.get(field)
        assert len(value) <= limit
        # (each part of a joined description may gain a full stop)
        room = sum(
            len(i.get(field)) + len(sep) + len(merging._parts(i.get(field), sep)) for i in items
        )
        if room <= limit:
            for item in items:
                for part in merging._parts(item.get(field), sep):
                    assert part.casefold() in value.casefold()


@given(st.lists(item_values(), min_size=2, max_size=4))
def test_the_suggested_option_is_the_merge_and_every_pick_gives_an_offered_value(items):
    merged = merging.merge(items)
    for choice in merging.choices(items):
        assert choice.options[0] == merged.get(choice.field)
        assert len(set(map(repr, choice.options))) == len(choice.options)  # no repeats
        last = merging.apply(items, {choice.field: len(choice.options) - 1})
        assert last.get(choice.field) == choice.options[-1]
    assert merging.apply(items, {}) == merged


@given(item_values())
def test_one_item_merged_with_a_copy_of_itself_offers_nothing_to_choose(item):
    assert merging.choices([item, item]) == []


def test_the_newer_better_name_and_map_point_win_over_the_older_poorer_ones():
    older = merging.ItemValues(
        name="Football", category="association", location_kind="comes_to_you"
    )
    newer = merging.ItemValues(
        name="Football for teens", category="association", lat=1.354, lng=103.945
    )
    merged = merging.merge([older, newer])
    assert merged.name == "Football for teens"
    assert merged.place == ("point", 1.354, 103.945)
    # A place still waiting for its map point, with an address, is "at a place": the
    # address and the place suggested agree.
    waiting = merging.ItemValues(name="x", location_kind="point", address="Block 9")
    assert merging.merge([older, waiting]).place == ("point", None, None)
    # With no address and no map point, "comes to you" is suggested.
    nowhere = merging.ItemValues(name="x", location_kind="point")
    assert merging.merge([nowhere, older]).location_kind == "comes_to_you"


def test_it_comes_to_you_is_not_suggested_with_an_address():
    sewing = merging.ItemValues(name="Mdm Tan sewing class", location_kind="comes_to_you")
    at_block = merging.ItemValues(name="Mdm Tan's sewing", address="Block 412 void deck")
    merged = merging.merge([sewing, at_block])
    assert merged.address == "Block 412 void deck"
    assert merged.place == ("point", None, None)


@given(st.lists(item_values(), min_size=1, max_size=5))
def test_the_suggested_place_and_address_agree(items):
    merged = merging.merge(items)
    has_point = any(i.location_kind == "point" and i.lat is not None for i in items)
    if has_point or merged.address.strip():
        assert merged.location_kind == "point"  # at a place, on the map or not yet
    if has_point:
        assert merged.lat is not None
    kinds = {i.location_kind for i in items} - {"point"}
    if not has_point and not merged.address.strip() and kinds:
        assert merged.location_kind in kinds  # online or "comes to you", as one said


def test_different_descriptions_are_joined_as_sentences():
    a = merging.ItemValues(name="a", description="Sewing classes")
    b = merging.ItemValues(name="b", description="Free for seniors!")
    c = merging.ItemValues(name="c", description="sewing classes.")  # the same as a's
    merged = merging.merge([a, b, c]).description
    assert merged == "Sewing classes.\n\nFree for seniors!"
    # One description alone is kept as written.
    assert merging.merge([a, merging.ItemValues(name="d")]).description == "Sewing classes"


def test_picks_outside_the_options_are_refused():
    a = merging.ItemValues(name="Sewing")
    b = merging.ItemValues(name="Sewing lessons")
    with pytest.raises(IndexError):
        merging.apply([a, b], {"name": 2})
    with pytest.raises(KeyError):
        merging.apply([a, b], {"category": 0})  # the same in both: nothing to pick


# --- In the database -------------------------------------------------------------------


@pytest.fixture
def workshop(cast):
    return actions.open_workshop(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Block 12 mapping evening",
        held_on=timezone.localdate(),
    )


def _pair(workshop):
    older = actions.add_item(
        workshop=workshop,
        participant="p1",
        added_by_name="Aisha",
        name="Football",
        category=Category.ASSOCIATION,
        location_kind="comes_to_you",
        offered_by="Coach Raj",
    )
    newer = actions.add_item(
        workshop=workshop,
        participant="p2",
        added_by_name="Raj",
        name="Football for teens",
        category=Category.ASSOCIATION,
        location_kind="point",
        lat=1.354,
        lng=103.945,
        description="Saturdays 9am",
        offered_by="Coach Raj; Mr Lim",
    )
    return older, newer


def test_merge_keeps_the_most_complete_value_of_each_field(workshop, cast):
    older, newer = _pair(workshop)
    kept = actions.merge_items(
        by=cast.user("coordinator"), workshop=workshop, keep_id=older.pk, other_ids=[newer.pk]
    )
    assert kept.pk == older.pk
    assert kept.name == "Football for teens"
    assert (kept.location_kind, kept.lat, kept.lng) == ("point", 1.354, 103.945)
    assert kept.offered_by == "Coach Raj; Mr Lim" and kept.description == "Saturdays 9am"
    newer.refresh_from_db()
    assert newer.status == WorkshopItem.Status.MERGED and newer.merged_into_id == older.pk


def test_the_facilitator_s_picks_are_kept(workshop, cast):
    older, newer = _pair(workshop)
    kept = actions.merge_items(
        by=cast.user("coordinator"),
        workshop=workshop,
        keep_id=older.pk,
        other_ids=[newer.pk],
        picks={"name": 1, "place": 1},  # the older item's own name and place
    )
    assert kept.name == "Football" and kept.location_kind == "comes_to_you"


def test_picks_against_items_that_changed_since_merge_nothing(workshop, cast):
    from kampung.workshops import queries

    older, newer = _pair(workshop)
    plan = queries.plan_for(workshop, [older.pk, newer.pk])
    actions.change_item(by=cast.user("coordinator"), item=newer, name="Football club")
    with pytest.raises(MergeOutdated):
        actions.merge_items(
            by=cast.user("coordinator"),
            workshop=workshop,
            keep_id=older.pk,
            other_ids=[newer.pk],
            expected=plan.fingerprint,
        )
    newer.refresh_from_db()
    assert newer.status == WorkshopItem.Status.NEW


def test_the_board_leads_to_a_review_page_that_merges_on_confirm(client, cast, workshop):
    older, newer = _pair(workshop)
    client.force_login(cast.user("coordinator"))
    slug = cast.community.slug
    response = client.post(
        reverse("workshop_merge", args=[slug, workshop.pk]), {"items": [newer.pk, older.pk]}
    )
    review_url = response["Location"]
    assert "merge/check/" in review_url
    page = client.get(review_url)
    body = page.content.decode()
    assert page.status_code == 200
    newer.refresh_from_db()
    assert newer.status == WorkshopItem.Status.NEW  # nothing merged by looking
    # One set of radio buttons per field that differs, the most complete ticked.
    # (The description is only in one of them: joining it loses nothing, so no choice.)
    assert set(page.context["form"].fields) == {"name", "place", "offered_by"}
    assert "On the map (from “Football for teens”) — suggested" in body
    assert "Football for teens — suggested" in body
    data = {
        "items": [older.pk, newer.pk],
        "fingerprint": page.context["plan"].fingerprint,
        "name": "1",  # the older item's "Football"
        "place": "0",
        "offered_by": "0",
    }
    done = client.post(review_url.split("?")[0], data)
    assert done.status_code == 302
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.name == "Football" and older.lat == 1.354
    assert newer.status == WorkshopItem.Status.MERGED


def test_the_review_page_says_when_the_items_changed(client, cast, workshop):
    older, newer = _pair(workshop)
    client.force_login(cast.user("coordinator"))
    url = reverse("workshop_merge_review", args=[cast.community.slug, workshop.pk])
    data = {"items": [older.pk, newer.pk], "fingerprint": "stale", "name": "0"}
    data.update({"place": "0", "offered_by": "0", "description": "0"})
    page = client.post(url, data)
    assert page.status_code == 200
    assert "changed while you were looking" in page.content.decode()
    newer.refresh_from_db()
    assert newer.status == WorkshopItem.Status.NEW


def test_the_review_page_needs_two_items(client, cast, workshop):
    older, _newer = _pair(workshop)
    client.force_login(cast.user("coordinator"))
    url = reverse("workshop_merge_review", args=[cast.community.slug, workshop.pk])
    response = client.get(url, {"items": [older.pk]})
    assert response.status_code == 302 and f"/workshops/{workshop.pk}/" in response["Location"]


def test_the_api_merge_takes_the_most_complete_values(client, cast, workshop):
    older, newer = _pair(workshop)
    client.force_login(cast.user("coordinator"))
    url = f"/api/v1/communities/{cast.community.slug}/workshops/{workshop.pk}/merge"
    response = client.post(
        url, {"keep": older.pk, "others": [newer.pk]}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Football for teens"
