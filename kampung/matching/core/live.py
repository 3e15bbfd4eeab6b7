"""A CandidateIndex kept up to date as offers, profiles and places change, without
rebuilding it: a row whose words, place, times and tags are unchanged is updated in
place (capacity, asks, checks, paused); any other change takes the old row out and
keeps the new candidate beside the index, scored one by one with the reference scorer
(score.py) and the index's text model. Rankings are exact for that model; the model
itself (how rare each word is) is the one the index was built with, until the next
rebuild (``needs_rebuild`` says when one is due).

Plain Python and NumPy: no Django."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from kampung.matching.core.index import CODES, CandidateIndex, NotSuggested, static_key
from kampung.matching.core.score import (
    MIN_TEXT,
    Features,
    NeedContext,
    candidate_reach_km,
    fit_factor,
    haversine_km,
    match_order,
    score_candidate,
)
from kampung.matching.core.text import TextModel
from kampung.matching.core.types import Candidate, Exclusion, Id, Match, Need

# Beside-the-index candidates beyond which a rebuild is due (their words are not in the
# text model, and each is scored one by one).
MAX_EXTRA = 2000


class LiveIndex:
    def __init__(self, base: CandidateIndex) -> None:
        self.base = base
        self.extra: dict[Id, tuple[Candidate, Features]] = {}
        self.removed = 0
        self._kind_masks: dict[frozenset[str], NDArray[np.bool_]] = {}

    @classmethod
    def build(cls, candidates: Iterable[Candidate]) -> LiveIndex:
        return cls(CandidateIndex.build(candidates))

    @property
    def model(self) -> TextModel:
        return self.base.model

    def __len__(self) -> int:
        return int(self.base.alive.sum()) + len(self.extra)

    def needs_rebuild(self) -> bool:
        return len(self.extra) + self.removed > max(MAX_EXTRA, self.base.n // 20)

    def get(self, cid: Id) -> Candidate | None:
        if cid in self.extra:
            return self.extra[cid][0]
        r = self.base.pos.get(cid)
        if r is not None and self.base.alive[r]:
            return self.base.candidates[r]
        return None

    def ids(self) -> list[Id]:
        base = self.base
        alive = [base.candidates[r].id for r in np.flatnonzero(base.alive).tolist()]
        return alive + list(self.extra)

    def put(self, c: Candidate) -> None:
        """Add ``c``, or replace the candidate with its id."""
        base = self.base
        r = base.pos.get(c.id)
        if r is not None and base.alive[r]:
            if c.id not in self.extra and static_key(base.candidates[r]) == static_key(c):
                base.set_row(r, c)
                return
            base.remove_row(r)
            self.removed += 1
        self.extra[c.id] = (c, Features.of(c))

    def drop(self, cid: Id) -> None:
        """Take the candidate with this id out (nothing happens if there is none)."""
        self.extra.pop(cid, None)
        r = self.base.pos.get(cid)
        if r is not None and self.base.alive[r]:
            self.base.remove_row(r)
            self.removed += 1

    # --- ranking -----------------------------------------------------------------

    def _allowed(
        self, kinds: frozenset[str] | None, not_owner: Id | None
    ) -> NDArray[np.bool_] | None:
        base = self.base
        mask = None
        if kinds is not None:
            mask = self._kind_masks.get(kinds)
            if mask is None:
                mask = np.array([c.kind in kinds for c in base.candidates], bool)
                self._kind_masks[kinds] = mask
        if not_owner is not None and not_owner in base.owner_rows:
            mask = np.ones(base.n, bool) if mask is None else mask.copy()
            rows = [r for r in base.owner_rows[not_owner] if base.candidates[r].kind != "asset"]
            mask[rows] = False
        return mask

    def _extra(
        self, kinds: frozenset[str] | None, not_owner: Id | None
    ) -> Iterator[tuple[Candidate, Features]]:
        for c, f in self.extra.values():
            if kinds is not None and c.kind not in kinds:
                continue
            if not_owner is not None and c.kind != "asset" and c.owner_id == not_owner:
                continue
            yield c, f

    def context(self, need: Need, now: datetime | None = None, min_fit: float = 0.0) -> NeedContext:
        return self.base.context(need, now=now, min_fit=min_fit)

    def rank(
        self,
        ctx: NeedContext,
        k: int,
        *,
        kinds: frozenset[str] | None = None,
        not_owner: Id | None = None,
    ) -> list[Match]:
        """The k best feasible candidates, best first, as ``score.rank`` would rank the
        index's live candidates with the index's text model. ``kinds``: only candidates
        of these kinds; ``not_owner``: leave out what this person offers (not places)."""
        allowed = self._allowed(kinds, not_owner)
        matches = self.base.shortlist(ctx, k, allowed=allowed).matches
        for c, f in self._extra(kinds, not_owner):
            m = score_candidate(ctx, c, f, self.model)
            if isinstance(m, Match):
                matches.append(m)
        matches.sort(key=match_order)
        return matches[:k]

    def features(self, cid: Id) -> Features | None:
        if cid in self.extra:
            return self.extra[cid][1]
        r = self.base.pos.get(cid)
        return self.base.features[r] if r is not None and self.base.alive[r] else None

    def score(self, ctx: NeedContext, c: Candidate) -> Match | Exclusion:
        """One candidate (as read just now) scored with this index's text model."""
        return score_candidate(ctx, c, Features.of(c), self.model)

    def not_suggested(
        self,
        ctx: NeedContext,
        *,
        kinds: frozenset[str] | None = None,
        not_owner: Id | None = None,
        listed: bool = False,
    ) -> NotSuggested:
        """Who offers something relevant but is left out, and why (with ``listed``,
        each of them too: the index's rows in order, then the others)."""
        out = self.base.not_suggested(ctx, self._allowed(kinds, not_owner), listed)
        need = ctx.need
        for c, f in self._extra(kinds, not_owner):
            result = score_candidate(ctx, c, f, self.model)
            if not isinstance(result, Exclusion) or result.code not in CODES:
                continue
            if not relevant(ctx, f, self.model):
                continue
            one = NotSuggested()
            place = c.kind == "asset"
            one.counts[result.code] = (0, 1) if place else (1, 0)
            if listed:
                one.listed.append((c.id, result.code))
            if result.code == "distance":
                located = need.lat is not None and need.lng is not None
                if place and located and c.lat is not None and c.lng is not None:
                    assert need.lat is not None and need.lng is not None
                    one.nearest_far_place_km = haversine_km(need.lat, need.lng, c.lat, c.lng)
                elif not place:
                    one.far_people[candidate_reach_km(c)] = 1
            out.add(one)
        return out


def relevant(ctx: NeedContext, f: Features, model: TextModel) -> bool:
    """Whether a candidate offers something relevant at all (score.score_candidate's
    relevance gate): a skill or category fit, or enough words in common."""
    if fit_factor(ctx, f)[0] > 0.0:
        return True
    return bool(model.relevance(ctx.query, f.tf, f.dl) >= MIN_TEXT)
