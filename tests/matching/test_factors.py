"""One behaviour per factor and per hard constraint, with the words people see."""

from datetime import date, datetime

import pytest

from kampung.matching.core import Candidate, CandidateIndex, Need, rank, rank_with_exclusions
from kampung.matching.core.score import DEFAULT_WEIGHTS

HOME = (1.3530, 103.9440)  # Kampung Seri Mawar
NEAR = (1.3638, 103.9440)  # about 1.2 km north


def phone_need(**kw):
    base = dict(
        id="n1",
        text="Can someone help me with my phone?",
        lat=HOME[0],
        lng=HOME[1],
        travel_km=0.0,
    )
    return Need(**{**base, **kw})


def it_helper(id=1, **kw):
    base = dict(
        id=id,
        kind="profile",
        owner_id=f"m{id}",
        name="Ahmad",
        skills=frozenset({"it-help"}),
        text="Retired technician, happy to sort out computers.",
        lat=NEAR[0],
        lng=NEAR[1],
        travel_km=3.0,
        comes_to_you=True,
    )
    return Candidate(**{**base, **kw})


def only(need, cand):
    matches, excluded = rank_with_exclusions(need, [cand])
    return (matches[0] if matches else None), (excluded[0] if excluded else None)


def test_it_matches_everyday_words_to_a_skill():
    m, _ = only(phone_need(), it_helper())
    fit = m.factor("fit")
    assert fit.score > 0.8
    assert fit.explanation == "Offers IT and phone help — matches 'phone'"


def test_a_chosen_category_counts_fully():
    m, _ = only(phone_need(categories=frozenset({"it-help"})), it_helper())
    assert m.factor("fit").score == 1.0
    assert "the kind of help asked for" in m.factor("fit").explanation


def test_unrelated_candidates_are_not_suggested():
    gardener = it_helper(skills=frozenset({"gardening"}), text="I love plants.")
    m, ex = only(phone_need(), gardener)
    assert m is None and ex.code == "irrelevant"


def test_text_relevance_names_the_shared_words():
    need = phone_need(text="My phone screen is cracked, the phone needs fixing")
    cand = it_helper(text="I fix cracked phone screens")
    m, _ = only(need, cand)
    assert m.factor("text").score > 0.5
    assert "'phone'" in m.factor("text").explanation


def test_distance_is_explained_and_reach_is_a_hard_limit():
    m, _ = only(phone_need(), it_helper())
    assert m.factor("distance").explanation == "1.2 km away (can travel 3 km)"
    assert 0.5 < m.factor("distance").score < 0.7
    _, ex = only(phone_need(), it_helper(travel_km=1.0))
    assert ex.code == "distance"
    assert "1.2 km away" in ex.reason


def test_online_helpers_serve_online_needs_only():
    remote = it_helper(lat=None, lng=None, online=True, comes_to_you=False)
    _, ex = only(phone_need(), remote)
    assert ex.code == "online"
    m, _ = only(phone_need(mode="either"), remote)
    assert m.delivery == "online" and m.factor("distance").explanation == "Can help online"
    _, ex = only(phone_need(mode="online"), it_helper())
    assert ex.code == "online"


def test_availability_overlap():
    need = phone_need(times=((1, 14 * 60, 16 * 60),))
    m, _ = only(need, it_helper(availability=((1, 13 * 60, 17 * 60),)))
    assert m.factor("time").score == 1.0
    assert m.factor("time").explanation == "Free on Tue 14:00–16:00, when you need it"
    m, _ = only(need, it_helper(availability=((1, 15 * 60, 17 * 60),)))
    assert m.factor("time").score == 0.5
    m, _ = only(need, it_helper(availability=((3, 9 * 60, 12 * 60),)))
    assert m.factor("time").score == 0.0
    assert m.factor("time").explanation == "Not free when you need it (free Thu 09:00–12:00)"
    m, _ = only(need, it_helper())
    assert m.factor("time").explanation == "Has not said when they are free"


def test_strict_times_exclude_people_who_are_not_free():
    need = phone_need(times=((1, 14 * 60, 16 * 60),), strict_time=True)
    _, ex = only(need, it_helper(availability=((3, 9 * 60, 12 * 60),)))
    assert ex.code == "time"


def test_dated_occasions_respect_date_windows():
    tue = datetime(2026, 3, 3, 14, 0)  # a Tuesday
    need = phone_need(occasions=((tue, tue.replace(hour=15)),))
    free_tue = ((1, 13 * 60, 17 * 60),)
    m, _ = only(need, it_helper(availability=free_tue))
    assert m.factor("time").score == 1.0
    away = ((date(2026, 4, 1), date(2026, 6, 30)),)
    m, _ = only(need, it_helper(availability=free_tue, available_dates=away))
    assert m.factor("time").score == 0.0
    assert m.factor("time").explanation == "Away on the dates you need"


def test_shared_language():
    need = phone_need(languages=frozenset({"ms"}))
    m, _ = only(need, it_helper(languages=frozenset({"ms", "en"})))
    assert m.factor("language").explanation == "Both speak Malay"
    m, _ = only(need, it_helper(languages=frozenset({"zh"})))
    assert m.factor("language").score == 0.0


def test_accessibility_fit():
    need = phone_need(accessibility=frozenset({"wheelchair", "hearing_loop"}), travel_km=2)
    library = it_helper(
        kind="asset", travel_km=0, comes_to_you=False, accessibility=frozenset({"wheelchair"})
    )
    m, _ = only(need, library)
    assert m.factor("access").score == 0.5
    assert m.factor("access").explanation == "Missing a hearing loop"
    # Someone who comes to you brings no steps with them, but not a hearing loop either.
    m, _ = only(need, it_helper())
    assert m.factor("access").score == 0.5


def test_fairness_spreads_the_asks():
    fresh, _ = only(phone_need(), it_helper())
    busy, _ = only(phone_need(), it_helper(recent_asks=4))
    assert fresh.factor("fairness").score == 1.0
    assert busy.factor("fairness").score < 0.5
    assert busy.factor("fairness").explanation == (
        "Has been asked 4 times this month — spreading the asks"
    )
    assert fresh.total > busy.total


@pytest.mark.parametrize(
    "change, code",
    [
        (dict(paused=True), "paused"),
        (dict(consent=False), "consent"),
        (dict(capacity=0), "capacity"),
        (dict(clearance=1), "safeguarding"),
        (dict(owner_id="asker"), "own"),
    ],
)
def test_hard_constraints_exclude_with_a_reason(change, code):
    need = phone_need(safeguarding=2, requester_id="asker")
    assert rank(need, [it_helper(clearance=2)])
    _, ex = only(need, it_helper(**{"clearance": 2, **change}))
    assert ex.code == code and ex.reason


def test_points_add_up_and_weights_can_change():
    m, _ = only(phone_need(), it_helper())
    assert sum(round(f.points * 100) for f in m.factors) == m.total_cents
    assert [f.name for f in m.factors] == list(DEFAULT_WEIGHTS)
    heavy, _ = rank_with_exclusions(phone_need(), [it_helper()], weights={"fairness": 50})
    assert heavy[0].factor("fairness").weight == 50
    with pytest.raises(ValueError):
        rank(phone_need(), [it_helper()], weights={"charm": 1})


def test_ties_break_by_id():
    a, b = it_helper(id=2), it_helper(id=1)
    assert [m.candidate_id for m in rank(phone_need(), [a, b])] == [1, 2]
    index = CandidateIndex.build([a, b])
    assert [m.candidate_id for m in index.rank(phone_need(), k=2)] == [1, 2]
