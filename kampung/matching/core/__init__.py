"""The plain-Python matching core: no Django imports, so it can be tested, benchmarked
and reasoned about on its own. The Django app fills the data types in ``types`` from its
models and calls ``rank``, ``CandidateIndex`` and ``allocate``.

- types.py     the frozen data the core works on (Need, Candidate, Factor, Match, ...)
- synonyms.py  everyday phrasing -> skills and Open Eligibility codes
- text.py      tokenising, light stemming, BM25 text relevance
- score.py     hard constraints and the weighted, explained factors; ``rank``
- index.py     a columnar, vectorised index for ranking among 100,000 candidates
- allocate.py  batch allocation of many needs with capacities, and why needs stay unmet
"""

from kampung.matching.core.allocate import Allocation, Assignment, Unmet, allocate
from kampung.matching.core.index import CandidateIndex
from kampung.matching.core.score import (
    DEFAULT_MIN_FIT,
    DEFAULT_WEIGHTS,
    fit_of,
    rank,
    rank_with_exclusions,
)
from kampung.matching.core.types import (
    CLEARANCE_NAMES,
    Candidate,
    Exclusion,
    Factor,
    Match,
    Need,
)

__all__ = [
    "CLEARANCE_NAMES",
    "DEFAULT_MIN_FIT",
    "DEFAULT_WEIGHTS",
    "Allocation",
    "Assignment",
    "Candidate",
    "CandidateIndex",
    "Exclusion",
    "Factor",
    "Match",
    "Need",
    "Unmet",
    "allocate",
    "fit_of",
    "rank",
    "rank_with_exclusions",
]
