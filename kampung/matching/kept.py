"""The candidate index each web process keeps, per community, so that "who could help
with this request" ranks from memory instead of re-reading every offer.

- Built once per process from ``candidates.read_candidates`` (at 100,000 offers this takes
  a while: in the background, see ``get``), then kept up to date from the
  CandidateChange rows that signals write beside every change (kampung.matching.signals):
  each request reads the rows newer than the ones it has applied — one indexed query —
  and re-reads just the offers, people and places they name (``LiveIndex.put``/``drop``).
- Rebuilt in a background thread when many rows were replaced (their words are not in
  the text model), when it is older than KAMPUNG_MATCHING_INDEX_MAX_AGE seconds (asks
  age, checks expire) or on a new day; the old one serves until the new one is ready.
- Proposing a match still re-reads the candidate fresh and re-checks every hard rule
  (``score_fresh``): the index decides what is shown, never what is allowed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Max

from kampung.errors import DomainError
from kampung.matching import candidates as cand
from kampung.matching import core
from kampung.matching.core.index import NotSuggested
from kampung.matching.core.live import LiveIndex
from kampung.matching.core.score import score_candidate
from kampung.matching.models import CandidateChange

log = logging.getLogger("kampung.matching.kept")

# Change rows looked at again behind the newest applied one: a transaction that took its
# number earlier but committed later is still seen.
LOOKBACK = 200
# More new rows than this at once: rebuild instead of re-reading them one by one.
MAX_CHANGES = 5000


class NotReady(DomainError):
    code = "not_ready"
    status = 503
    default_message = (
        "Kampung is still gathering everyone who could help in this community. "
        "Try again in a minute."
    )


@dataclass
class Kept:
    live: LiveIndex
    version: int  # the newest CandidateChange id applied
    built_at: float
    day: str  # the community's local date when built
    applied: deque[int] = field(default_factory=lambda: deque(maxlen=LOOKBACK * 2))
    applied_set: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mark_applied(self, ids: list[int]) -> None:
        for i in ids:
            if len(self.applied) == self.applied.maxlen:
                self.applied_set.discard(self.applied[0])
            self.applied.append(i)
            self.applied_set.add(i)


_kept: dict[tuple, Kept] = {}
_building: dict[tuple, threading.Thread] = {}
_guard = threading.Lock()


def _key(community) -> tuple:
    # (id, created_at): a database rebuilt with the same ids never reuses another's.
    return (community.pk, community.created_at, connection.settings_dict["NAME"])


def _local_day(community) -> str:
    return cand.local_now(community).date().isoformat()


def build(community) -> Kept:
    """Read every candidate and index them (the slow part)."""
    started = time.perf_counter()
    version = CandidateChange.objects.filter(community=community).aggregate(v=Max("id"))["v"] or 0
    live = LiveIndex.build(cand.read_candidates(community))
    kept = Kept(live=live, version=version, built_at=time.monotonic(), day=_local_day(community))
    # What the build read already: the rows up to its version.
    kept.mark_applied(
        list(
            CandidateChange.objects.filter(
                community=community, pk__gt=max(0, version - LOOKBACK), pk__lte=version
            ).values_list("pk", flat=True)
        )
    )
    log.info(
        "candidate index built",
        extra={
            "community": community.slug,
            "candidates": len(live),
            "seconds": round(time.perf_counter() - started, 2),
        },
    )
    return kept


def _build_in_background(community, key) -> threading.Thread:
    def work() -> None:
        try:
            kept = build(community)
            with _guard:
                _kept[key] = kept
        except Exception:  # pragma: no cover - logged, the old index keeps serving
            log.exception("candidate index build failed", extra={"community": community.slug})
        finally:
            with _guard:
                _building.pop(key, None)
            connection.close()

    with _guard:
        thread = _building.get(key)
        if thread is None:
            thread = _building[key] = threading.Thread(
                target=work, name=f"kampung-index-{community.pk}", daemon=True
            )
            thread.start()
    return thread


def _in_background() -> bool:
    # Tests (one database transaction per test) and small sites build in the request.
    return bool(getattr(settings, "KAMPUNG_MATCHING_BUILD_IN_BACKGROUND", True))


def get(community, *, wait: float | None = None) -> Kept:
    """The community's kept index, up to date with every committed change. The first
    call in a process builds it: in a background thread, waiting up to ``wait`` seconds
    (KAMPUNG_MATCHING_INDEX_WAIT) before refusing with NotReady."""
    key = _key(community)
    kept = _kept.get(key)
    if kept is None:
        if not _in_background():
            kept = _kept[key] = build(community)
        else:
            thread = _build_in_background(community, key)
            limit = wait if wait is not None else settings.KAMPUNG_MATCHING_INDEX_WAIT
            thread.join(timeout=limit)
            kept = _kept.get(key)
            if kept is None:
                raise NotReady()
    _catch_up(community, kept)
    if _stale(community, kept):
        if _in_background():
            _build_in_background(community, key)
        else:
            kept = _kept[key] = build(community)
    return kept


def _stale(community, kept: Kept) -> bool:
    age = time.monotonic() - kept.built_at
    return (
        kept.live.needs_rebuild()
        or age > settings.KAMPUNG_MATCHING_INDEX_MAX_AGE
        or (age > 60 and kept.day != _local_day(community))
    )


def _catch_up(community, kept: Kept) -> None:
    rows = list(
        CandidateChange.objects.filter(
            community=community, pk__gt=max(0, kept.version - LOOKBACK)
        ).values_list("pk", "key")[: MAX_CHANGES + LOOKBACK]
    )
    new = [(pk, k) for pk, k in rows if pk not in kept.applied_set]
    if not new:
        return
    with kept.lock:
        new = [(pk, k) for pk, k in new if pk not in kept.applied_set]
        if not new:
            return
        if len(new) >= MAX_CHANGES:
            # Far behind (a process forked from an old copy, a bulk import): catch up a
            # slice at a time, and rebuild in the background meanwhile.
            kept.built_at = 0.0
        apply(community, kept.live, [k for _pk, k in new])
        kept.mark_applied([pk for pk, _k in new])
        kept.version = max(kept.version, max(pk for pk, _k in new))


def apply(community, live: LiveIndex, keys: list[str]) -> None:
    """Re-read what the change keys name and put the result in the index: present
    candidates replace the old ones, missing ones are dropped."""
    offers: set[int] = set()
    members: set[int] = set()
    assets: set[int] = set()
    for key in keys:
        kind, _sep, pk = key.partition(":")
        if not pk.isdigit():
            continue
        {"offer": offers, "member": members, "asset": assets}.get(kind, set()).add(int(pk))
    fresh = cand.read_candidates(community, offers=offers, members=members, assets=assets)
    # What may have been there before: the same ids, and whatever those people owned.
    before = {f"offer:{o}" for o in offers} | {f"asset:{a}" for a in assets}
    for m in members:
        owner = f"member:{m}"
        before.add(f"profile:{m}")
        before.update(live.base.candidates[r].id for r in live.base.owner_rows.get(owner, ()))
        before.update(c.id for c, _f in live.extra.values() if c.owner_id == owner)
    now = {c.id for c in fresh}
    for cid in before - now:
        live.drop(cid)
    for c in fresh:
        live.put(c)


def forget() -> None:
    """Drop every kept index of this process (tests)."""
    with _guard:
        _kept.clear()


# --- what pages and the API call --------------------------------------------------------


@dataclass
class Ranked:
    matches: list[core.Match]
    not_suggested: NotSuggested
    by_id: dict
    excluded: list[core.Exclusion]  # the page of those left out that was asked for


def rank_need(
    user,
    need,
    *,
    limit: int = 10,
    kinds: frozenset[str] | None = None,
    summary: bool = True,
    excluded_page: tuple[int, int] = (0, 0),
) -> Ranked:
    """The best candidates for a need from the kept index; with ``summary``, who offers
    something relevant but is left out, and why; ``excluded_page`` (offset, limit): those
    left out one by one, each with the rule's own words."""
    community = need.community
    kept = get(community)
    me = _me(user, community)
    ctx = kept.live.context(cand.need_to_core(need), now=cand.local_now(community))
    offset, count = excluded_page
    excluded: list[core.Exclusion] = []
    with kept.lock:
        live = kept.live
        matches = live.rank(ctx, limit, kinds=kinds, not_owner=me)
        left_out = (
            live.not_suggested(ctx, kinds=kinds, not_owner=me, listed=count > 0)
            if summary
            else NotSuggested()
        )
        by_id = {m.candidate_id: live.get(m.candidate_id) for m in matches}
        for cid, _code in left_out.listed[offset : offset + count]:
            c, f = live.get(cid), live.features(cid)
            if c is not None and f is not None:
                result = score_candidate(ctx, c, f, live.model)
                if isinstance(result, core.Exclusion):
                    excluded.append(result)
    left_out.listed = []
    return Ranked(matches, left_out, by_id, excluded)


