"""Evaluate ranking quality on the labelled set in ``eval/``: for every need, rank the
whole fixed pool and compare with the coordinator's picks (2 ideal, 1 acceptable).

Reports precision@3 (share of the top three that were picked at all; a need with only
one right answer can score at most 1/3, so the best possible figure is printed too) and
nDCG@10 (graded gain 2^grade - 1), overall and per area.

    python -m kampung.matching.evaluate"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from pathlib import Path

from kampung.matching.core import Candidate, CandidateIndex, Need
from kampung.matching.core.synonyms import label

EVAL_DIR = Path(__file__).resolve().parent / "eval"


def load_pool(path: Path = EVAL_DIR / "pool.json") -> list[Candidate]:
    rows = json.loads(path.read_text(encoding="utf-8"))["candidates"]
    return [
        Candidate(
            id=r["id"],
            kind=r["kind"],
            owner_id=r["owner_id"],
            name=r["name"],
            categories=frozenset(r["categories"]),
            skills=frozenset(r["skills"]),
            text=r["text"],
            lat=r["lat"],
            lng=r["lng"],
            online=r["online"],
            comes_to_you=r["comes_to_you"],
            travel_km=r["travel_km"],
            availability=tuple(tuple(s) for s in r["availability"]),
            languages=frozenset(r["languages"]),
            accessibility=frozenset(r["accessibility"]),
            clearance=r["clearance"],
            capacity=r["capacity"],
            paused=r["paused"],
            consent=r["consent"],
            recent_asks=r["recent_asks"],
        )
        for r in rows
    ]


def load_needs(path: Path = EVAL_DIR / "needs.json") -> list[tuple[Need, dict[str, int]]]:
    rows = json.loads(path.read_text(encoding="utf-8"))["needs"]
    return [
        (
            Need(
                id=r["id"],
                text=r["text"],
                categories=frozenset(r["categories"]),
                lat=r["lat"],
                lng=r["lng"],
                mode=r["mode"],
                travel_km=r["travel_km"],
                times=tuple(tuple(s) for s in r["times"]),
                urgency=r["urgency"],
                languages=frozenset(r["languages"]),
                accessibility=frozenset(r["accessibility"]),
                safeguarding=r["safeguarding"],
            ),
            r["relevant"],
        )
        for r in rows
    ]


def precision_at(ranked: list, relevant: dict, k: int) -> float:
    return sum(1 for cid in ranked[:k] if relevant.get(cid, 0) > 0) / k


def ndcg_at(ranked: list, relevant: dict, k: int) -> float:
    def dcg(grades):
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))

    ideal = dcg(sorted(relevant.values(), reverse=True))
    return dcg([relevant.get(cid, 0) for cid in ranked]) / ideal if ideal else 0.0


def area(relevant: dict, pool: dict[str, Candidate]) -> str:
    """The need's area for reporting: what its first ideal pick is listed under."""
    best = min((cid for cid, g in relevant.items() if g == 2), default=min(relevant))
    c = pool[best]
    codes = sorted(c.skills) or sorted(c.categories)
    if not codes:
        return "places"
    code = codes[0]
    return label(code.split("-")[0] if code[0].isdigit() else code)


def evaluate(weights=None) -> dict:
    pool = load_pool()
    by_id = {c.id: c for c in pool}
    # Each community matches within its own register, as the site will.
    indexes = {
        prefix: CandidateIndex.build(c for c in pool if str(c.id).startswith(prefix))
        for prefix in ("sg", "uk")
    }
    rows = []
    for need, relevant in load_needs():
        index = indexes[str(need.id)[:2]]
        ranked = [m.candidate_id for m in index.rank(need, 10, weights)]
        rows.append(
            {
                "need": need.id,
                "area": area(relevant, by_id),
                "p3": precision_at(ranked, relevant, 3),
                "p3_best": min(3, sum(1 for g in relevant.values() if g > 0)) / 3,
                "ndcg10": ndcg_at(ranked, relevant, 10),
                "top3": ranked[:3],
            }
        )

    def mean(key, subset):
        return sum(r[key] for r in subset) / len(subset)

    per_area = defaultdict(list)
    for r in rows:
        per_area[r["area"]].append(r)
    return {
        "n_needs": len(rows),
        "n_pool": len(pool),
        "precision_at_3": mean("p3", rows),
        "precision_at_3_best_possible": mean("p3_best", rows),
        "ndcg_at_10": mean("ndcg10", rows),
        "per_area": {
            a: {
                "n": len(rs),
                "precision_at_3": mean("p3", rs),
                "ndcg_at_10": mean("ndcg10", rs),
            }
            for a, rs in sorted(per_area.items())
        },
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    result = evaluate()
    print(f"Matching evaluation: {result['n_needs']} needs against {result['n_pool']} offers")
    print(
        f"precision@3  {result['precision_at_3']:.3f}"
        f"  (best possible with these labels: {result['precision_at_3_best_possible']:.3f})"
    )
    print(f"nDCG@10      {result['ndcg_at_10']:.3f}")
    print()
    print(f"{'area':45} {'needs':>5} {'P@3':>6} {'nDCG@10':>8}")
    for name, r in result["per_area"].items():
        print(f"{name[:45]:45} {r['n']:>5} {r['precision_at_3']:>6.3f} {r['ndcg_at_10']:>8.3f}")
    if "-v" in argv or "--verbose" in argv:
        print()
        for r in result["rows"]:
            print(f"{r['need']:8} P@3 {r['p3']:.2f} nDCG {r['ndcg10']:.2f} top3 {r['top3']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
