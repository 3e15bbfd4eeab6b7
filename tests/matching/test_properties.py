"""Property tests (hypothesis): hard constraints always hold, points add up to the
total, the index agrees with the plain ranking, and allocation respects capacities and
never beats its own upper bound (which is checked against a brute-force optimum)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kampung.matching.core import Candidate, CandidateIndex, Need, allocate, rank
from kampung.matching.core.score import (
    DEFAULT_WEIGHTS,
    Features,
    NeedContext,
    haversine_km,
    quick_total,
    rank_with_exclusions,
    score_candidate,
)
from kampung.matching.core.text import TextModel

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LAT, LNG = 51.3190, -0.5480
TEXTS = [
    "help with my phone and email",
    "a lift to the hospital",
    "company for my lonely mum, a cup of tea and a chat",
    "cook a hot meal",
    "tidy the garden and cut the hedge",
    "fix a shelf and a leaking tap",
    "homework help in maths",
    "translate a letter from the council",
    "haircut at home",
    "help with forms and bills",
    "music and singing",
    "nothing in particular",
]
CODES = [
    "it-help",
    "driving",
    "befriending",
    "cooking",
    "gardening",
    "diy-repairs",
    "102",
    "105-02",
]
LANGS = ["en", "ur", "pl"]

slots = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 46), st.integers(1, 8)).map(
        lambda t: (t[0], t[1] * 30, min(1440, t[1] * 30 + t[2] * 30))
    ),
    max_size=2,
).map(tuple)


@st.composite
def candidates(draw, n_max=8):
    n = draw(st.integers(1, n_max))
    out = []
    for i in range(n):
        located = draw(st.integers(0, 4)) > 0
        out.append(
            Candidate(
                id=i,
                kind=draw(st.sampled_from(["offer", "profile", "asset"])),
                owner_id=f"m{draw(st.integers(0, 5))}",
                skills=frozenset(draw(st.lists(st.sampled_from(CODES[:6]), max_size=2))),
                categories=frozenset(draw(st.lists(st.sampled_from(CODES[6:]), max_size=1))),
                text=draw(st.sampled_from(TEXTS)),
                lat=LAT + draw(st.floats(-0.02, 0.02)) if located else None,
                lng=LNG + draw(st.floats(-0.03, 0.03)) if located else None,
                online=draw(st.booleans()),
                comes_to_you=draw(st.booleans()),
                travel_km=draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 5.0])),
                availability=draw(slots),
                languages=frozenset(draw(st.lists(st.sampled_from(LANGS), max_size=2))),
                accessibility=frozenset(
                    draw(st.lists(st.sampled_from(["wheelchair", "hearing_loop"]), max_size=2))
                ),
                clearance=draw(st.integers(0, 2)),
                capacity=draw(st.one_of(st.none(), st.integers(0, 2))),
                owner_capacity=draw(st.one_of(st.none(), st.none(), st.integers(0, 2))),
                paused=draw(st.integers(0, 5)) == 0,
                consent=draw(st.integers(0, 5)) > 0,
                recent_asks=draw(st.integers(0, 8)),
            )
        )
    return out


@st.composite
def needs(draw, i=0):
    return Need(
        id=f"n{i}",
        text=draw(st.sampled_from(TEXTS)),
        categories=frozenset(draw(st.lists(st.sampled_from(CODES), max_size=1))),
        lat=LAT + draw(st.floats(-0.02, 0.02)),
        lng=LNG + draw(st.floats(-0.03, 0.03)),
        mode=draw(st.sampled_from(["in_person", "in_person", "online", "either"])),
        travel_km=draw(st.sampled_from([0.0, 1.0, 3.0])),
        times=draw(slots),
        strict_time=draw(st.booleans()),
        urgency=draw(st.integers(0, 3)),
        languages=frozenset(draw(st.lists(st.sampled_from(LANGS), max_size=1))),
        accessibility=frozenset(draw(st.lists(st.sampled_from(["wheelchair"]), max_size=1))),
        safeguarding=draw(st.integers(0, 2)),
        requester_id=draw(st.sampled_from([None, "m0", "m1"])),
    )


weights = st.fixed_dictionaries(
    {name: st.sampled_from([0.0, 1.0, 7.5, 10.0, 33.3]) for name in DEFAULT_WEIGHTS}
)


def respects_hard_constraints(need: Need, c: Candidate, delivery: str) -> bool:
    if c.paused or not c.consent or c.clearance < need.safeguarding:
        return False
    if c.capacity is not None and c.capacity <= 0:
        return False
    if c.owner_capacity is not None and c.owner_capacity <= 0:
        return False
    if need.requester_id is not None and c.owner_id == need.requester_id:
        return False
    if delivery == "online":
        return c.online and need.mode in ("online", "either")
    if need.mode == "online" or (c.lat is None and c.online and not c.comes_to_you):
        return False
    if c.lat is not None:
        reach = max(c.travel_km or (5.0 if c.comes_to_you else 0.0), need.travel_km)
        return haversine_km(need.lat, need.lng, c.lat, c.lng) <= reach
    return True


@SETTINGS
@given(need=needs(), cands=candidates(), w=weights)
def test_rank_keeps_hard_constraints_and_adds_up(need, cands, w):
    matches, excluded = rank_with_exclusions(need, cands, w)
    by_id = {c.id: c for c in cands}
    assert len(matches) + len(excluded) == len(cands)
    top = sum(round(x * 100) for x in w.values())
    for m in matches:
        assert respects_hard_constraints(need, by_id[m.candidate_id], m.delivery)
        assert sum(round(f.points * 100) for f in m.factors) == m.total_cents
        assert abs(sum(f.points for f in m.factors) - m.total) < 1e-9
        assert 0 <= m.total_cents <= top
        for f in m.factors:
            assert 0.0 <= f.score <= 1.0 and f.explanation
            assert round(f.points * 100) == round(f.weight * f.score * 100)
    keys = [(-m.total_cents, m.candidate_id) for m in matches]
    assert keys == sorted(keys)


@SETTINGS
@given(need=needs(), cands=candidates(n_max=12), k=st.sampled_from([None, 1, 3]))
def test_index_agrees_with_plain_rank(need, cands, k):
    expected = rank(need, cands, limit=k)
    got = CandidateIndex.build(cands).rank(need, k)
    assert got == expected


@SETTINGS
@given(need=needs(), cands=candidates())
def test_quick_totals_equal_explained_totals(need, cands):
    feats = [Features.of(c) for c in cands]
    model = TextModel.of_counts((f.tf, f.dl) for f in feats)
    ctx = NeedContext.of(need, model)
    for c, f in zip(cands, feats, strict=True):
        full = score_candidate(ctx, c, f, model)
        quick = quick_total(ctx, c, f, model)
        assert quick == (full.total_cents if hasattr(full, "total_cents") else None)


def owner_limits(cands) -> dict:
    """Each owner's limit: the smallest owner_capacity among its candidates."""
    out: dict = {}
    for c in cands:
        if c.owner_capacity is not None:
            out[c.owner_id] = min(out.get(c.owner_id, c.owner_capacity), c.owner_capacity)
    return out


