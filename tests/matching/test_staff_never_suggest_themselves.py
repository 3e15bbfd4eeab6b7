"""A community developer never suggests themself as the helper (found by the attack:
a coordinator's own offer came up in the batch suggestions and was sent)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kampung.matching import actions
from kampung.matching import candidates as cand
from kampung.matching.models import Need


@pytest.fixture
def coordinators_offer(cast):
    return actions.post_offer(
        by=cast.user("coordinator"),
        community=cast.community,
        member=cast.members["coordinator"],
        kind="time",
        title="Lifts in my car to clinics",
        tags=["driving"],
        location_kind="comes_to_you",
        travel_km=10.0,
        capacity=5,
    )


def test_their_own_offer_is_not_among_the_candidates_they_see(cast, coordinators_offer):
    ids = {c.id for c in cand.candidates_for(cast.user("coordinator"), cast.community)}
    assert f"offer:{coordinators_offer.pk}" not in ids
    # A colleague may suggest them.
    ids = {c.id for c in cand.candidates_for(cast.user("admin"), cast.community)}
    assert f"offer:{coordinators_offer.pk}" in ids


def test_the_batch_never_pairs_them_with_a_request(cast, coordinators_offer):
    plan = actions.plan_allocation(by=cast.user("coordinator"), community=cast.community, min_fit=0)
    helpers = {p.candidate_id for p in plan.pairs}
    assert f"offer:{coordinators_offer.pk}" not in helpers


def test_proposing_their_own_offer_is_refused(cast, coordinators_offer):
    # A request that needs no background check: only "not for yourself" can refuse it.
    need = Need.objects.get(community=cast.community, title="Hot meals for a few days")
    with pytest.raises(ValidationError, match="yourself"):
        actions.propose_match(
            by=cast.user("coordinator"),
            need=need,
            candidate_id=f"offer:{coordinators_offer.pk}",
        )
