"""The candidates page and API rank from the community's kept index: the same ranking
as the reference scorer (every candidate read and scored one by one) on a sample of
requests, and kept up to date as offers, checks and suggestions change."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.urls import reverse

from kampung.assets.models import Tag
from kampung.matching import actions, kept
from kampung.matching import candidates as cand
from kampung.matching.models import CandidateChange, Need, Offer
from kampung.people import actions as people_actions
from kampung.people.models import Clearance, Member

TEXTS = [
    ("Help with phones", "Setting up phones, tablets and email"),
    ("Lifts to appointments", "I drive and can take you to the clinic or the shops"),
    ("A cup of tea and a chat", "Happy to visit and chat over tea"),
    ("Cooking for neighbours", "Hot meals, baking, batch cooking"),
    ("Garden tidy-ups", "Weeding, pruning and hedges"),
    ("Small repairs", "Shelves, taps, flatpack furniture"),
]


@pytest.fixture
def crowd(cast):
    """A few hundred members with offers around the community's centre."""
    community = cast.community
    rng = random.Random(5)
    members = Member.objects.bulk_create(
        [
            Member(
                community=community,
                display_name=f"Neighbour {i}",
                area_lat=community.centre_lat + rng.uniform(-0.02, 0.02),
                area_lng=community.centre_lng + rng.uniform(-0.02, 0.02),
                languages=rng.sample(["en", "zh", "ms", "ta"], rng.randrange(1, 3)),
            )
            for i in range(300)
        ]
    )
    skills = list(Tag.objects.filter(scheme="skill")[:12])
    offers = Offer.objects.bulk_create(
        [
            Offer(
                community=community,
                member=members[i % len(members)],
                kind=Offer.Kind.SKILL,
                title=(t := rng.choice(TEXTS))[0],
                description=t[1],
                location_kind="comes_to_you",
                travel_km=rng.choice([0.5, 1, 2, 5]),
                availability=[{"day": rng.randrange(7), "opens": "09:00", "closes": "12:00"}],
                capacity=rng.choice([1, 2]),
            )
            for i in range(600)
        ]
    )
    through = Offer.tags.through
    through.objects.bulk_create(
        [through(offer_id=o.pk, tag_id=rng.choice(skills).pk) for o in offers if rng.random() < 0.7]
    )
    return offers


def _needs(cast):
    return list(Need.objects.filter(community=cast.community, status=Need.Status.OPEN))


def test_the_kept_index_ranks_as_the_reference_scorer(cast, crowd):
    coordinator = cast.user("coordinator")
    needs = _needs(cast)
    assert len(needs) >= 3
    for need in needs:
        got = kept.rank_need(coordinator, need, limit=10).matches
        want, _excluded = cand.reference_rank(coordinator, need, limit=10)
        assert got == want, need.title


def test_the_page_and_the_api_show_the_reference_ranking(cast, crowd, login):
    coordinator = cast.user("coordinator")
    client = login(coordinator)
    for need in _needs(cast)[:3]:
        want, _excluded = cand.reference_rank(coordinator, need, limit=10)
        body = client.get(
            f"/api/v1/communities/{cast.community.slug}/needs/{need.pk}/candidates"
        ).json()
        assert [c["candidate_id"] for c in body["candidates"]] == [m.candidate_id for m in want]
        assert [c["total"] for c in body["candidates"]] == [m.total for m in want]
        html = client.get(reverse("need_detail", args=[cast.community.slug, need.pk])).content
        assert html.decode().count('data-testid="candidate"') == len(want)


def _fresh_state(cast):
    return {c.id: c for c in cand.read_candidates(cast.community)}


def _kept_state(cast):
    live = kept.get(cast.community).live
    return {cid: live.get(cid) for cid in live.ids()}


