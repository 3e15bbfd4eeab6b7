"""Why someone or somewhere is too far, in plain words: never a "0 km" limit that nobody
chose (a place stays put, and a request says nothing about travelling)."""

from __future__ import annotations

import re

from django.urls import reverse

from kampung.matching import candidates as cand
from kampung.matching.core import Candidate, Need, rank_with_exclusions
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
    places do not travel and the request says nothing about travelling."""
    need = NeedRow.objects.get(community=cast.community, member=cast.members["resident"])
    _ranked, excluded = cand.rank_need(cast.user("coordinator"), need)
    reasons = [e.reason for e in excluded if e.code == "distance"]
    assert reasons and not any("(0 km)" in r or "either side" in r for r in reasons)
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
            r"the person asking|(people|person) (is|are) more than \d+(\.\d)? km away, "
            r"further than they can travel)",
            sentence,
        ), sentence


def test_a_place_a_few_metres_away_is_not_more_than_0_km(cast):
    need = NeedRow.objects.get(community=cast.community, member=cast.members["resident"])
    place = Candidate(id="asset:1", kind="asset", skills=frozenset({"it-help"}),
                      lat=need.lat + 0.0002, lng=need.lng)  # fmt: skip
    _m, excluded = rank_with_exclusions(cand.need_to_core(need), [place])
    sentences = cand.not_suggested_sentences(need, excluded, {"asset:1": place})
    assert sentences == [
        "1 place is not where the person asking is, and places cannot come to them"
    ]
