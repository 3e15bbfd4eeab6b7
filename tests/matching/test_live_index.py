"""The kept index (core.live.LiveIndex) against the reference scorer: its ranking after
offers change (in place, taken out, added), and its summary of who is left out and why
(the same as grouping score.py's exclusions of relevant candidates)."""

import dataclasses
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kampung.matching.core import Need, rank
from kampung.matching.core.index import NotSuggested
from kampung.matching.core.live import LiveIndex, relevant
from kampung.matching.core.score import (
    Features,
    candidate_reach_km,
    haversine_km,
    match_order,
    score_candidate,
)
from kampung.matching.core.types import Exclusion, Match

from .test_index_at_scale import TEXTS, city

ACCESS = ["step_free", "wheelchair", "hearing_loop", "quiet_space"]


def varied(n, seed):
    rng = random.Random(seed)
    out = []
    for c in city(n, seed):
        out.append(
            dataclasses.replace(
                c,
                kind=rng.choice(["offer", "offer", "profile", "asset"]),
                accessibility=frozenset(rng.sample(ACCESS, rng.randrange(3))),
                consent=rng.random() > 0.05,
                owner_capacity=rng.choice([None, None, 0, 1]),
            )
        )
    return out


def needs(seed, count=20):
    rng = random.Random(seed)
    for i in range(count):
        yield Need(
            id=i,
            text=rng.choice(TEXTS) + " please",
            lat=1.35 + rng.uniform(-0.1, 0.1) if rng.random() > 0.1 else None,
            lng=103.85 + rng.uniform(-0.1, 0.1),
            mode=rng.choice(["in_person", "either", "online"]),
            travel_km=rng.choice([0, 1, 3]),
            times=((rng.randrange(7), 600, 720),) if rng.random() < 0.5 else (),
            strict_time=rng.random() < 0.3,
            languages=frozenset({rng.choice(["en", "zh", "ms"])}),
            accessibility=frozenset(rng.sample(ACCESS, rng.randrange(3))),
            safeguarding=rng.randrange(3),
            requester_id=f"m{rng.randrange(50)}",
        )


def reference_summary(ctx, pool, model) -> NotSuggested:
    """Group score.py's exclusions of the relevant candidates, by hand."""
    need = ctx.need
    out = NotSuggested()
    for c in pool:
        f = Features.of(c)
        result = score_candidate(ctx, c, f, model)
        if not isinstance(result, Exclusion) or result.code == "irrelevant":
            continue
        if not relevant(ctx, f, model):
            continue
        place = c.kind == "asset"
        people, places = out.counts.get(result.code, (0, 0))
        out.counts[result.code] = (people + (not place), places + place)
        if result.code == "distance":
            if place:
                d = haversine_km(need.lat, need.lng, c.lat, c.lng)
                near = out.nearest_far_place_km
                out.nearest_far_place_km = d if near is None else min(near, d)
            else:
                reach = candidate_reach_km(c)
                out.far_people[reach] = out.far_people.get(reach, 0) + 1
    return out


def reference_rank(ctx, pool, model, k):
    ms = [m for c in pool if isinstance(m := score_candidate(ctx, c, Features.of(c), model), Match)]
    return sorted(ms, key=match_order)[:k]


def same_summary(a: NotSuggested, b: NotSuggested):
    assert a.counts == b.counts
    assert a.far_people == b.far_people
    if a.nearest_far_place_km is None or b.nearest_far_place_km is None:
        assert a.nearest_far_place_km == b.nearest_far_place_km
    else:
        assert math.isclose(a.nearest_far_place_km, b.nearest_far_place_km, rel_tol=1e-9)


def test_fresh_index_ranks_and_summarises_as_the_reference():
    cands = varied(400, 3)
    live = LiveIndex.build(cands)
    seen_codes = set()
    for need in needs(4, 40):
        ctx = live.context(need)
        for k in (1, 10):
            assert live.rank(ctx, k) == rank(need, cands, limit=k)
        got = live.not_suggested(ctx)
        same_summary(got, reference_summary(ctx, cands, live.model))
        seen_codes |= set(got.counts)
    # The sample exercises most rules.
    assert {"own", "capacity", "safeguarding", "distance", "online"} <= seen_codes