def brute_force_optimum(need_list, cands) -> float:
    """Best urgency-weighted fit over every feasible assignment (tiny inputs only)."""
    from kampung.matching.core.allocate import priority

    options = []
    for need in need_list:
        ms = rank(need, cands)
        options.append([None] + [(m.candidate_id, priority(need) * m.total_cents) for m in ms])
    caps = {c.id: c.capacity for c in cands}
    owner_of = {c.id: c.owner_id for c in cands}
    owner_caps = owner_limits(cands)
    best = 0.0
    for combo in itertools.product(*options):
        used: dict = {}
        by_owner: dict = {}
        value = 0.0
        for pick in combo:
            if pick is not None:
                used[pick[0]] = used.get(pick[0], 0) + 1
                o = owner_of[pick[0]]
                by_owner[o] = by_owner.get(o, 0) + 1
                value += pick[1]
        if all(caps[c] is None or n <= caps[c] for c, n in used.items()) and all(
            o not in owner_caps or n <= owner_caps[o] for o, n in by_owner.items()
        ):
            best = max(best, value)
    return best / 100


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    need_list=st.lists(needs(), min_size=1, max_size=4).map(
        lambda ns: [Need(**{**n.__dict__, "id": f"n{i}"}) for i, n in enumerate(ns)]
    ),
    cands=candidates(n_max=5),
    top_k=st.sampled_from([1, 2, 10]),
)
def test_allocation_respects_capacity_and_its_bound(need_list, cands, top_k):
    result = allocate(need_list, cands, top_k=top_k)
    by_id = {c.id: c for c in cands}
    needs_by_id = {n.id: n for n in need_list}
    used: dict = {}
    assert len({a.need_id for a in result.assignments}) == len(result.assignments)
    for a in result.assignments:
        c = by_id[a.match.candidate_id]
        assert respects_hard_constraints(needs_by_id[a.need_id], c, a.match.delivery)
        used[c.id] = used.get(c.id, 0) + 1
    by_owner: dict = {}
    for cid in used:
        by_owner[by_id[cid].owner_id] = by_owner.get(by_id[cid].owner_id, 0) + used[cid]
    limits = owner_limits(cands)
    for owner, n in by_owner.items():
        assert owner not in limits or n <= limits[owner]
    for cid, n in used.items():
        assert by_id[cid].capacity is None or n <= by_id[cid].capacity
        if by_id[cid].capacity is not None:
            assert result.remaining[cid] == by_id[cid].capacity - n
    assert {u.need_id for u in result.unmet} | {a.need_id for a in result.assignments} == set(
        needs_by_id
    )
    assert all(u.reason for u in result.unmet)
    optimum = brute_force_optimum(need_list, cands)
    assert result.objective <= optimum + 1e-6
    assert optimum <= result.upper_bound + 1e-6
    if top_k >= len(cands):
        assert abs(result.objective - optimum) < 1e-6
        assert abs(result.total_fit - sum(a.match.total for a in result.assignments)) < 1e-6