def score_fresh(user, need, candidate_id: str, *, min_fit: float = 0.0):
    """One candidate read just now from the database, scored with every hard rule
    (Match or Exclusion), or None when it is not available at all."""
    kind, pk = cand.resolve(candidate_id)
    selector = {"offer": "offers", "profile": "members", "asset": "assets"}[kind]
    fresh = [
        c for c in cand.read_candidates(need.community, **{selector: [pk]}) if c.id == candidate_id
    ]
    if not fresh:
        return None
    me = _me(user, need.community)
    if me is not None and fresh[0].kind != "asset" and fresh[0].owner_id == me:
        return None
    kept = get(need.community)
    ctx = kept.live.context(
        cand.need_to_core(need), now=cand.local_now(need.community), min_fit=min_fit
    )
    return kept.live.score(ctx, fresh[0])


def _me(user, community) -> str | None:
    from kampung import policy

    me = policy.membership(user, community)
    return f"member:{me.pk}" if me is not None else None


def warm() -> None:
    """Build every community's index (a web process starting up, in a thread)."""
    from kampung.communities.models import Community

    close_old_connections()
    try:
        for community in Community.objects.all():
            key = _key(community)
            if key not in _kept:
                try:
                    _kept[key] = build(community)
                except Exception:  # pragma: no cover - the first request builds it then
                    log.exception(
                        "candidate index build failed", extra={"community": community.slug}
                    )
    finally:
        connection.close()


def register_jobs() -> None:
    from kampung.notices.jobs import every

    @every(
        timedelta(days=1),
        name="purge-candidate-changes",
        label="Tidy the list of recent changes to offers",
        timing="Daily",
    )
    def purge(now) -> str:
        n, _ = CandidateChange.objects.filter(at__lt=now - timedelta(days=2)).delete()
        return f"{n} old rows removed"

    del purge
