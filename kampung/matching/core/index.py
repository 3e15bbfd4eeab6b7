"""A columnar index over many candidates so that ranking one need is a handful of
NumPy operations: positions as unit vectors (distance by dot product), availability as
336-bit masks, languages and accessibility as bitsets, categories as shared
"signatures" (most candidates share their set of codes), and an inverted index for BM25.

The vectorised scores are *estimates* used to shortlist; every candidate that could be
in the top k is then scored by ``score.score_candidate`` — the same function the plain
``rank`` uses — so the index returns exactly what ``rank`` would (tests check this).
Hard constraints are applied conservatively here and exactly in the re-scoring."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import overload

import numpy as np
from numpy.typing import NDArray

from kampung.matching.core import when
from kampung.matching.core.score import (
    EARTH_KM,
    FACTORS,
    HALF_ASKS,
    HALF_KM,
    MIN_FIT,
    MIN_TEXT,
    MUST_HAVE_ACCESS,
    VENUE_FEATURES,
    CodeKey,
    Features,
    NeedContext,
    available_bits,
    candidate_reach_km,
    id_key,
    quick_total,
    score_candidate,
)
from kampung.matching.core.text import TextModel
from kampung.matching.core.types import Candidate, Id, Match, Need

# How far an estimate may fall below the exact total. Fit, text, time, language, access
# and fairness are computed with the same floats in the same order as score.py; only
# distance (chord and arcsin here, haversine there) can differ in the last bits, which
# can flip one factor's rounding by a cent. Estimates for candidates with date windows
# are upper bounds. Anything within EPS of the cut-off is re-scored exactly.
EPS_CENTS = 2
# Travel-distance buckets (km) for the spatial grid; farther travellers are checked
# one by one. Places (0 km) use cells of MIN_CELL_KM.
REACH_BUCKETS = (0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 25.0)
MIN_CELL_KM = 1.0
FIT_CACHE = 256  # signature-fit arrays kept (one per distinct set of need codes)
N_WORDS = (when.N_SLOTS + 63) // 64


@overload
def _chord2(km: float) -> float: ...
@overload
def _chord2(km: NDArray[np.float64]) -> NDArray[np.float64]: ...
def _chord2(km: NDArray[np.float64] | float) -> NDArray[np.float64] | float:
    half_angle = np.minimum(np.asarray(km, dtype=np.float64) / (2 * EARTH_KM), np.pi / 2)
    return (2 * np.sin(half_angle)) ** 2


def _xyz(lat: float, lng: float) -> tuple[float, float, float]:
    p, lam = math.radians(lat), math.radians(lng)
    return (math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p))


@dataclass
class Shortlist:
    matches: list[Match]  # exact, best first
    outside_bound_cents: int  # no feasible candidate left out scores more than this
    n_feasible: int  # candidates passing the (conservative) filters and relevance gate
    scored: list[tuple[int, int]]  # (total cents, row) of the top k, best first


# Why relevant candidates are left out, in score.py's order of checks.
CODES = (
    "own", "consent", "paused", "capacity", "safeguarding", "online", "distance", "access",
    "time", "poor_fit",
)  # fmt: skip


@dataclass
class NotSuggested:
    """Who offers something relevant but is left out, and why."""

    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # code -> (people, places)
    nearest_far_place_km: float | None = None  # the nearest of the places too far away
    far_people: dict[float, int] = field(default_factory=dict)  # reach (km) -> people too far
    # Each one left out, (candidate id, code), when asked for (``listed=True``).
    listed: list[tuple[Id, str]] = field(default_factory=list)

    def add(self, other: NotSuggested) -> None:
        for code, (people, places) in other.counts.items():
            p0, q0 = self.counts.get(code, (0, 0))
            self.counts[code] = (p0 + people, q0 + places)
        if other.nearest_far_place_km is not None:
            mine = self.nearest_far_place_km
            theirs = other.nearest_far_place_km
            self.nearest_far_place_km = theirs if mine is None else min(mine, theirs)
        for reach, n in other.far_people.items():
            self.far_people[reach] = self.far_people.get(reach, 0) + n
        self.listed.extend(other.listed)


def static_key(c: Candidate) -> tuple[object, ...]:
    """What an index row is built from, apart from the state that changes as people are
    asked (capacity, asks, checks, paused, consent): a row whose key is unchanged can be
    updated in place."""
    return (
        c.id, c.kind, c.owner_id, c.name, c.categories, c.skills, c.text, c.lat, c.lng,
        c.online, c.comes_to_you, c.travel_km, c.availability, c.available_dates,
        c.languages, c.accessibility,
    )  # fmt: skip


def _haversine(
    lat: float, lng: float, lats: NDArray[np.float64], lngs: NDArray[np.float64]
) -> NDArray[np.float64]:
    """score.haversine_km for many points, in the same steps."""
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lngs - lng)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: NDArray[np.float64] = 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return out


# A category signature: its (code, certainty) pairs, sorted.
Signature = tuple[tuple[str, float], ...]


class CandidateIndex:
    # Filled by build(): one entry per candidate (row) unless said otherwise.
    candidates: list[Candidate]
    n: int
    features: list[Features]
    model: TextModel
    pos: dict[Id, int]  # candidate id -> row
    xyz: NDArray[np.float64]  # (n, 3) unit vectors, zero where not located
    has_loc: NDArray[np.bool_]
    lat: NDArray[np.float64]
    lng: NDArray[np.float64]
    px: NDArray[np.float64]
    py: NDArray[np.float64]
    pz: NDArray[np.float64]
    reach: NDArray[np.float64]  # km
    reach_c2: NDArray[np.float64]  # reach as a squared chord of the unit sphere
    online: NDArray[np.bool_]
    online_only: NDArray[np.bool_]
    comes: NDArray[np.bool_]
    base_ok: NDArray[np.bool_]
    consent: NDArray[np.bool_]
    paused: NDArray[np.bool_]
    cap_ok: NDArray[np.bool_]
    alive: NDArray[np.bool_]  # False for a row taken out (see remove_row)
    is_place: NDArray[np.bool_]
    has_dates: NDArray[np.bool_]
    clearance: NDArray[np.int64]
    elig_level: NDArray[np.int64]
    fair: NDArray[np.float64]
    owner_rows: dict[Id, list[int]]
    lang_bit: dict[str, int]
    lang: NDArray[np.uint64]
    has_lang: NDArray[np.bool_]
    acc_bit: dict[str, int]
    acc: NDArray[np.uint64]
    venue_bits: np.uint64
    transport: NDArray[np.bool_]
    mask_words: NDArray[np.uint64]  # (n, N_WORDS)
    has_mask: NDArray[np.bool_]
    code_ids: dict[str, int]
    sig_of: NDArray[np.int64]  # row -> signature
    sig_pad_codes: NDArray[np.int64]  # (width, signatures)
    sig_pad_cert: NDArray[np.float64]  # (width, signatures)
    # code id -> (the signatures holding it, its certainty in each): a need's fit then
    # touches only the signatures that share one of its codes.
    code_sigs: list[tuple[NDArray[np.int64], NDArray[np.float64]]]
    n_sigs: int
    postings: dict[str, tuple[NDArray[np.int64], NDArray[np.float64]]]
    _scratch: NDArray[np.float64]
    _fit_cache: dict[CodeKey, NDArray[np.float64]]
    # The spatial grid (_build_grid).
    cos_ref: float
    unbounded_rows: NDArray[np.intp]
    grid_rows: NDArray[np.intp]
    grid: dict[tuple[int, int, int], tuple[int, int]]
    unlocated_rows: NDArray[np.intp]
    online_rows: NDArray[np.intp]

    def __init__(self) -> None:  # use build()
        self.candidates: list[Candidate] = []

    @classmethod
    def build(cls, candidates: Iterable[Candidate]) -> CandidateIndex:
        self = cls()
        cands = self.candidates = list(candidates)
        n = self.n = len(cands)
        # Candidates with the same words, tags and hours share one Features (read-only):
        # a community's offers often repeat ("Help with shopping"), and reading the
        # words is most of the build.
        memo: dict[tuple[object, ...], Features] = {}
        feats = self.features = []
        for c in cands:
            same = (c.name, c.text, c.skills, c.categories, c.availability)
            f = memo.get(same)
            if f is None:
                f = memo[same] = Features.of(c)
            feats.append(f)
        self.model = TextModel.of_counts((f.tf, f.dl) for f in feats)
        self.pos = {}
        for i, c in enumerate(cands):
            if c.id in self.pos:
                raise ValueError(f"duplicate candidate id {c.id!r}")
            self.pos[c.id] = i

        xyz = np.zeros((n, 3))
        has_loc = np.zeros(n, bool)
        for i, c in enumerate(cands):
            if c.lat is not None and c.lng is not None:
                xyz[i] = _xyz(c.lat, c.lng)
                has_loc[i] = True
        self.xyz, self.has_loc = xyz, has_loc
        self.lat = np.array([c.lat if c.lat is not None else np.nan for c in cands], float)
        self.lng = np.array([c.lng if c.lng is not None else np.nan for c in cands], float)
        # Separate columns gather faster than rows of a 2-D array.
        self.px, self.py, self.pz = (np.ascontiguousarray(xyz[:, k]) for k in range(3))
        self.reach = np.array([candidate_reach_km(c) for c in cands], dtype=np.float64)
        self.reach_c2 = _chord2(self.reach)
        self.online = np.array([c.online for c in cands], bool)
        comes = np.array([c.comes_to_you for c in cands], bool)
        self.online_only = self.online & ~has_loc & ~comes
        self.comes = comes
        self._build_grid(cands)
        self.base_ok = np.array(
            [
                c.consent
                and not c.paused
                and (c.capacity is None or c.capacity > 0)
                and (c.owner_capacity is None or c.owner_capacity > 0)
                for c in cands
            ],
            bool,
        )
        self.consent = np.array([c.consent for c in cands], bool)
        self.paused = np.array([c.paused for c in cands], bool)
        self.cap_ok = np.array(
            [
                (c.capacity is None or c.capacity > 0)
                and (c.owner_capacity is None or c.owner_capacity > 0)
                for c in cands
            ],
            bool,
        )
        self.alive = np.ones(n, bool)
        self.is_place = np.array([c.kind == "asset" for c in cands], bool)
        self.has_dates = np.array([bool(c.available_dates) for c in cands], bool)
        self.clearance = np.array([c.clearance for c in cands], dtype=np.int64)
        # -1 for candidates that may never be suggested (paused, no consent, full).
        self.elig_level = np.where(self.base_ok, self.clearance, -1)
        self.fair = 1.0 / (1.0 + np.array([max(0, c.recent_asks) for c in cands]) / HALF_ASKS)
        self.owner_rows = {}
        for i, c in enumerate(cands):
            if c.owner_id is not None:
                self.owner_rows.setdefault(c.owner_id, []).append(i)

        langs = sorted({x for c in cands for x in c.languages})
        self.lang_bit = {x: 1 << k for k, x in enumerate(langs[:63])}
        self.lang = np.array(
            [sum(self.lang_bit.get(x, 0) for x in c.languages) for c in cands], dtype=np.uint64
        )
        self.has_lang = np.array([bool(c.languages) for c in cands], bool)
        access = sorted({a for c in cands for a in c.accessibility} | VENUE_FEATURES)
        self.acc_bit = {a: 1 << k for k, a in enumerate(access[:63])}
        self.acc = np.array(
            [sum(self.acc_bit.get(a, 0) for a in c.accessibility) for c in cands], dtype=np.uint64
        )
        self.venue_bits = np.uint64(sum(self.acc_bit[a] for a in VENUE_FEATURES))
        self.transport = np.array([f.transport for f in feats], bool)

        words = np.zeros((n, N_WORDS), dtype=np.uint64)
        for i, f in enumerate(feats):
            if f.mask:
                words[i] = when.to_words(f.mask)
        self.mask_words = words
        self.has_mask = np.array([bool(f.mask) for f in feats], bool)

        # Category signatures: candidates sharing the same (code, certainty) set.
        code_ids: dict[str, int] = {}
        sig_ids: dict[Signature, int] = {}
        sig_of = np.zeros(n, dtype=np.int64)
        sig_codes: list[int] = []
        sig_cert: list[float] = []
        indptr = [0]
        for i, f in enumerate(feats):
            key = tuple(sorted((code, cert) for code, (cert, _p) in f.codes.items()))
            s = sig_ids.get(key)
            if s is None:
                s = sig_ids[key] = len(sig_ids)
                for code, cert in key:
                    sig_codes.append(code_ids.setdefault(code, len(code_ids)))
                    sig_cert.append(cert)
                sig_codes.append(-1)  # a zero entry so that no segment is empty
                sig_cert.append(0.0)
                indptr.append(len(sig_codes))
            sig_of[i] = s
        self.code_ids = code_ids
        self.sig_of = sig_of
        # Padded to the longest signature (the padding points at the 0 sentinel, the
        # last slot of a need's score vector), so a fit is one gather and one max.
        lengths = np.diff(np.array(indptr))
        width = int(lengths.max()) if len(lengths) else 1
        pad_codes = np.full((len(lengths), width), -1, dtype=np.int64)
        pad_cert = np.zeros((len(lengths), width))
        for s_i, (a, b) in enumerate(zip(indptr[:-1], indptr[1:], strict=True)):
            pad_codes[s_i, : b - a] = sig_codes[a:b]
            pad_cert[s_i, : b - a] = sig_cert[a:b]
        # Stored position-major: the max then runs across a few long rows (fast).
        self.sig_pad_codes = np.ascontiguousarray(pad_codes.T)
        self.sig_pad_cert = np.ascontiguousarray(pad_cert.T)
        self.n_sigs = len(lengths)
        flat_codes = np.array(sig_codes, dtype=np.int64)
        flat_cert = np.array(sig_cert, dtype=np.float64)
        flat_sig = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        by_code = np.argsort(flat_codes, kind="stable")
        flat_codes, flat_cert, flat_sig = flat_codes[by_code], flat_cert[by_code], flat_sig[by_code]
        bounds = np.searchsorted(flat_codes, np.arange(len(code_ids) + 1), side="left")
        self.code_sigs = [
            (flat_sig[a:b], flat_cert[a:b])
            for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
        ]

        # Inverted index: term -> (rows, BM25 term weight in that row).
        rows: dict[str, list[int]] = {}
        vals: dict[str, list[float]] = {}
        model = self.model
        for i, f in enumerate(feats):
            dl = f.dl
            for t, tf in f.tf.items():
                rows.setdefault(t, []).append(i)
                vals.setdefault(t, []).append(model.term_weight(tf, dl))
        self.postings = {
            t: (np.array(rows[t], dtype=np.int64), np.array(vals[t], dtype=np.float64))
            for t in rows
        }
        self._scratch = np.zeros(n)
        self._fit_cache = {}
        return self

    # --- spatial grid ---------------------------------------------------------------

    def _build_grid(self, cands: list[Candidate]) -> None:
        """Located candidates bucketed by how far they travel, each bucket on a grid of
        cells as wide as its travel distance, so one need looks at a few cells only."""
        located = np.flatnonzero(self.has_loc)
        lats = np.array([cands[i].lat for i in located], dtype=np.float64)
        lngs = np.array([cands[i].lng for i in located], dtype=np.float64)
        ref = min(80.0, float(np.abs(lats).max())) if len(lats) else 0.0
        self.cos_ref = math.cos(math.radians(ref))
        bucket = np.searchsorted(np.array(REACH_BUCKETS), self.reach[located], side="left")
        self.unbounded_rows = located[bucket >= len(REACH_BUCKETS)]
        keep = bucket < len(REACH_BUCKETS)
        located, lats, lngs, bucket = located[keep], lats[keep], lngs[keep], bucket[keep]
        cell_km = np.maximum(np.array(REACH_BUCKETS)[bucket], MIN_CELL_KM)
        cy = np.floor(lats / (cell_km / 111.32)).astype(np.int64)
        cx = np.floor(lngs / (cell_km / (111.32 * self.cos_ref))).astype(np.int64)
        order = np.lexsort((cx, cy, bucket))
        self.grid_rows = located[order]
        keys = list(
            zip(bucket[order].tolist(), cy[order].tolist(), cx[order].tolist(), strict=True)
        )
        self.grid = {}
        start = 0
        for k in range(1, len(keys) + 1):
            if k == len(keys) or keys[k] != keys[start]:
                self.grid[keys[start]] = (start, k)
                start = k
        self.unlocated_rows = np.flatnonzero(~self.has_loc & ~self.online_only)
        self.online_rows = np.flatnonzero(self.online)

    def _near(self, lat: float, lng: float, travel_km: float) -> NDArray[np.intp]:
        """Located rows that may be within reach of a point (a superset; the caller
        checks the distance)."""
        parts = [self.unbounded_rows]
        for b, bound in enumerate(REACH_BUCKETS):
            cell = max(bound, MIN_CELL_KM)
            r = max(bound, travel_km)
            dlat = r / 111.32
            cos_here = math.cos(math.radians(min(80.0, abs(lat) + dlat)))
            dlng = r / (111.32 * cos_here)
            cell_lat, cell_lng = cell / 111.32, cell / (111.32 * self.cos_ref)
            y0, y1 = math.floor((lat - dlat) / cell_lat), math.floor((lat + dlat) / cell_lat)
            x0, x1 = math.floor((lng - dlng) / cell_lng), math.floor((lng + dlng) / cell_lng)
            if (y1 - y0 + 1) * (x1 - x0 + 1) > 4096:  # a huge radius: take the bucket
                spans = [v for k, v in self.grid.items() if k[0] == b]
            else:
                spans = [
                    self.grid[(b, y, x)]
                    for y in range(y0, y1 + 1)
                    for x in range(x0, x1 + 1)
                    if (b, y, x) in self.grid
                ]
            parts.extend(self.grid_rows[a:z] for a, z in spans)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    # --- vectorised estimate ---------------------------------------------------------

    def _sig_fit(self, ctx: NeedContext) -> NDArray[np.float64]:
        """Fit score per category signature; cached, as many needs share their codes.
        Only the signatures holding one of the need's codes can score above 0, so each
        code updates just those (a signature holds a code once): the same products and
        maxima as gathering every signature's codes, without touching the rest."""
        hit = self._fit_cache.get(ctx.code_key)
        if hit is not None:
            return hit
        sig_fit: NDArray[np.float64] = np.zeros(self.n_sigs)
        for code, (s, _ncode, _phrase) in ctx.code_scores.items():
            k = self.code_ids.get(code)
            if k is None:
                continue
            sigs, cert = self.code_sigs[k]
            vals = s * cert
            strong = vals >= MIN_FIT  # as score.fit_factor: weaker links do not count
            if not strong.all():
                sigs, vals = sigs[strong], vals[strong]
            np.maximum(sig_fit[sigs], vals, out=vals)
            sig_fit[sigs] = vals
        if len(self._fit_cache) >= FIT_CACHE:
            self._fit_cache.pop(next(iter(self._fit_cache)))
        self._fit_cache[ctx.code_key] = sig_fit
        return sig_fit

    def _sig_fit_padded(self, ctx: NeedContext) -> NDArray[np.float64]:
        """The straightforward form of _sig_fit (every signature, every code slot);
        kept as the reference the tests compare it with."""
        score_vec = np.zeros(len(self.code_ids) + 1)  # the last slot is the 0 sentinel
        for code, (s, _ncode, _phrase) in ctx.code_scores.items():
            k = self.code_ids.get(code)
            if k is not None:
                score_vec[k] = s
        vals = score_vec[self.sig_pad_codes]
        vals *= self.sig_pad_cert
        vals[vals < MIN_FIT] = 0.0
        out: NDArray[np.float64] = np.maximum.reduce(vals, axis=0)
        return out

    def _text(self, ctx: NeedContext, rows: NDArray[np.intp]) -> NDArray[np.float64]:
        mass = sum(ctx.query.values())
        if mass <= 0:
            return np.zeros(len(rows))
        acc = self._scratch
        for t, idf in ctx.query.items():
            prow, pval = self.postings[t]
            acc[prow] += idf * pval
        text: NDArray[np.float64] = np.minimum(1.0, 2.0 * acc[rows] / mass)
        for t in ctx.query:
            acc[self.postings[t][0]] = 0.0
        return text

    def _estimate(
        self, ctx: NeedContext, allowed: NDArray[np.bool_] | None = None
    ) -> tuple[NDArray[np.intp], NDArray[np.int64]]:
        """Rows that may be feasible and relevant, and their estimated totals (cents).
        Cheap filters first (where, eligibility, relevance), then the other factors.
        ``allowed``: a mask of the rows that may be returned at all (None: every row)."""
        need = ctx.need
        located_need = need.lat is not None and need.lng is not None
        if need.mode == "online":
            rows = self.online_rows
        elif not located_need:
            rows = np.arange(self.n)
        else:
            assert need.lat is not None and need.lng is not None  # located_need
            rows = np.concatenate(
                [self._near(need.lat, need.lng, need.travel_km), self.unlocated_rows]
            )
            if need.mode == "either":
                mark = np.zeros(self.n, bool)
                mark[rows] = True
                mark[self.online_rows] = True
                rows = np.flatnonzero(mark)
        ok = self.elig_level[rows] >= need.safeguarding
        if allowed is not None:
            ok &= allowed[rows]
        if need.requester_id is not None and need.requester_id in self.owner_rows:
            ok &= ~np.isin(rows, self.owner_rows[need.requester_id])
        rows = rows[ok]

        fit = self._sig_fit(ctx)[self.sig_of[rows]]
        text = self._text(ctx, rows)
        relevant = (fit > 0) | (text >= MIN_TEXT - 1e-9)
        if ctx.min_fit:  # a batch's minimum fit (checked exactly when re-scored)
            relevant &= np.maximum(fit, text) >= ctx.min_fit - 1e-9
        rows, fit, text = rows[relevant], fit[relevant], text[relevant]

        # Where and how: online, in person within reach, or location unknown.
        online = self.online[rows]
        dist_score = np.ones(len(rows))
        dist_km = np.full(len(rows), np.nan)
        in_person = np.zeros(len(rows), bool)
        if need.mode == "online":
            keep = online
        else:
            online_only = self.online_only[rows]
            if not located_need:
                in_person = ~online_only
                dist_score[in_person] = 0.5
            else:
                assert need.lat is not None and need.lng is not None  # located_need
                nx, ny, nz = _xyz(need.lat, need.lng)
                dot = self.px[rows] * nx + self.py[rows] * ny + self.pz[rows] * nz
                c2 = np.maximum(0.0, 2.0 - 2.0 * dot)
                has_loc = self.has_loc[rows]
                limit = np.maximum(self.reach_c2[rows], _chord2(need.travel_km))
                within = has_loc & (c2 <= limit * (1 + 1e-9) + 1e-15)
                unknown = ~has_loc & ~online_only
                in_person = within | unknown
                d = 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(c2) / 2))
                dist_km = np.where(has_loc, d, np.nan)
                dist_score = np.where(within, 1.0 / (1.0 + d / HALF_KM), 1.0)
                dist_score[unknown] = 0.5
            keep = in_person | (online & (need.mode == "either"))
            dist_score = np.where(in_person, dist_score, 1.0)
        rows, dist_score, dist_km = rows[keep], dist_score[keep], dist_km[keep]
        in_person, fit, text = in_person[keep], fit[keep], text[keep]

        # Time.
        # An array (one score per row), or one float when it is the same for every row.
        time: NDArray[np.float64] | float
        lang: NDArray[np.float64] | float
        access: NDArray[np.float64] | float
        need_count = ctx.need_mask.bit_count()
        if need_count:
            overlap = np.zeros(len(rows), dtype=np.int64)
            for w, bits in enumerate(when.to_words(ctx.need_mask)):
                if bits:
                    both = self.mask_words[rows, w] & np.uint64(bits)
                    overlap += np.bitwise_count(both).astype(np.int64)
            has_mask = self.has_mask[rows]
            time = np.where(has_mask, overlap / need_count, 0.5)
            if need.strict_time:
                free = ~has_mask | (overlap > 0)
                rows, time, fit, text = rows[free], time[free], fit[free], text[free]
                dist_score, dist_km, in_person = dist_score[free], dist_km[free], in_person[free]
        else:
            time = 1.0

        # Language.
        if need.languages:
            nbits = np.uint64(sum(self.lang_bit.get(x, 0) for x in need.languages))
            shared = (self.lang[rows] & nbits) != 0
            lang = np.where(self.has_lang[rows], shared.astype(np.float64), 0.5)
        else:
            lang = 1.0

        # Accessibility: must-haves first (a hard constraint, as score.access_check),
        # then the share of access needs met.
        if need.accessibility:
            want_bits = sum(self.acc_bit.get(a, 0) for a in need.accessibility)
            reach = self.reach[rows]
            comes = ~in_person | (
                (reach > 0) & (np.isnan(dist_km) | (dist_km <= reach * (1 + 1e-9) + 1e-9))
            )
            # A lift's venue is the helper's vehicle: only its own access counts.
            if ctx.transport:
                comes = ~in_person
            else:
                comes = comes & (~in_person | ~self.transport[rows])
            have = self.acc[rows] | np.where(comes, self.venue_bits, np.uint64(0))
            must_bits = np.uint64(
                sum(self.acc_bit.get(a, 0) for a in need.accessibility & MUST_HAVE_ACCESS)
            )
            if must_bits:
                ok = (have & must_bits) == must_bits
                rows, have, fit, text = rows[ok], have[ok], fit[ok], text[ok]
                dist_score, dist_km, in_person = dist_score[ok], dist_km[ok], in_person[ok]
                if not isinstance(time, float):
                    time = time[ok]
                if not isinstance(lang, float):
                    lang = lang[ok]
            met = np.bitwise_count(have & np.uint64(want_bits)).astype(np.float64)
            access = met / len(need.accessibility)
        else:
            access = 1.0

        scores = {
            "fit": fit,
            "text": text,
            "distance": dist_score,
            "time": time,
            "language": lang,
            "access": access,
            "fairness": self.fair[rows],
        }
        total = np.zeros(len(rows), dtype=np.int64)
        constant = 0
        for name in FACTORS:
            score = scores[name]
            if isinstance(score, float):  # the same for every row
                constant += int(round(ctx.weights[name] * score * 100))
            else:
                total += np.rint(ctx.weights[name] * score * 100).astype(np.int64)
        return rows, total + constant

    # --- exact ranking -------------------------------------------------------------

    def context(
        self,
        need: Need,
        weights: Mapping[str, float] | None = None,
        now: datetime | None = None,
        min_fit: float = 0.0,
    ) -> NeedContext:
        return NeedContext.of(need, self.model, weights, now, min_fit)

    def shortlist(
        self,
        ctx: NeedContext,
        k: int | None,
        explain: bool = True,
        allowed: NDArray[np.bool_] | None = None,
    ) -> Shortlist:
        """The k best feasible candidates, exactly as score.py scores them. With
        ``explain=False`` only ``scored`` (total cents, row) is filled, not ``matches``.
        ``allowed``: only these rows (a mask), as if the others were not in the index."""
        rows, est = self._estimate(ctx, allowed)
        if len(rows) == 0:
            return Shortlist([], 0, 0, [])
        order = np.argsort(-est, kind="stable")
        rows, est = rows[order], est[order]
        scored: dict[int, int | None] = {}
        cands, feats, model = self.candidates, self.features, self.model

        def rescore(upto: int) -> None:
            for r in rows[:upto].tolist():
                if r not in scored:
                    scored[r] = quick_total(ctx, cands[r], feats[r], model)

        def ordered() -> list[tuple[int, int]]:
            return sorted(
                ((t, r) for r, t in scored.items() if t is not None),
                key=lambda tr: (-tr[0], id_key(cands[tr[1]].id)),
            )

        if k is None or k >= len(rows):
            rescore(len(rows))
            upto = len(rows)
            exact = ordered()
        else:
            # Re-score every row whose estimate is within EPS of the k-th best exact
            # total; grow until no unscored row could still reach it.
            cut = int(est[k - 1]) - EPS_CENTS
            while True:
                upto = int(np.searchsorted(-est, -cut, side="right"))
                rescore(upto)
                exact = ordered()
                threshold = exact[k - 1][0] - EPS_CENTS if len(exact) >= k else -(10**12)
                if upto >= len(rows) or est[upto] < threshold:
                    break
                cut = min(cut - EPS_CENTS, threshold)
        top = exact if k is None else exact[:k]
        outside = [t for t, _r in exact[len(top) :]]
        if upto < len(rows):
            outside.append(int(est[upto]) + EPS_CENTS)
        matches = [self.explain(ctx, cands[r].id) for _t, r in top] if explain else []
        return Shortlist(matches, max(outside, default=0), len(rows), top)

    def explain(self, ctx: NeedContext, candidate_id: Id) -> Match:
        """The full, explained Match for one candidate (it must be feasible)."""
        r = self.pos[candidate_id]
        m = score_candidate(ctx, self.candidates[r], self.features[r], self.model)
        if not isinstance(m, Match):  # pragma: no cover - callers pass feasible ones
            raise ValueError(f"{candidate_id!r} is excluded: {m.reason}")
        return m

    def rank(
        self,
        need: Need,
        k: int | None = 10,
        weights: Mapping[str, float] | None = None,
        now: datetime | None = None,
        min_fit: float = 0.0,
    ) -> list[Match]:
        """The k best feasible candidates (all if k is None), as ``score.rank`` would
        return them for the same candidates."""
        return self.shortlist(self.context(need, weights, now, min_fit), k).matches

    # --- keeping the index up to date ---------------------------------------------------

    def set_row(self, row: int, c: Candidate) -> None:
        """Replace row's candidate with ``c``, which differs only in what changes as people
        are asked and answer (capacity, asks, checks, paused, consent): no word, place,
        time or tag, so the text model, signatures and grid stay as they are."""
        old = self.candidates[row]
        if static_key(old) != static_key(c):
            raise ValueError(f"{c.id!r} changed more than its state: take it out and add it")
        self.candidates[row] = c
        cap_ok = (c.capacity is None or c.capacity > 0) and (
            c.owner_capacity is None or c.owner_capacity > 0
        )
        self.consent[row], self.paused[row], self.cap_ok[row] = c.consent, c.paused, cap_ok
        self.base_ok[row] = c.consent and not c.paused and cap_ok and bool(self.alive[row])
        self.clearance[row] = c.clearance
        self.elig_level[row] = c.clearance if self.base_ok[row] else -1
        self.fair[row] = 1.0 / (1.0 + max(0, c.recent_asks) / HALF_ASKS)

    def remove_row(self, row: int) -> None:
        """Take a row out: it is never shortlisted nor counted again."""
        self.alive[row] = False
        self.base_ok[row] = False
        self.elig_level[row] = -1

    # --- who is left out, and why --------------------------------------------------------

    def not_suggested(
        self, ctx: NeedContext, allowed: NDArray[np.bool_] | None = None, listed: bool = False
    ) -> NotSuggested:
        """Among the candidates that offer something relevant to the need (a skill or
        category fit, or enough words in common), the first hard rule that leaves each
        out — in score.py's order — counted by code, people and places apart. The same
        as grouping ``score.rank_with_exclusions``'s exclusions of relevant candidates."""
        need = ctx.need
        keep = self.alive if allowed is None else self.alive & allowed
        rows = np.flatnonzero(keep)
        fit = self._sig_fit(ctx)[self.sig_of[rows]]
        text = self._text(ctx, rows)
        rel = (fit > 0) | (text >= MIN_TEXT)
        rows, fit, text = rows[rel], fit[rel], text[rel]
        n = len(rows)
        code = np.full(n, -1, dtype=np.int8)

        def mark(which: NDArray[np.bool_], name: str) -> None:
            code[(code < 0) & which] = CODES.index(name)

        if need.requester_id is not None and need.requester_id in self.owner_rows:
            mark(np.isin(rows, self.owner_rows[need.requester_id]), "own")
        mark(~self.consent[rows], "consent")
        mark(self.paused[rows], "paused")
        mark(~self.cap_ok[rows], "capacity")
        mark(self.clearance[rows] < need.safeguarding, "safeguarding")

        # Where (score._distance): online, in person within reach, or not known.
        online = self.online[rows]
        online_delivery = np.zeros(n, bool)
        d = np.full(n, np.nan)
        if need.mode == "online":
            mark(~online, "online")
            online_delivery[:] = True
        else:
            only_online = self.online_only[rows]
            if need.mode == "either":
                online_delivery |= only_online
            else:
                mark(only_online, "online")
            located = self.has_loc[rows] & ~only_online
            if need.lat is not None and need.lng is not None and located.any():
                lat, lng = self.lat[rows[located]], self.lng[rows[located]]
                d[located] = _haversine(need.lat, need.lng, lat, lng)
                reach = np.maximum(self.reach[rows], need.travel_km)
                far = located & ~(d <= reach)
                if need.mode == "either":
                    online_delivery |= far & online
                    far &= ~online
                mark(far, "distance")

        # Access a person cannot do without (score.access_check).
        must = need.accessibility & MUST_HAVE_ACCESS
        if must:
            must_bits = np.uint64(sum(self.acc_bit.get(a, 0) for a in must))
            has_it = (self.acc[rows] & must_bits) == must_bits
            own_reach = self.reach[rows]
            comes = (own_reach > 0) & (np.isnan(d) | (d <= own_reach))
            free = online_delivery | (comes & ~self.transport[rows] if not ctx.transport else False)
            mark(~has_it & ~free, "access")

        # Free at the time, when the need says it must be (score.score_candidate).
        if need.strict_time and ctx.need_mask:
            words = when.to_words(ctx.need_mask)
            overlap = np.zeros(n, dtype=np.int64)
            for w, bits in enumerate(words):
                if bits:
                    both = self.mask_words[rows, w] & np.uint64(bits)
                    overlap += np.bitwise_count(both).astype(np.int64)
            busy = self.has_mask[rows] & (overlap == 0)
            dated = self.has_dates[rows]
            for i in np.flatnonzero(dated & self.has_mask[rows]).tolist():
                r = int(rows[i])
                busy[i] = not available_bits(ctx, self.candidates[r], self.features[r])
            mark(busy, "time")
        if ctx.min_fit:
            mark(np.maximum(fit, text) < ctx.min_fit, "poor_fit")

        out = NotSuggested()
        places = self.is_place[rows]
        for k, name in enumerate(CODES):
            hit = code == k
            if hit.any():
                n_places = int((hit & places).sum())
                out.counts[name] = (int(hit.sum()) - n_places, n_places)
        far = code == CODES.index("distance")
        if (far & places).any():
            out.nearest_far_place_km = float(np.min(d[far & places]))
        people_far = far & ~places
        if people_far.any():
            reaches, counts = np.unique(self.reach[rows[people_far]], return_counts=True)
            out.far_people = dict(zip(reaches.tolist(), counts.tolist(), strict=True))
        if listed:
            cands = self.candidates
            out.listed = [
                (cands[r].id, CODES[k])
                for r, k in zip(rows.tolist(), code.tolist(), strict=True)
                if k >= 0
            ]
        return out

    # --- why nobody fits -------------------------------------------------------------

    def why_none(self, ctx: NeedContext) -> tuple[str, str]:
        """For a need with no feasible candidate: the first hard constraint, in a fixed
        order, that leaves nobody — as a code and a sentence for the coordinator."""
        from kampung.matching.core.types import CLEARANCE_NAMES

        need = ctx.need
        every = np.arange(self.n)
        relevant = (self._sig_fit(ctx)[self.sig_of] > 0) | (self._text(ctx, every) >= MIN_TEXT)
        if not relevant.any():
            return "none", "No one offers this kind of help yet"
        willing = np.array([c.consent and not c.paused for c in self.candidates], bool)
        if need.requester_id is not None and need.requester_id in self.owner_rows:
            willing[self.owner_rows[need.requester_id]] = False
        pool = relevant & willing
        if not pool.any():
            return "unwilling", "Everyone who offers this has paused or not agreed to be matched"
        qual = ""
        if need.safeguarding > 0:
            pool &= self.clearance >= need.safeguarding
            qual = f" with {CLEARANCE_NAMES.get(need.safeguarding, 'the right check')}"
            if not pool.any():
                return "safeguarding", f"No one who offers this has {qual[6:]}"
        cap_ok = np.array(
            [
                (c.capacity is None or c.capacity > 0)
                and (c.owner_capacity is None or c.owner_capacity > 0)
                for c in self.candidates
            ]
        )
        if not (pool & cap_ok).any():
            return "capacity", f"Everyone suitable{qual} is at capacity"
        pool &= cap_ok
        if need.mode == "online":
            reach_ok = self.online.copy()
        elif need.lat is None or need.lng is None:
            reach_ok = ~self.online_only | (self.online & (need.mode == "either"))
        else:
            nx = np.array(_xyz(need.lat, need.lng))
            c2 = np.maximum(0.0, 2.0 - 2.0 * (self.xyz @ nx))
            limit = np.maximum(self.reach_c2, _chord2(need.travel_km))
            reach_ok = (self.has_loc & (c2 <= limit)) | (~self.has_loc & ~self.online_only)
            if need.mode == "either":
                reach_ok |= self.online
        if not (pool & reach_ok).any():
            where = "helps online" if need.mode == "online" else "is close enough"
            return "distance", f"No one suitable{qual} {where}"
        pool &= reach_ok
        must_bits = np.uint64(
            sum(self.acc_bit.get(a, 0) for a in need.accessibility & MUST_HAVE_ACCESS)
        )
        if must_bits:
            has_it = (self.acc & must_bits) == must_bits
            brings = self.online | (~ctx.transport & ~self.transport & (self.reach > 0))
            if not (pool & (has_it | brings)).any():
                return "access", f"No one suitable{qual} has the access this needs"
        return "time", f"No one{qual} who offers this is free then"
