"""The data the matching core works on. Frozen dataclasses, filled by the Django side
from its models (or by tests, the evaluation set and the benchmark from plain data).

Codes: ``Need.categories`` and ``Candidate.categories``/``skills`` hold codes from the
two tag schemes Kampung uses — Open Eligibility service types ("102-05") and the skills
list ("it-help", see kampung/people/skills.py). The schemes cannot collide (OE codes are
digits and dashes), so one set holds both.

Times: weekly slots are ``(day, start_min, end_min)`` with Monday = 0 and minutes after
local midnight (0-1440) in the community's time zone, like ``Asset.opening_hours``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

Slot = tuple[int, int, int]
Id = int | str

# Safeguarding: the level a need asks for and the clearance a person holds. A candidate
# is only ever suggested when clearance >= the need's level.
CLEARANCE_NONE, CLEARANCE_BASIC, CLEARANCE_ENHANCED = 0, 1, 2
CLEARANCE_NAMES = {
    CLEARANCE_NONE: "no check",
    CLEARANCE_BASIC: "a basic check (identity and references)",
    CLEARANCE_ENHANCED: "an enhanced background check",
}

MODES = ("in_person", "online", "either")
KINDS = ("offer", "profile", "asset")
URGENCY_NAMES = {0: "whenever", 1: "normal", 2: "soon", 3: "urgent"}


@dataclass(frozen=True)
class Need:
    """Something a resident (or a coordinator on their behalf) asks for."""

    id: Id
    text: str
    categories: frozenset[str] = frozenset()
    lat: float | None = None
    lng: float | None = None
    # in_person: someone/something must be physically there; online: remote only;
    # either: both are fine.
    mode: str = "in_person"
    # How far the person asking can go themselves (0: someone has to come to them).
    travel_km: float = 0.0
    times: tuple[Slot, ...] = ()  # weekly times that suit; empty: any time
    occasions: tuple[tuple[datetime, datetime], ...] = ()  # specific dates and times
    strict_time: bool = False  # True: only people free then may be suggested
    urgency: int = 1  # see URGENCY_NAMES
    languages: frozenset[str] = frozenset()  # languages the person is comfortable in
    accessibility: frozenset[str] = frozenset()  # codes from assets.rules.ACCESSIBILITY
    safeguarding: int = CLEARANCE_NONE
    requester_id: Id | None = None  # never match a person to their own need


@dataclass(frozen=True)
class Candidate:
    """An offer (skills, time, items, space), a person's strengths profile, or an asset
        from the register. ``capacity`` is what is *left* (None: no limit), for this candidate
    and (``owner_capacity``) for everything its owner offers; ``recent_asks``
        is how many times this candidate was asked in the last 30 days (for fairness)."""

    id: Id
    kind: str = "offer"
    owner_id: Id | None = None
    name: str = ""
    categories: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    text: str = ""  # description, interests, lived experience
    lat: float | None = None
    lng: float | None = None
    online: bool = False
    comes_to_you: bool = False
    travel_km: float = 0.0  # how far they go to people (0 for a place that stays put)
    availability: tuple[Slot, ...] = ()  # empty: not said
    available_dates: tuple[tuple[date, date], ...] = ()  # inclusive; empty: always
    languages: frozenset[str] = frozenset()
    accessibility: frozenset[str] = frozenset()
    clearance: int = CLEARANCE_NONE
    capacity: int | None = None
    # What is left of the owner's own limit, shared by all their candidates (a person
    # with two offers and a profile can still only take on so much at once). None: no
    # limit. If an owner's candidates disagree, the smallest applies.
    owner_capacity: int | None = None
    paused: bool = False
    consent: bool = True  # agreed to be matched / contacted about needs
    recent_asks: int = 0


@dataclass(frozen=True)
class Factor:
    """One part of a match's score: ``points = round(weight * score, 2)``."""

    name: str
    weight: float
    score: float
    points: float
    explanation: str


@dataclass(frozen=True)
class Match:
    """A feasible candidate for a need. ``total`` is exactly the sum of the factors'
    points as shown (both are whole hundredths; ``total_cents`` is the integer)."""

    candidate_id: Id
    total: float
    factors: tuple[Factor, ...]
    total_cents: int = field(repr=False, default=0)
    kind: str = "offer"
    owner_id: Id | None = None
    delivery: str = "in_person"  # how it would happen: in_person or online

    def factor(self, name: str) -> Factor:
        return next(f for f in self.factors if f.name == name)


@dataclass(frozen=True)
class Exclusion:
    """A candidate that may not be suggested for a need, and why (plain language)."""

    candidate_id: Id
    code: str  # paused, consent, safeguarding, capacity, own, online, distance, access, time,
    # irrelevant, poor_fit (below a batch's minimum fit)
    reason: str
