"""The index against the plain ranking on a few hundred varied candidates spread over
a city (exercising the spatial grid, every travel bucket and the re-scoring margin)."""

import random

from kampung.matching.core import Candidate, CandidateIndex, Need, rank

SKILLS = ["it-help", "driving", "befriending", "cooking", "gardening", "diy-repairs", "sewing"]
TEXTS = [
    "phones, tablets and email",
    "lifts to the hospital or the shops",
    "a cup of tea and a chat",
    "hot meals and baking",
    "weeding, pruning and hedges",
    "shelves, taps and flatpack",
    "hemming and alterations",
]


def city(n, seed):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        k = rng.randrange(len(SKILLS))
        located = rng.random() > 0.1
        out.append(
            Candidate(
                id=i,
                owner_id=f"m{i % 50}",
                skills=frozenset({SKILLS[k]}),
                text=TEXTS[k] if rng.random() < 0.7 else TEXTS[rng.randrange(len(TEXTS))],
                lat=1.35 + rng.uniform(-0.1, 0.1) if located else None,
                lng=103.85 + rng.uniform(-0.1, 0.1) if located else None,
                online=rng.random() < 0.2,
                comes_to_you=rng.random() < 0.5,
                travel_km=rng.choice([0, 0.5, 1, 2, 3, 5, 10, 20, 40]),
                availability=((rng.randrange(7), 600, 600 + 60 * rng.randrange(1, 5)),),
                languages=frozenset(rng.sample(["en", "zh", "ms", "ta"], rng.randrange(3))),
                clearance=rng.randrange(3),
                capacity=rng.choice([None, 0, 1, 2]),
                paused=rng.random() < 0.05,
                recent_asks=rng.randrange(6),
            )
        )
    return out


def test_index_rank_equals_plain_rank_on_a_city():
    cands = city(400, 7)
    index = CandidateIndex.build(cands)
    rng = random.Random(8)
    for i in range(25):
        need = Need(
            id=i,
            text=rng.choice(TEXTS) + " please",
            lat=1.35 + rng.uniform(-0.1, 0.1),
            lng=103.85 + rng.uniform(-0.1, 0.1),
            mode=rng.choice(["in_person", "either", "online"]),
            travel_km=rng.choice([0, 1, 3]),
            times=((rng.randrange(7), 600, 720),) if rng.random() < 0.5 else (),
            languages=frozenset({rng.choice(["en", "zh", "ms"])}),
            safeguarding=rng.randrange(3),
            requester_id=f"m{rng.randrange(50)}",
        )
        for k in (1, 5, None):
            assert index.rank(need, k) == rank(need, cands, limit=k)
