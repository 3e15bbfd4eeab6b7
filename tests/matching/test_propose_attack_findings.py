"""What the attack on proposing found: a huge or non-ASCII candidate id, and the same
suggestion sent twice."""

from __future__ import annotations

import pytest

from kampung.matching import actions, kept
from kampung.matching.models import Match, Need


def _need_and_top(cast):
    need = Need.objects.get(community=cast.community, member=cast.members["resident"])
    top = kept.rank_need(cast.user("coordinator"), need).matches[0].candidate_id
    return need, top


@pytest.mark.parametrize(
    "candidate", ["offer:999999999999999999999", "offer:9223372036854775808", "offer:٣", "offer:03"]
)
def test_a_huge_or_odd_candidate_id_is_unknown_not_a_crash(cast, login, candidate):
    need, _top = _need_and_top(cast)
    client = login(cast.user("coordinator"))
    url = f"/api/v1/communities/{cast.community.slug}/needs/{need.pk}/matches"
    response = client.post(url, {"candidate_id": candidate}, content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert "Unknown candidate" in response.content.decode()
    page = client.post(
        f"/c/{cast.community.slug}/needs/{need.pk}/propose/", {"candidate": candidate}
    )
    assert page.status_code == 302
    assert not Match.objects.filter(need=need).exists()


def test_the_same_suggestion_twice_is_refused(cast, login):
    need, top = _need_and_top(cast)
    client = login(cast.user("coordinator"))
    url = f"/api/v1/communities/{cast.community.slug}/needs/{need.pk}/matches"
    first = client.post(url, {"candidate_id": top}, content_type="application/json")
    assert first.status_code == 201
    again = client.post(url, {"candidate_id": top}, content_type="application/json")
    assert again.status_code == 422
    assert "already suggested" in again.content.decode()
    assert Match.objects.filter(need=need).count() == 1
    with pytest.raises(Exception, match="already suggested"):
        actions.propose_match(by=cast.user("admin"), need=need, candidate_id=top)