def test_only_some_kinds_and_not_the_viewer():
    cands = varied(300, 5)
    live = LiveIndex.build(cands)
    for need in needs(6, 15):
        ctx = live.context(need)
        places = [c for c in cands if c.kind == "asset"]
        got = live.rank(ctx, 5, kinds=frozenset({"asset"}))
        assert got == reference_rank(ctx, places, live.model, 5)
        # Leaving the viewer out: what they offer goes, places they look after stay.
        pool = [c for c in cands if c.kind == "asset" or c.owner_id != "m7"]
        got = live.rank(ctx, 10, not_owner="m7")
        assert got == reference_rank(ctx, pool, live.model, 10)
        same_summary(
            live.not_suggested(ctx, not_owner="m7"), reference_summary(ctx, pool, live.model)
        )


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    changes=st.lists(
        st.tuples(
            st.sampled_from(["state", "words", "move", "drop", "new"]), st.integers(0, 10**6)
        ),
        max_size=30,
    ),
)
def test_after_changes_the_kept_index_ranks_its_live_candidates_exactly(seed, changes):
    cands = {c.id: c for c in varied(150, seed)}
    live = LiveIndex.build(cands.values())
    rng = random.Random(seed)
    next_id = 10_000
    for what, pick in changes:
        ids = sorted(cands)
        cid = ids[pick % len(ids)] if ids else None
        if what == "new" or cid is None:
            c = dataclasses.replace(rng.choice(varied(5, pick)), id=next_id)
            next_id += 1
        elif what == "drop":
            live.drop(cid)
            del cands[cid]
            continue
        elif what == "state":
            c = dataclasses.replace(
                cands[cid],
                capacity=rng.choice([None, 0, 1, 3]),
                recent_asks=rng.randrange(8),
                clearance=rng.randrange(3),
                paused=rng.random() < 0.2,
            )
        elif what == "words":
            c = dataclasses.replace(cands[cid], text=rng.choice(TEXTS))
        else:
            c = dataclasses.replace(cands[cid], lat=1.35 + rng.uniform(-0.1, 0.1))
        live.put(c)
        cands[c.id] = c
    pool = list(cands.values())
    assert sorted(map(str, live.ids())) == sorted(map(str, cands))
    for need in needs(seed + 1, 6):
        ctx = live.context(need)
        assert live.rank(ctx, 10) == reference_rank(ctx, pool, live.model, 10)
        same_summary(live.not_suggested(ctx), reference_summary(ctx, pool, live.model))


def test_state_changes_keep_the_index_exactly_the_reference():
    """Capacity, asks, checks and pauses change in place: the text model is untouched,
    so the ranking is exactly score.rank's over the new candidates."""
    cands = varied(200, 11)
    live = LiveIndex.build(cands)
    rng = random.Random(12)
    for i in rng.sample(range(len(cands)), 60):
        cands[i] = dataclasses.replace(cands[i], capacity=rng.choice([0, 2]), recent_asks=5)
        live.put(cands[i])
    assert not live.extra
    for need in needs(13, 10):
        assert live.rank(live.context(need), 10) == rank(need, cands, limit=10)


def test_a_rebuild_is_due_after_many_changes():
    cands = varied(100, 1)
    live = LiveIndex.build(cands)
    assert not live.needs_rebuild()
    for i in range(2100):
        live.put(dataclasses.replace(cands[0], id=50_000 + i))
    assert live.needs_rebuild()


def test_set_row_refuses_a_change_of_words():
    cands = varied(10, 1)
    live = LiveIndex.build(cands)
    with pytest.raises(ValueError):
        live.base.set_row(0, dataclasses.replace(cands[0], text="something else"))
