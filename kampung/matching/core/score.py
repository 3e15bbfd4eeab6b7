"""Scoring one need against candidates: hard constraints first (each exclusion with a
plain-language reason), then weighted factors in [0, 1] with explanations.

points = round(weight * score, 2) and total = the sum of the rounded points, kept as
whole hundredths (``*_cents``) so that what is shown adds up exactly. Hard constraints —
safeguarding clearance, capacity, paused offers, consent, the asker's own offers,
online/distance reach and (when the need says so) being free at the time — are never
traded against points: an excluded candidate is simply not in the list.

This module is the reference: ``CandidateIndex`` (index.py) ranks the same way, faster,
and tests hold it to this one."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from sys import intern as _intern

from kampung.matching.core import when
from kampung.matching.core.synonyms import (
    ACCESSIBILITY_NAMES,
    ANCESTOR,
    INFERRED,
    LANGUAGE_NAMES,
    concepts_in,
    label,
    related,
)
from kampung.matching.core.text import TextModel, originals, terms
from kampung.matching.core.types import (
    CLEARANCE_NAMES,
    Candidate,
    Exclusion,
    Factor,
    Id,
    Match,
    Need,
)

DEFAULT_WEIGHTS: dict[str, float] = {
    "fit": 35.0,  # skill / category fit, synonyms included
    "text": 10.0,  # wording in common (BM25)
    "distance": 15.0,
    "time": 15.0,  # availability overlap
    "language": 10.0,
    "access": 5.0,  # accessibility needs met
    "fairness": 10.0,  # spread the asks
}
FACTORS = tuple(DEFAULT_WEIGHTS)

# A candidate with no skill/category fit must at least share this much wording to be
# suggested at all; otherwise a nearby, free, same-language gardener would be offered
# for phone help.
MIN_TEXT = 0.3
# The weakest skill or category link that counts as a fit at all: below it (a weak word
# read from a description, then a distant relation) the link is more noise than signal.
MIN_FIT = 0.25
# How well a candidate fits a need, for a coordinator's batch: the stronger of the
# skill/category fit and the wording in common (0-1). Below DEFAULT_MIN_FIT a batch
# leaves the request unmet rather than suggest someone who offers something else: a
# direct or synonym match scores about 0.85, a merely related kind of help about 0.25
# ("A cup of tea and a chat" for "Volunteer drivers for our lunch club").
DEFAULT_MIN_FIT = 0.35
# How certain a kind of help read from a request's words is when the person chose
# another kind: a side mention, below DEFAULT_MIN_FIT (see need_sources).
SIDE = 0.3
# Someone who "comes to you" without saying how far: assume a neighbourhood's width.
COMES_TO_YOU_KM = 5.0
# Distance score halves at this many km.
HALF_KM = 2.0
# Fairness score halves after this many asks in the last 30 days.
HALF_ASKS = 3.0
# Venue features that do not matter when the helper comes to you or helps online.
VENUE_FEATURES = frozenset({"step_free", "wheelchair", "accessible_toilet", "quiet_space"})
# Access a person cannot do without: a request that lists one is never offered a helper,
# place or vehicle without it (a hard constraint). The others (a hearing loop, a quiet
# space, large print) are weighed in the "access" factor.
MUST_HAVE_ACCESS = frozenset({"wheelchair", "step_free", "accessible_toilet"})
# Codes that mean travelling with the helper (lifts, transport): the "venue" is then the
# helper's own vehicle, so its access is the offer's own, even when it "comes to you".
TRANSPORT_CODES = frozenset({"driving", "105", "105-02"})


def is_transport_code(code: str) -> bool:
    return code in TRANSPORT_CODES or code.startswith("105-02-")


EARTH_KM = 6371.0088

# A need's sources of codes, sorted: (code, (certainty, phrase or None)).
CodeKey = tuple[tuple[str, tuple[float, str | None]], ...]


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def candidate_reach_km(c: Candidate) -> float:
    if c.travel_km > 0:
        return c.travel_km
    return COMES_TO_YOU_KM if c.comes_to_you else 0.0


def merged_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    out = dict(DEFAULT_WEIGHTS)
    if weights:
        unknown = set(weights) - set(out)
        if unknown:
            raise ValueError(f"unknown factor(s): {', '.join(sorted(unknown))}")
        out.update(weights)
    if any(w < 0 or not math.isfinite(w) for w in out.values()):
        raise ValueError("weights must be finite and not negative")
    return out


def cents(weight: float, score: float) -> int:
    return int(round(weight * score * 100))


# --- what is computed once per candidate -------------------------------------------


@dataclass
class Features:
    """The parts of a candidate that do not depend on the need."""

    codes: dict[str, tuple[float, str | None]]  # code -> (certainty, phrase or None)
    # The document's terms counted (interned: a kept index of 100,000 candidates
    # holds each word once) and its length; the word list itself is not kept.
    tf: dict[str, int]
    dl: int
    mask: int
    transport: bool  # chose a transport skill or category (drives, gives lifts)

    @classmethod
    def of(cls, c: Candidate) -> Features:
        from kampung.matching.core.synonyms import SKILL_LABELS

        codes: dict[str, tuple[float, str | None]] = {}
        for code, (strength, phrase) in concepts_in(f"{c.name}. {c.text}").items():
            codes[code] = (INFERRED * strength, phrase)
        for code in (*sorted(c.skills), *sorted(c.categories)):
            codes[code] = (1.0, None)
        labels = " ".join(SKILL_LABELS.get(code, "") for code in sorted(c.skills))
        doc = terms(f"{c.name} {c.text} {labels}")
        transport = any(is_transport_code(code) for code in (*c.skills, *c.categories))
        tf: dict[str, int] = {}
        for t in doc:
            t = _intern(t)
            tf[t] = tf.get(t, 0) + 1
        return cls(
            codes=codes,
            tf=tf,
            dl=len(doc),
            mask=when.mask(c.availability),
            transport=transport,
        )


# --- what is computed once per need ------------------------------------------------


@dataclass
class NeedContext:
    need: Need
    weights: dict[str, float]
    now: datetime | None
    code_scores: dict[str, tuple[float, str, str | None]]  # code -> (score, need code, phrase)
    code_key: CodeKey  # what code_scores was computed from (a cache key)
    weight_list: tuple[float, ...]  # the weights in FACTORS order
    query: dict[str, float]
    query_words: dict[str, str]
    times_mask: int
    occasions: list[tuple[int, date]]  # (bits, date) of occasions still to come
    need_mask: int
    transport: bool  # the need is about getting somewhere (a lift, transport)
    min_fit: float = 0.0  # candidates fitting less well (fit_of) are excluded as "poor_fit"

    @classmethod
    def of(
        cls,
        need: Need,
        text_model: TextModel,
        weights: Mapping[str, float] | None = None,
        now: datetime | None = None,
        min_fit: float = 0.0,
    ) -> NeedContext:
        code_key = need_sources(need)
        code_scores = _code_scores(code_key)
        times_mask = when.mask(need.times)
        occasions = [
            (when.occasion_bits(a, b), a.date())
            for a, b in need.occasions
            if now is None or b > now
        ]
        need_mask = times_mask
        for bits, _day in occasions:
            need_mask |= bits
        return cls(
            need=need,
            weights=merged_weights(weights),
            now=now,
            code_scores=code_scores,
            code_key=code_key,
            weight_list=tuple(merged_weights(weights)[name] for name in FACTORS),
            query=text_model.query(need.text),
            query_words=originals(need.text),
            times_mask=times_mask,
            occasions=occasions,
            need_mask=need_mask,
            transport=any(is_transport_code(code) for code, _src in code_key),
            min_fit=min_fit,
        )


def need_sources(need: Need) -> CodeKey:
    """The kinds of help a need asks for, each with how certain it is: what the person
    chose (certain), and what its words show. The words decide on their own only when
    nobody chose a kind; beside a chosen kind, words showing some other kind are side
    mentions ("The lift in our block is often broken" on a request to carry groceries
    upstairs is not a repair job) and count at most ``SIDE``, below a batch's minimum
    fit, so they can rank a helper but never make one a good fit."""
    sources: dict[str, tuple[float, str | None]] = {}
    chosen = sorted(need.categories)
    near = {c for code in chosen for c, s in related(code).items() if s >= ANCESTOR}
    for code, (strength, phrase) in concepts_in(need.text).items():
        certainty = INFERRED * strength
        if chosen and code not in near:
            certainty = min(certainty, SIDE)
        sources[code] = (certainty, phrase)
    for code in chosen:
        sources[code] = (1.0, None)
    return tuple(sorted(sources.items()))


@lru_cache(maxsize=4096)
def _code_scores(
    sources: CodeKey,
) -> dict[str, tuple[float, str, str | None]]:
    """code -> (how well it answers the need, the need's code, the phrase that said so).
    Cached: many needs share their codes. Callers must not modify the result."""
    code_scores: dict[str, tuple[float, str, str | None]] = {}
    for ncode, (certainty, phrase) in sources:
        for code, strength in related(ncode).items():
            s = strength * certainty
            if s > code_scores.get(code, (0.0, "", None))[0]:
                code_scores[code] = (s, ncode, phrase)
    return code_scores


def _active_now(c: Candidate, now: datetime | None) -> bool:
    """Whether the candidate's weekly availability applies now (date windows)."""
    if not c.available_dates or now is None:
        return True
    from datetime import timedelta

    today = now.date()
    return any(a <= today + timedelta(days=14) and b >= today for a, b in c.available_dates)


def available_bits(ctx: NeedContext, c: Candidate, f: Features) -> int:
    """The part of the need's times the candidate is free for (date windows applied)."""
    if not c.available_dates:
        return f.mask & ctx.need_mask
    out = f.mask & ctx.times_mask if _active_now(c, ctx.now) else 0
    for bits, day in ctx.occasions:
        if when.in_windows(day, c.available_dates):
            out |= f.mask & bits
    return out


# --- the factors ---------------------------------------------------------------------


def fit_factor(ctx: NeedContext, f: Features) -> tuple[float, str]:
    best, why = 0.0, "No skill or category in common"
    for code, (certainty, cphrase) in f.codes.items():
        entry = ctx.code_scores.get(code)
        if entry is None:
            continue
        s = entry[0] * certainty
        if s >= MIN_FIT and s > best:
            best, (_s, ncode, phrase) = s, entry
            offers = f"Offers {label(code)}" if cphrase is None else f"Mentions '{cphrase}'"
            if ncode == code:
                tail = f"matches '{phrase}'" if phrase else "the kind of help asked for"
            else:
                tail = f"close to {label(ncode)}" + (f" ('{phrase}')" if phrase else "")
            why = f"{offers} — {tail}"
    return best, why


def text_factor(ctx: NeedContext, f: Features, model: TextModel) -> tuple[float, str]:
    score = model.relevance(ctx.query, f.tf, f.dl)
    shared = sorted((t for t in ctx.query if t in f.tf), key=lambda t: (-ctx.query[t], t))
    if not shared:
        return score, "No words in common with the request"
    shown = ", ".join(f"'{ctx.query_words.get(t, t)}'" for t in shared[:3])
    return score, f"Their description shares {shown}"


def _distance(ctx: NeedContext, c: Candidate) -> tuple[str, float | None, float] | Exclusion:
    need = ctx.need
    if need.mode == "online":
        if c.online:
            return ("online", None, 1.0)
        return Exclusion(c.id, "online", "Does not help online")
    if c.online and c.lat is None and not c.comes_to_you:
        if need.mode == "either":
            return ("online", None, 1.0)
        return Exclusion(c.id, "online", "Only helps online, and this need is in person")
    if need.lat is None or need.lng is None or c.lat is None or c.lng is None:
        return ("in_person", None, 0.5)
    d = haversine_km(need.lat, need.lng, c.lat, c.lng)
    reach = max(candidate_reach_km(c), need.travel_km)
    if d <= reach:
        return ("in_person", d, 1.0 / (1.0 + d / HALF_KM))
    if need.mode == "either" and c.online:
        return ("online", d, 1.0)
    return Exclusion(c.id, "distance", _too_far_words(need, c, d))


def _too_far_words(need: Need, c: Candidate, d: float) -> str:
    """Why a candidate is too far, in plain words, without a "0 km" limit nobody
    chose: a place stays put, and a request that says nothing about travelling means
    the person asking cannot go anywhere (need.travel_km 0)."""
    own = candidate_reach_km(c)
    if need.travel_km > own:
        return f"{d:.1f} km away, more than the {need.travel_km:g} km the person asking can go"
    if own > 0:
        return f"{d:.1f} km away, more than the {own:g} km they can travel"
    if c.kind == "asset":
        return f"{d:.1f} km away, and a place cannot come to the person asking"
    return f"{d:.1f} km away, and they only help at their own place"


def _distance_words(ctx: NeedContext, c: Candidate, delivery: str, d: float | None) -> str:
    if delivery == "online":
        return "Can help online"
    if d is None:
        return "Comes to you; distance not known" if c.comes_to_you else "Distance not known"
    reach = candidate_reach_km(c)
    if reach >= d and reach > 0:
        return f"{d:.1f} km away (can travel {reach:g} km)"
    return f"{d:.1f} km away, within the {ctx.need.travel_km:g} km you can travel"


def time_factor(ctx: NeedContext, c: Candidate, f: Features) -> tuple[float, str]:
    if not ctx.need_mask:
        return 1.0, "Any time suits"
    if not f.mask:
        return 0.5, "Has not said when they are free"
    free = available_bits(ctx, c, f)
    score = free.bit_count() / ctx.need_mask.bit_count()
    if free:
        part = "" if score >= 1.0 else " (part of the time you asked for)"
        return score, f"Free on {when.first_run(free)}, when you need it{part}"
    if not _active_now(c, ctx.now) or (f.mask & ctx.need_mask):
        return 0.0, "Away on the dates you need"
    return 0.0, f"Not free when you need it (free {when.first_run(f.mask)})"


def language_factor(ctx: NeedContext, c: Candidate) -> tuple[float, str]:
    if not ctx.need.languages:
        return 1.0, "No language asked for"
    if not c.languages:
        return 0.5, "Languages not given"
    shared = sorted(ctx.need.languages & c.languages)
    if shared:
        names = " and ".join(LANGUAGE_NAMES.get(x, x) for x in shared)
        return 1.0, f"Both speak {names}"
    wanted = ", ".join(LANGUAGE_NAMES.get(x, x) for x in sorted(ctx.need.languages))
    return 0.0, f"No shared language (asked for {wanted})"


def comes_to_person(c: Candidate, delivery: str, d: float | None) -> bool:
    if delivery == "online":
        return True
    reach = candidate_reach_km(c)
    return reach > 0 and (d is None or d <= reach)


def venue_free(ctx: NeedContext, c: Candidate, f: Features, delivery: str, d: float | None) -> bool:
    """Whether the venue's access does not matter: help online, or a helper who comes to
    the person and does not take them anywhere. For a lift or transport the venue is the
    helper's vehicle: its access is the offer's own (an accessible vehicle)."""
    if delivery == "online":
        return True
    if ctx.transport or f.transport:
        return False
    return comes_to_person(c, delivery, d)


def access_check(
    ctx: NeedContext, c: Candidate, f: Features, delivery: str, d: float | None
) -> Exclusion | None:
    """A must-have access need the candidate does not meet excludes them."""
    must = ctx.need.accessibility & MUST_HAVE_ACCESS
    if not must:
        return None
    free = venue_free(ctx, c, f, delivery, d)
    missing = sorted(a for a in must if a not in c.accessibility and not free)
    if not missing:
        return None
    what = " and ".join(ACCESSIBILITY_NAMES.get(a, a) for a in missing)
    if ctx.transport or f.transport:
        return Exclusion(c.id, "access", f"Needs {what}; their vehicle does not have it")
    return Exclusion(c.id, "access", f"Needs {what}; this place or offer does not have it")


def access_factor(
    ctx: NeedContext, c: Candidate, f: Features, delivery: str, d: float | None
) -> tuple[float, str]:
    wanted = ctx.need.accessibility
    if not wanted:
        return 1.0, "No access needs given"
    venue_free_ = venue_free(ctx, c, f, delivery, d)
    met = {a for a in wanted if a in c.accessibility or (venue_free_ and a in VENUE_FEATURES)}
    score = len(met) / len(wanted)
    missing = sorted(wanted - met)
    if not missing:
        if venue_free_ and not (wanted & c.accessibility):
            return score, "Comes to you, so the venue's access does not matter"
        return score, "Has " + " and ".join(ACCESSIBILITY_NAMES.get(a, a) for a in sorted(met))
    return score, "Missing " + ", ".join(ACCESSIBILITY_NAMES.get(a, a) for a in missing)


def fairness_factor(c: Candidate) -> tuple[float, str]:
    n = max(0, c.recent_asks)
    score = 1.0 / (1.0 + n / HALF_ASKS)
    if n == 0:
        return score, "Not asked yet this month"
    times = "once" if n == 1 else f"{n} times"
    return score, f"Has been asked {times} this month — spreading the asks"


# --- putting it together --------------------------------------------------------------


def hard_check(ctx: NeedContext, c: Candidate) -> Exclusion | None:
    need = ctx.need
    if need.requester_id is not None and c.owner_id == need.requester_id:
        return Exclusion(c.id, "own", "This is the person asking")
    if not c.consent:
        return Exclusion(c.id, "consent", "Has not agreed to be matched")
    if c.paused:
        return Exclusion(c.id, "paused", "Paused for now")
    if c.capacity is not None and c.capacity <= 0:
        return Exclusion(c.id, "capacity", "At capacity")
    if c.owner_capacity is not None and c.owner_capacity <= 0:
        return Exclusion(c.id, "capacity", "Already helping with as much as they said they can")
    if c.clearance < need.safeguarding:
        return Exclusion(
            c.id,
            "safeguarding",
            f"Needs {CLEARANCE_NAMES.get(need.safeguarding, need.safeguarding)}; "
            f"has {CLEARANCE_NAMES.get(c.clearance, c.clearance)}",
        )
    return None


def score_candidate(
    ctx: NeedContext, c: Candidate, f: Features, model: TextModel, explain: bool = True
) -> Match | Exclusion:
    """The candidate's Match (or Exclusion). With ``explain=False`` the scores and
    points are the same but explanations are left empty (for batch shortlists)."""
    excluded = hard_check(ctx, c)
    if excluded:
        return excluded
    where = _distance(ctx, c)
    if isinstance(where, Exclusion):
        return where
    delivery, d, distance_score = where
    no_access = access_check(ctx, c, f, delivery, d)
    if no_access:
        return no_access
    if not explain:
        return _quick(ctx, c, f, model, delivery, d, distance_score)
    time_score, time_words = time_factor(ctx, c, f)
    if ctx.need.strict_time and ctx.need_mask and f.mask and time_score == 0.0:
        return Exclusion(c.id, "time", "Not free then")
    fit_score, fit_words = fit_factor(ctx, f)
    text_score, text_words = text_factor(ctx, f, model)
    if fit_score <= 0.0 and text_score < MIN_TEXT:
        return Exclusion(c.id, "irrelevant", "Offers nothing that matches this need")
    if max(fit_score, text_score) < ctx.min_fit:
        return Exclusion(
            c.id, "poor_fit", f"Fits only {max(fit_score, text_score):.0%}: not a good match"
        )
    parts = {
        "fit": (fit_score, fit_words),
        "text": (text_score, text_words),
        "distance": (distance_score, _distance_words(ctx, c, delivery, d)),
        "time": (time_score, time_words),
        "language": language_factor(ctx, c),
        "access": access_factor(ctx, c, f, delivery, d),
        "fairness": fairness_factor(c),
    }
    return _match(ctx, c, parts, delivery)


def _quick(
    ctx: NeedContext,
    c: Candidate,
    f: Features,
    model: TextModel,
    delivery: str,
    d: float | None,
    distance_score: float,
) -> Match | Exclusion:
    """score_candidate without the words: same scores, same points, same exclusions."""
    scores = _quick_scores(ctx, c, f, model, delivery, d, distance_score)
    if isinstance(scores, str):
        return Exclusion(c.id, scores, "")
    return _match(ctx, c, {n: (s, "") for n, s in zip(FACTORS, scores, strict=True)}, delivery)


def quick_total(ctx: NeedContext, c: Candidate, f: Features, model: TextModel) -> int | None:
    """Just the total (in hundredths) of score_candidate, or None when excluded."""
    if hard_check(ctx, c) is not None:
        return None
    where = _distance(ctx, c)
    if isinstance(where, Exclusion):
        return None
    delivery, d, distance_score = where
    if access_check(ctx, c, f, delivery, d) is not None:
        return None
    scores = _quick_scores(ctx, c, f, model, delivery, d, distance_score)
    if isinstance(scores, str):
        return None
    total = 0
    for weight, score in zip(ctx.weight_list, scores, strict=True):
        total += int(round(weight * score * 100))
    return total


def _quick_scores(
    ctx: NeedContext,
    c: Candidate,
    f: Features,
    model: TextModel,
    delivery: str,
    d: float | None,
    distance_score: float,
) -> tuple[float, ...] | str:
    need = ctx.need
    if not ctx.need_mask:
        time_score = 1.0
    elif not f.mask:
        time_score = 0.5
    else:
        time_score = available_bits(ctx, c, f).bit_count() / ctx.need_mask.bit_count()
    if need.strict_time and ctx.need_mask and f.mask and time_score == 0.0:
        return "time"
    fit_score = 0.0
    for code, (certainty, _p) in f.codes.items():
        entry = ctx.code_scores.get(code)
        if entry is not None:
            s = entry[0] * certainty
            if s >= MIN_FIT and s > fit_score:
                fit_score = s
    text_score = model.relevance(ctx.query, f.tf, f.dl)
    if fit_score <= 0.0 and text_score < MIN_TEXT:
        return "irrelevant"
    if ctx.min_fit and max(fit_score, text_score) < ctx.min_fit:
        return "poor_fit"
    if not need.languages:
        lang = 1.0
    elif not c.languages:
        lang = 0.5
    else:
        lang = 1.0 if need.languages & c.languages else 0.0
    if need.accessibility:
        free = venue_free(ctx, c, f, delivery, d)
        met = sum(
            1 for a in need.accessibility if a in c.accessibility or (free and a in VENUE_FEATURES)
        )
        access = met / len(need.accessibility)
    else:
        access = 1.0
    fair = 1.0 / (1.0 + max(0, c.recent_asks) / HALF_ASKS)
    # In FACTORS order.
    return (fit_score, text_score, distance_score, time_score, lang, access, fair)


def _match(
    ctx: NeedContext, c: Candidate, parts: dict[str, tuple[float, str]], delivery: str
) -> Match:
    factors = []
    total = 0
    for name in FACTORS:
        score, words_ = parts[name]
        weight = ctx.weights[name]
        pts = cents(weight, score)
        total += pts
        factors.append(Factor(name, weight, score, pts / 100, words_))
    return Match(
        candidate_id=c.id,
        total=total / 100,
        factors=tuple(factors),
        total_cents=total,
        kind=c.kind,
        owner_id=c.owner_id,
        delivery=delivery,
    )


def fit_of(m: Match) -> float:
    """How well a match fits its need (0-1): the stronger of the skill/category fit and
    the wording in common. The other factors (distance, time, language...) say whether
    it can happen, not whether it is the right kind of help."""
    return max(m.factor("fit").score, m.factor("text").score)


def id_key(value: Id) -> tuple[int, int, str]:
    """Orders ints before strings, each naturally, so ties break the same way always."""
    return (0, value, "") if isinstance(value, int) else (1, 0, str(value))


def match_order(m: Match) -> tuple[int, tuple[int, int, str]]:
    return (-m.total_cents, id_key(m.candidate_id))


def rank_with_exclusions(
    need: Need,
    candidates: Iterable[Candidate],
    weights: Mapping[str, float] | None = None,
    now: datetime | None = None,
    *,
    limit: int | None = None,
    min_fit: float = 0.0,
) -> tuple[list[Match], list[Exclusion]]:
    """Every candidate either as a Match (best first) or as an Exclusion with its
    reason. Text statistics come from ``candidates`` themselves."""
    cands = list(candidates)
    feats = [Features.of(c) for c in cands]
    model = TextModel.of_counts((f.tf, f.dl) for f in feats)
    ctx = NeedContext.of(need, model, weights, now, min_fit)
    matches: list[Match] = []
    excluded: list[Exclusion] = []
    for c, f in zip(cands, feats, strict=True):
        result = score_candidate(ctx, c, f, model)
        if isinstance(result, Exclusion):
            excluded.append(result)
        else:
            matches.append(result)
    matches.sort(key=match_order)
    return (matches if limit is None else matches[:limit]), excluded


def rank(
    need: Need,
    candidates: Iterable[Candidate],
    weights: Mapping[str, float] | None = None,
    now: datetime | None = None,
    *,
    limit: int | None = None,
    min_fit: float = 0.0,
) -> list[Match]:
    """Feasible candidates for ``need``, best first, each with its explained factors."""
    return rank_with_exclusions(need, candidates, weights, now, limit=limit, min_fit=min_fit)[0]
