"""Taking a listing down works through the API as on the page: community developers
only, with a reason the giver is told; never the giver's neighbours."""

from __future__ import annotations

import pytest

from kampung.sharing.models import Listing

pytestmark = pytest.mark.django_db


def _url(cast, listing):
    return f"/api/v1/communities/{cast.community.slug}/gifts/{listing.pk}/take-down"


def _a_neighbours_listing(cast):
    return Listing.objects.filter(
        community=cast.community, status=Listing.Status.OPEN, giver=cast.members["resident"]
    ).first()


def test_a_community_developer_takes_it_down_with_a_reason(client, cast):
    listing = _a_neighbours_listing(cast)
    client.force_login(cast.user("coordinator"))
    response = client.post(
        _url(cast, listing), {"reason": "Not allowed here"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["taken_down_reason"] == "Not allowed here"
    listing.refresh_from_db()
    assert listing.status != Listing.Status.OPEN


def test_a_reason_is_needed(client, cast):
    listing = _a_neighbours_listing(cast)
    client.force_login(cast.user("coordinator"))
    response = client.post(_url(cast, listing), {"reason": ""}, content_type="application/json")
    assert response.status_code == 422
    listing.refresh_from_db()
    assert listing.status == Listing.Status.OPEN


@pytest.mark.parametrize("role", ["volunteer", "partner"])
def test_members_cannot_take_down_a_neighbours_item(client, cast, role):
    listing = _a_neighbours_listing(cast)
    client.force_login(cast.user(role))
    response = client.post(
        _url(cast, listing), {"reason": "mine now"}, content_type="application/json"
    )
    assert response.status_code == 403
    listing.refresh_from_db()
    assert listing.status == Listing.Status.OPEN
