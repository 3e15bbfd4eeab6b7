"""Batch allocation for coordinators: assign many open needs at once, each to at most
one candidate, never over a candidate's remaining capacity and never against a hard
constraint, maximising total (urgency-weighted) fit. Needs left unmet get a reason.

Method: each need's top-k feasible candidates come from ``CandidateIndex`` (exact
scores); the resulting sparse assignment problem is a linear programme whose constraint
matrix is totally unimodular (needs x candidates with capacities), so HiGHS' simplex
returns a whole-number optimum. Its dual prices give an upper bound on what *any*
allocation could reach over all candidates, not just the top k: with prices v (per
capacity unit) and u_i = max(best w_ij - v_j in the shortlist, best score outside it),
sum(u) + sum(capacity * v) bounds the optimum (LP duality). ``fit_ratio`` is the
objective divided by that bound, so 1.0 means provably optimal."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from kampung.matching.core.index import CandidateIndex
from kampung.matching.core.score import NeedContext, fit_of
from kampung.matching.core.types import Candidate, Id, Match, Need  # noqa: F401

# Urgent needs come first when candidates are scarce: the objective weighs each
# match's total by this factor (urgency 0-3 -> 1.0-1.75).
URGENCY_STEP = 0.25

# Whose limit a candidate counts against: its owner, or itself when it has none.
Owner = Id | tuple[str, Id]
# A need's shortlist: (need position, [(total cents, row)] best first, bound outside it).
Shortlisted = tuple[int, list[tuple[int, int]], int]


def priority(need: Need) -> float:
    return 1.0 + URGENCY_STEP * max(0, min(3, need.urgency))


@dataclass(frozen=True)
class Assignment:
    need_id: Id
    match: Match


@dataclass(frozen=True)
class Unmet:
    need_id: Id
    # none, poor_fit (nobody fits well enough), unwilling, safeguarding, capacity,
    # distance, access, time, weak (below min_total), taken
    code: str
    reason: str


@dataclass
class Allocation:
    assignments: list[Assignment]
    unmet: list[Unmet]
    total_fit: float  # sum of the assigned matches' totals
    objective: float  # the same, each weighted by its need's urgency priority
    upper_bound: float  # no allocation can have a larger objective
    fit_ratio: float  # objective / upper_bound (1.0 when the bound is 0)
    remaining: dict[Id, int] = field(default_factory=dict)  # capacity left, capped ones


def allocate(
    needs: Iterable[Need],
    candidates: Iterable[Candidate] | CandidateIndex,
    weights: Mapping[str, float] | None = None,
    now: datetime | None = None,
    *,
    top_k: int = 10,
    min_total: float = 0.0,
    min_fit: float = 0.0,
    workers: int | None = None,
) -> Allocation:
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    index = (
        candidates if isinstance(candidates, CandidateIndex) else CandidateIndex.build(candidates)
    )
    needs = list(needs)
    min_cents = int(round(min_total * 100))

    edge_need: list[int] = []
    edge_row: list[int] = []
    edge_w: list[float] = []
    outside = np.zeros(len(needs))
    shortlist_sizes = np.zeros(len(needs), dtype=np.int64)
    best_cents = np.zeros(len(needs), dtype=np.int64)
    # min_fit: a candidate fitting a need less well than this (score.fit_of) is not
    # a possible match for it at all, so its capacity stays free for needs it fits.
    contexts = [index.context(need, weights, now, min_fit) for need in needs]
    # Needs asking for the same kinds of help share one category-fit computation (the
    # index caches a few hundred), so take them together.
    order = sorted(range(len(needs)), key=lambda i: id(contexts[i].code_scores))
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(needs) >= PARALLEL_FROM else 1
    for i, scored, outside_cents in _shortlists(index, contexts, order, top_k, workers):
        p = priority(needs[i])
        shortlist_sizes[i] = len(scored)
        best_cents[i] = scored[0][0] if scored else 0
        outside[i] = p * outside_cents if outside_cents >= min_cents else 0.0
        for total_cents, row in scored:
            if total_cents >= min_cents:
                edge_need.append(i)
                edge_row.append(row)
                edge_w.append(p * total_cents)

    n_edges = len(edge_w)
    chosen = np.zeros(n_edges, bool)
    v_price: dict[int, float] = {}
    rows_used = sorted(set(edge_row))
    capacity = {r: left for r in rows_used if (left := index.candidates[r].capacity) is not None}
    capped = list(capacity)
    cap_row = {r: k for k, r in enumerate(capped)}
    # An owner's limit is the smallest any of their candidates gives, shortlisted or not
    # (a candidate left out for having nothing left still speaks for its owner).
    used_owners = {_owner(index, r) for r in rows_used}
    owner_caps = {
        o: cap
        for o, cap in _owner_caps(index, range(len(index.candidates))).items()
        if o in used_owners
    }
    owners = sorted(owner_caps, key=str)
    owner_row = {o: k for k, o in enumerate(owners)}
    y_price: dict[Owner, float] = {}
    if n_edges:
        e_need = np.array(edge_need)
        e_row = np.array(edge_row)
        w = np.array(edge_w)
        cap_constraint = np.array([cap_row.get(r, -1) for r in edge_row])
        has_cap = cap_constraint >= 0
        # Owner limits are a second layer over the candidates' own (each candidate has
        # one owner), so the rows stay two laminar families and the matrix stays
        # totally unimodular: the optimum is still whole.
        own_constraint = np.array(
            [owner_row.get(_owner(index, r), -1) if owners else -1 for r in edge_row]
        )
        has_owner = own_constraint >= 0
        row_idx = np.concatenate(
            [
                e_need,
                len(needs) + cap_constraint[has_cap],
                len(needs) + len(capped) + own_constraint[has_owner],
            ]
        )
        col_idx = np.concatenate(
            [np.arange(n_edges), np.flatnonzero(has_cap), np.flatnonzero(has_owner)]
        )
        a = csr_matrix(
            (np.ones(len(row_idx)), (row_idx, col_idx)),
            shape=(len(needs) + len(capped) + len(owners), n_edges),
        )
        b = np.concatenate(
            [
                np.ones(len(needs)),
                [float(capacity[r]) for r in capped],
                [float(owner_caps[o]) for o in owners],
            ]
        )
        res = linprog(-w, A_ub=a, b_ub=b, bounds=(0, 1), method="highs-ds")
        if res.status != 0:  # pragma: no cover - the problem is always feasible (x = 0)
            raise RuntimeError(f"allocation LP failed: {res.message}")
        chosen = res.x > 0.5
        prices = np.maximum(0.0, -np.asarray(res.ineqlin.marginals))
        v_price = {r: float(prices[len(needs) + k]) for r, k in cap_row.items()}
        y_price = {o: float(prices[len(needs) + len(capped) + k]) for o, k in owner_row.items()}
        chosen = _repair(chosen, e_need, e_row, w, index, owner_caps)
    else:
        e_need = e_row = np.zeros(0, dtype=np.int64)
        w = np.zeros(0)

    # Upper bound from the dual prices (valid whatever the solver's tolerances).
    u = outside.copy()
    best = outside.copy()
    for k in range(n_edges):
        i, r = int(e_need[k]), int(e_row[k])
        u[i] = max(u[i], w[k] - v_price.get(r, 0.0) - y_price.get(_owner(index, r), 0.0))
        best[i] = max(best[i], w[k])
    dual_bound = (
        float(u.sum())
        + sum(v_price[r] * capacity[r] for r in capped)
        + sum(y_price[o] * owner_caps[o] for o in owners)
    )
    upper = min(dual_bound, float(best.sum()))

    assignments: list[Assignment] = []
    assigned = set()
    remaining = {index.candidates[r].id: capacity[r] for r in capped}
    objective = 0.0
    total = 0
    for k in sorted(np.flatnonzero(chosen).tolist(), key=lambda k: int(e_need[k])):
        i = int(e_need[k])
        m = index.explain(contexts[i], index.candidates[int(e_row[k])].id)
        assignments.append(Assignment(needs[i].id, m))
        assigned.add(i)
        objective += float(w[k])
        total += m.total_cents
        if m.candidate_id in remaining:
            remaining[m.candidate_id] -= 1

    unmet = []
    needs_with_edges = set(edge_need)
    for i, need in enumerate(needs):
        if i in assigned:
            continue
        if shortlist_sizes[i]:
            if i not in needs_with_edges:
                unmet.append(
                    Unmet(
                        need.id,
                        "weak",
                        f"The best possible match scores only {best_cents[i] / 100:g}",
                    )
                )
            else:
                unmet.append(
                    Unmet(
                        need.id,
                        "taken",
                        "Everyone suitable is at capacity with other needs in this batch",
                    )
                )
            continue
        unmet.append(_why_none(index, contexts[i], weights, now))

    ratio = objective / upper if upper > 0 else 1.0
    return Allocation(
        assignments=assignments,
        unmet=unmet,
        total_fit=total / 100,
        objective=objective / 100,
        upper_bound=upper / 100,
        fit_ratio=ratio,
        remaining=remaining,
    )


def _why_none(
    index: CandidateIndex,
    ctx: NeedContext,
    weights: Mapping[str, float] | None,
    now: datetime | None,
) -> Unmet:
    """Why a need has no possible match: nobody fitting well enough although someone
    could help ("poor_fit"), or else the first hard constraint that leaves nobody."""
    need = ctx.need
    if ctx.min_fit:
        loose = index.context(need, weights, now)
        feasible = index.shortlist(loose, None).matches
        if feasible:
            best = max(feasible, key=lambda m: (fit_of(m), -m.total_cents))
            name = index.candidates[index.pos[best.candidate_id]].name
            return Unmet(
                need.id,
                "poor_fit",
                f"No good match: the closest, {name}, fits only {fit_of(best):.0%} "
                f"(the minimum is {ctx.min_fit:.0%})",
            )
        ctx = loose
    code, reason = index.why_none(ctx)
    return Unmet(need.id, code, reason)


PARALLEL_FROM = 2000  # needs; below this, starting processes costs more than it saves


def _shortlist_chunk(args: tuple[list[int]]) -> list[Shortlisted]:
    assert _FORKED, "set by _shortlists before the pool starts"
    index, contexts, _unused, top_k = _FORKED
    (chunk,) = args
    out = []
    for i in chunk:
        sl = index.shortlist(contexts[i], top_k, explain=False)
        out.append((i, sl.scored, sl.outside_bound_cents))
    return out


_FORKED: tuple[()] | tuple[CandidateIndex, list[NeedContext], None, int] = ()


def _shortlists(
    index: CandidateIndex,
    contexts: list[NeedContext],
    order: list[int],
    top_k: int,
    workers: int,
) -> Iterator[Shortlisted]:
    """Each need's shortlist: (need position, [(total_cents, row)], bound outside it).
    With workers > 1 (and the fork start method, as on Linux, in a process with no other
    thread), the needs are split between processes that share the index copy-on-write;
    the result is the same."""
    # Forking a process that runs other threads (a web server's, a browser driver's, the
    # candidate index's builder) can leave a child waiting for ever on a lock one of them
    # held at the fork: then the needs are shortlisted here, in one process.
    if (
        workers <= 1
        or "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1
    ):
        for i in order:
            sl = index.shortlist(contexts[i], top_k, explain=False)
            yield i, sl.scored, sl.outside_bound_cents
        return
    global _FORKED
    chunks = [order[k::workers] for k in range(workers)]
    _FORKED = (index, contexts, None, top_k)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            found = {
                i: (scored, bound)
                for part in pool.map(_shortlist_chunk, [(c,) for c in chunks])
                for i, scored, bound in part
            }
    finally:
        _FORKED = ()
    for i in order:  # the same order as one process: the same LP, the same answer
        yield i, *found[i]


def _owner(index: CandidateIndex, r: int) -> Owner:
    c = index.candidates[r]
    return c.owner_id if c.owner_id is not None else ("candidate", c.id)


def _owner_caps(index: CandidateIndex, rows: Iterable[int]) -> dict[Owner, int]:
    """Each owner's remaining limit (the smallest its candidates give), for owners
    that have one."""
    caps: dict[Owner, int] = {}
    for r in rows:
        oc = index.candidates[r].owner_capacity
        if oc is not None:
            o = _owner(index, r)
            caps[o] = min(caps.get(o, oc), oc)
    return caps


def _repair(
    chosen: NDArray[np.bool_],
    e_need: NDArray[np.int_],
    e_row: NDArray[np.int_],
    w: NDArray[np.float64],
    index: CandidateIndex,
    owner_caps: dict[Owner, int],
) -> NDArray[np.bool_]:
    """Guard against a fractional or slightly infeasible solver answer: drop the
    weakest edges until every need has at most one and no capacity (a candidate's or
    its owner's) is exceeded."""
    chosen = chosen.copy()
    used_need: set[int] = set()
    used_cap: dict[int, int] = {}
    used_owner: dict[Owner, int] = {}
    for k in sorted(np.flatnonzero(chosen).tolist(), key=lambda k: -w[k]):
        i, r = int(e_need[k]), int(e_row[k])
        cap = index.candidates[r].capacity
        o = _owner(index, r)
        ocap = owner_caps.get(o)
        if (
            i in used_need
            or (cap is not None and used_cap.get(r, 0) >= cap)
            or (ocap is not None and used_owner.get(o, 0) >= ocap)
        ):
            chosen[k] = False
            continue
        used_need.add(i)
        used_cap[r] = used_cap.get(r, 0) + 1
        used_owner[o] = used_owner.get(o, 0) + 1
    return chosen
