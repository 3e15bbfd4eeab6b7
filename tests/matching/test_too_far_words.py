"""Why someone or somewhere is too far, in plain words: never a "0 km" limit that nobody
chose (a place stays put, and a request says nothing about travelling)."""

from __future__ import annotations

import re

from django.urls import reverse

from kampung.matching import candidates as cand
from kampung.matching.core import Candidate, Exclusion, Need, rank_with_exclusions
from kampung.matching.models import Need as NeedRow

HERE = (1.35, 103.85)
ONE_KM_NORTH = (1.35 + 1.2 / 111.32, 103.85)


def _reason(candidate, need=None):
    need = need or Need(id=1, text="Help with my phone", lat=HERE[0], lng=HERE[1])
    _m, excluded = rank_with_exclusions(need, [candidate])
    assert excluded and excluded[0].code == "distance"
    return excluded[0].reason


def test_a_place_that_stays_put_says_so():
    place = Candidate(id="p", kind="asset", name="Phone clinic", skills=frozenset({"it-help"}),
                      lat=ONE_KM_NORTH[0], lng=ONE_KM_NORTH[1])  # fmt: skip
    reason = _reason(place)
    assert reason == "1.2 km away, and a place cannot come to the person asking"
    assert "0 km" not in reason


def test_a_person_who_travels_says_how_far():
    person = Candidate(id="v", kind="profile", skills=frozenset({"it-help"}), travel_km=0.5,
                       lat=ONE_KM_NORTH[0], lng=ONE_KM_NORTH[1])  # fmt: skip
    assert _reason(person) == "1.2 km away, more than the 0.5 km they can travel"
    asker_goes = Need(id=1, text="Help with my phone", lat=HERE[0], lng=HERE[1], travel_km=1.0)
    assert _reason(person, asker_goes) == (
        "1.2 km away, more than the 1 km the person asking can go"
    )


def test_the_request_page_never_says_0_km(client, cast):
    """The resident's request is at their own area: every place is 'too far' since
    places do not travel and the request says nothing about travelling. (The page counts
    only those who offer something relevant: the lift request has people too far.)"""
    need = NeedRow.objects.get(community=cast.community, member=cast.members["resident"])
    _ranked, excluded = cand.reference_rank(cast.user("coordinator"), need)
    reasons = [e.reason for e in excluded if e.code == "distance"]
    assert reasons and not any("(0 km)" in r or "either side" in r for r in reasons)
    need = NeedRow.objects.get(community=cast.community, title="A lift to the eye clinic")
    client.force_login(cast.user("coordinator"))
    html = client.get(reverse("need_detail", args=[cast.community.slug, need.pk])).content.decode()
    summary = html.split("Not suggested, and why", 1)[1].split("</details>", 1)[0]
    items = [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", summary)]
    far = [i for i in items if "away" in i or "where the person asking is" in i]
    assert far, items
    for sentence in far:
        assert not re.search(r"\b0 km|\(0|candidates", sentence), sentence
        assert re.fullmatch(
            r"\d+ (places? (is|are) more than \d+(\.\d)? km away, and places cannot come to "
            r"the person asking|places? (is|are) not where the person asking is, and places "
            r"cannot come to them|(people|person) (is|are) too far for them to travel to "
            r"\(they said up to \d+(\.\d)? km\))",
            sentence,
        ), sentence


def test_a_place_a_few_metres_away_is_not_more_than_0_km(cast):
    need = NeedRow.objects.get(community=cast.community, member=cast.members["resident"])
    place = Candidate(id="asset:1", kind="asset", skills=frozenset({"it-help"}),
                      lat=need.lat + 0.0002, lng=need.lng)  # fmt: skip
    _m, excluded = rank_with_exclusions(cand.need_to_core(need), [place])
    sentences = cand.not_suggested_sentences(
        need, cand.summary_of(need, excluded, {"asset:1": place})
    )
    assert sentences == [
        "1 place is not where the person asking is, and places cannot come to them"
    ]


def test_a_nearby_place_does_not_set_the_people_s_limit(cast):
    """The demo walk: "80 people and places are more than 0.1 km away, further than
    they can travel" — the 0.1 km was the nearest *place* (places never travel),
    grouped with people who said they go up to 2 km. Each says its own limit."""
    need = NeedRow.objects.get(community=cast.community, title="A lift to the eye clinic")
    _ranked, excluded = cand.reference_rank(cast.user("coordinator"), need)
    by_id = {c.id: c for c in cand.candidates_for(cast.user("coordinator"), cast.community)}
    sentences = cand.not_suggested_sentences(need, cand.summary_of(need, excluded, by_id))
    far = [s for s in sentences if "away" in s or "travel" in s or "where the" in s]
    assert far, sentences
    assert not any("people and places" in s for s in far), far
    assert not any("0.1 km" in s for s in far if "place" not in s), far
    assert any(re.fullmatch(r"\d+ people are too far for them to travel to \(they said up to "
                            r"2 km\)", s) for s in far), far  # fmt: skip


def test_people_are_grouped_by_how_far_they_said_they_go():
    need = NeedRow(lat=HERE[0], lng=HERE[1])
    cands = {
        "asset:1": Candidate(id="asset:1", kind="asset", lat=HERE[0] + 0.001, lng=HERE[1]),
        "p:1": Candidate(id="p:1", kind="profile", lat=HERE[0] + 0.05, lng=HERE[1],
                         travel_km=2.0, comes_to_you=True),
        "p:2": Candidate(id="p:2", kind="profile", lat=HERE[0] + 0.06, lng=HERE[1],
                         travel_km=2.0, comes_to_you=True),
        "p:3": Candidate(id="p:3", kind="offer", lat=HERE[0] + 0.06, lng=HERE[1],
                         travel_km=0.5),
        "p:4": Candidate(id="p:4", kind="offer", lat=HERE[0] + 0.06, lng=HERE[1]),
    }  # fmt: skip
    excluded = [Exclusion(cid, "distance", "") for cid in cands]
    assert cand.not_suggested_sentences(need, cand.summary_of(need, excluded, cands)) == [
        "1 place is more than 0.1 km away, and places cannot come to the person asking",
        "1 person is too far for them to travel to (they said up to 0.5 km)",
        "2 people are too far for them to travel to (they said up to 2 km)",
        "1 person only helps at their own place, too far for the person asking",
    ]
