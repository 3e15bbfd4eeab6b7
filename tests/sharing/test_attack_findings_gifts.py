"""The second attack on gift and take: a community developer "taking down" their own
listing (moderating themselves), and a member listing dozens of items in a row."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from kampung.errors import Conflict
from kampung.people.actions import create_api_token
from kampung.sharing import actions
from kampung.sharing.models import MAX_LISTINGS_PER_DAY, Listing


def _list(user, community, n=1):
    return [
        actions.list_item(
            by=user,
            community=community,
            title=f"Kettle {i}",
            category="kitchen",
            pickup_area="Blk 125 Seri Mawar",
        )
        for i in range(n)
    ]


def test_a_community_developer_does_not_take_down_their_own_listing(cast, csrf_client):
    (own,) = _list(cast.user("coordinator"), cast.community)
    with pytest.raises(PermissionDenied):
        actions.take_down_listing(by=cast.user("coordinator"), listing=own, reason="Not allowed")
    _token, secret = create_api_token(user=cast.user("coordinator"), name="test")
    answer = csrf_client.post(
        f"/api/v1/communities/{cast.community.slug}/gifts/{own.pk}/take-down",
        data=json.dumps({"reason": "Not allowed"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert answer.status_code == 403
    own.refresh_from_db()
    assert own.status == Listing.Status.OPEN  # they withdraw it as any giver does


def test_a_member_lists_at_most_so_many_items_a_day(cast):
    already = Listing.objects.filter(giver=cast.members["resident"]).count()  # the demo's
    _list(cast.user("resident"), cast.community, MAX_LISTINGS_PER_DAY - already)
    with pytest.raises(Conflict) as refused:
        _list(cast.user("resident"), cast.community)
    assert "tomorrow" in str(refused.value)
    # Others are not held back by one member's listings.
    _list(cast.user("volunteer"), cast.community)