def test_changes_reach_the_kept_index_without_a_rebuild(cast, crowd):
    coordinator = cast.user("coordinator")
    kept.get(cast.community)  # built now
    before = kept.get(cast.community)
    volunteer = cast.members["volunteer"]
    offer = Offer.objects.get(member=volunteer)
    # Words change: the offer is re-read and kept beside the index.
    actions.change_offer(by=cast.user("volunteer"), offer=offer, description="Phones and laptops")
    # State changes: a suggestion uses up capacity; a check is recorded.
    need = next(n for n in _needs(cast) if n.member_id != volunteer.pk)
    top = kept.rank_need(coordinator, need).matches[0].candidate_id
    actions.propose_match(by=coordinator, need=need, candidate_id=top)
    people_actions.record_check(
        by=coordinator,
        member=crowd[1].member,
        level=Clearance.BASIC,
        checked_on=date.today(),
        expires_on=date.today() + timedelta(days=365),
        checked_by="DBS",
    )
    # Paused, then closed.
    actions.change_offer(by=coordinator, offer=crowd[2], status=Offer.Status.PAUSED)
    actions.change_offer(by=coordinator, offer=crowd[3], status=Offer.Status.CLOSED)
    after = kept.get(cast.community)
    assert after is before  # caught up, not rebuilt
    assert CandidateChange.objects.filter(community=cast.community).exists()
    assert _kept_state(cast) == _fresh_state(cast)
    live = after.live
    assert live.get(f"offer:{crowd[3].pk}") is None
    assert live.get(f"offer:{crowd[2].pk}").paused
    assert live.get(f"offer:{offer.pk}").text == "Phones and laptops"


def test_another_process_catches_up_from_the_change_rows(cast, crowd):
    """A second web process (its own kept index) sees what the first one changed."""
    mine = kept.build(cast.community)
    actions.change_offer(by=cast.user("coordinator"), offer=crowd[5], status=Offer.Status.PAUSED)
    kept._catch_up(cast.community, mine)
    assert mine.live.get(f"offer:{crowd[5].pk}").paused
    version = mine.version
    kept._catch_up(cast.community, mine)  # nothing new: nothing re-read
    assert mine.version == version


def test_a_change_rolled_back_leaves_no_change_row(cast, crowd):
    from django.db import transaction

    n = CandidateChange.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.change_offer(by=cast.user("coordinator"), offer=crowd[6], status="paused")
        raise RuntimeError
    assert CandidateChange.objects.count() == n


def test_an_api_page_of_those_left_out(cast, crowd, login):
    client = login(cast.user("coordinator"))
    need = _needs(cast)[0]
    url = f"/api/v1/communities/{cast.community.slug}/needs/{need.pk}/candidates"
    body = client.get(url).json()
    assert body["excluded"] == []  # only counted unless asked
    total = body["excluded_total"]
    assert total == sum(g["people"] + g["places"] for g in body["not_suggested"])
    page = client.get(url, {"excluded_limit": 5, "excluded_offset": 0}).json()["excluded"]
    assert len(page) == min(5, total)
    assert all(e["reason"] and e["code"] != "irrelevant" for e in page)
    assert client.get(url, {"excluded_limit": 101}).status_code == 422
    assert client.get(url, {"limit": 0}).status_code == 422


def test_not_ready_is_said_plainly(cast, login, settings, monkeypatch):
    """While a big community's index is first being built, the page says so and the API
    answers 503 in the one error body (never a half list)."""
    settings.KAMPUNG_MATCHING_BUILD_IN_BACKGROUND = True
    settings.KAMPUNG_MATCHING_INDEX_WAIT = 0
    import threading

    gate = threading.Event()

    def still_building(community, key):
        thread = threading.Thread(target=gate.wait, args=(5,), daemon=True)
        thread.start()
        return thread

    monkeypatch.setattr(kept, "_build_in_background", still_building)
    client = login(cast.user("coordinator"))
    need = _needs(cast)[0]
    html = client.get(reverse("need_detail", args=[cast.community.slug, need.pk])).content.decode()
    assert "still gathering everyone who could help" in html
    response = client.get(f"/api/v1/communities/{cast.community.slug}/needs/{need.pk}/candidates")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "not_ready"
    gate.set()
