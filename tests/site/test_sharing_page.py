"""The Sharing page and the dashboard: gift and take, the fridges and the sessions are
one tap from the navigation, and what waits for a person there comes first."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get(client, cast, role, name):
    client.force_login(cast.user(role))
    response = client.get(reverse(name, args=[cast.community.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_is_in_the_navigation_of_every_page(client, cast):
    page = _get(client, cast, "resident", "dashboard")
    assert f'href="{reverse("sharing_home", args=[cast.community.slug])}"' in page


def test_it_offers_the_three_ways_of_sharing_to_a_resident(client, cast):
    page = _get(client, cast, "resident", "sharing_home")
    for heading in ("Gift and take", "Community fridges and pantries", "Skill-sharing sessions"):
        assert heading in page
    for name in ("gift_list", "gift_create", "fridge_list", "session_list"):
        assert reverse(name, args=[cast.community.slug]) in page
    assert "things on offer now" in page


def test_it_puts_what_waits_for_the_giver_first(client, cast):
    # The demo's resident (Rosnah) has an item a neighbour would like.
    page = _get(client, cast, "resident", "sharing_home")
    assert "Waiting for you" in page
    assert "would like your item" in page
    assert page.index("Waiting for you") < page.index("Gift and take")


def test_the_dashboard_says_what_waits_in_sharing(client, cast):
    page = _get(client, cast, "resident", "dashboard")
    assert "Sharing: waiting for you" in page
    assert "would like your item" in page


def test_the_volunteer_is_told_about_their_fridge_rota(client, cast):
    page = _get(client, cast, "volunteer", "dashboard")
    assert "check-and-clean" in page


def test_an_analyst_sees_no_one_s_gifts(client, cast):
    page = _get(client, cast, "analyst", "sharing_home")
    assert reverse("gift_list", args=[cast.community.slug]) not in page
    assert "Community fridges and pantries" in page


def test_an_outsider_is_not_told_the_community_exists(client, cast):
    client.force_login(cast.user("outsider"))
    response = client.get(reverse("sharing_home", args=[cast.community.slug]))
    assert response.status_code == 404
