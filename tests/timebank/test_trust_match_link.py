"""Finding 4 (issue 12): nobody can block a helper's payment for a match by posting an
exchange that claims the match's id. Only the matching app links an exchange to a
match, and its "already recorded" check looks in the match's own community."""

from __future__ import annotations

import pytest

from kampung.matching import actions as matching
from kampung.matching.models import Match, Need, Offer
from kampung.timebank import actions
from kampung.timebank.models import Exchange
from tests.timebank.helpers import acct, key


@pytest.fixture
def completed_match(cast) -> Match:
    need = Need.objects.get(community=cast.community, title="Help setting up my new phone")
    offer = Offer.objects.get(member=cast.members["volunteer"])
    match = matching.propose_match(
        by=cast.user("coordinator"), need=need, candidate_id=f"offer:{offer.pk}"
    )
    matching.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    matching.start_match(by=cast.user("volunteer"), match=match)
    matching.complete_match(by=cast.user("volunteer"), match=match, minutes=60)
    matching.complete_match(by=cast.user("resident"), match=match, minutes=0)
    match.refresh_from_db()
    assert match.status == Match.Status.COMPLETED
    return match


def test_an_outsider_cannot_claim_a_match_through_the_api(cast, login, completed_match):
    from kampung.people.models import Member

    wendy = cast.members["outsider"]
    friend = Member.objects.filter(community=cast.other).exclude(pk=wendy.pk).first()
    client = login(cast.user("outsider"))
    response = client.post(
        f"/api/v1/communities/{cast.other.slug}/timebank/exchanges",
        {
            "idempotency_key": key(),
            "provider": acct(wendy).number,
            "receiver": acct(friend).number,
            "minutes": 5,
            "description": "Squatting on a match id",
            "match_id": completed_match.pk,
        },
        content_type="application/json",
    )
    # Either refused outright or accepted without the link: never linked to the match.
    assert response.status_code in (201, 422), response.content
    assert not Exchange.objects.filter(community=cast.other, match_id=completed_match.pk).exists()
    exchange = matching.record_in_timebank(by=cast.user("volunteer"), match=completed_match)
    assert exchange.community == cast.community
    assert exchange.provider == cast.members["volunteer"]
    assert exchange.match_id == completed_match.pk


def test_an_exchange_in_another_community_with_the_id_does_not_block_the_helper(
    cast, completed_match
):
    from kampung.people.models import Member

    wendy = cast.members["outsider"]
    friend = Member.objects.filter(community=cast.other).exclude(pk=wendy.pk).first()
    # Even if such a link existed in another community (old data, say)...
    Exchange.objects.create(
        community=cast.other,
        provider=wendy,
        receiver=friend,
        minutes=5,
        description="Squatter",
        match_id=completed_match.pk,
        recorded_by=cast.user("outsider"),
    )
    exchange = matching.record_in_timebank(by=cast.user("volunteer"), match=completed_match)
    assert exchange.community == cast.community
    assert exchange.provider == cast.members["volunteer"]
    assert exchange.minutes == 60


def test_a_member_here_cannot_claim_the_match_either(cast, login, completed_match, people):
    client = login(cast.user("partner"))
    me = client.get(f"/api/v1/communities/{cast.community.slug}/timebank/me").json()
    response = client.post(
        f"/api/v1/communities/{cast.community.slug}/timebank/exchanges",
        {
            "idempotency_key": key(),
            "provider": me["number"],
            "receiver": acct(people["nodevice"]).number,
            "minutes": 5,
            "description": "Squatting on a match id",
            "match_id": completed_match.pk,
        },
        content_type="application/json",
    )
    assert response.status_code in (201, 422), response.content
    exchange = matching.record_in_timebank(by=cast.user("volunteer"), match=completed_match)
    assert exchange.provider == cast.members["volunteer"] and exchange.minutes == 60
    assert actions  # the time bank's verbs stay importable beside matching's
