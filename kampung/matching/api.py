"""Needs, offers and matches through the API, with the same rules as the pages:
post a need or an offer, read a need's explained candidates, propose, answer, complete,
and batch-allocate open needs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from kampung import limits, policy
from kampung.api_types import MAX_ID, Id, one_of
from kampung.assets.models import Asset
from kampung.communities.models import Organisation
from kampung.matching import actions, contacts, core, kept
from kampung.matching import candidates as cand
from kampung.matching.models import Match, Mode, Need, Offer
from kampung.people.models import Member
from kampung.timebank.ledger import MAX_MINUTES
from kampung.web import community_for

router = Router(tags=["matching"])

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class Slot(Schema):
    day: int = Field(..., ge=0, le=6, strict=True)
    opens: str = Field(..., pattern=HHMM)
    closes: str = Field(..., pattern=HHMM)


class NeedIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=limits.DESCRIPTION_MAX)
    tags: list[str] = Field([], max_length=limits.LIST_MAX)
    mode: str = Field("in_person", json_schema_extra={"enum": Mode.values})
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    times: list[Slot] = Field([], max_length=limits.SLOTS_MAX)
    needed_from: date | None = None
    needed_by: date | None = None
    urgency: int = Field(1, ge=0, le=3, strict=True)
    languages: list[str] = Field([], max_length=limits.LIST_MAX)
    accessibility: list[str] = Field([], max_length=limits.LIST_MAX)
    safeguarding: int = Field(0, ge=0, le=2, strict=True)
    for_household: bool = False
    member_id: Id | None = Field(None, description="Ask for another member (staff only).")
    organisation_id: Id | None = Field(
        None,
        description="A request from an organisation working in the community (staff, or "
        "that organisation's partner staff).",
    )


class NeedOut(Schema):
    id: int
    title: str
    description: str
    tags: list[str]
    kind_guessed: bool = Field(
        False, description="True when Kampung guessed the tags from the words."
    )
    mode: str
    urgency: int
    safeguarding: int
    status: str
    organisation_id: int | None = None
    created_at: datetime

    @staticmethod
    def resolve_tags(obj):
        return [t.code for t in obj.tags.all()]


class OfferIn(Schema):
    kind: str = Field(..., json_schema_extra={"enum": Offer.Kind.values})
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=limits.DESCRIPTION_MAX)
    tags: list[str] = Field([], max_length=limits.LIST_MAX)
    location_kind: str = Field(
        "comes_to_you", json_schema_extra={"enum": Asset.LocationKind.values}
    )
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    travel_km: float = Field(1.0, ge=0, le=200)
    availability: list[Slot] = Field([], max_length=limits.SLOTS_MAX)
    languages: list[str] = Field([], max_length=limits.LIST_MAX)
    accessibility: list[str] = Field([], max_length=limits.LIST_MAX)
    capacity: int = Field(1, ge=1, le=50, strict=True)


class OfferOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    asset_id: int | None = None


class FactorOut(Schema):
    name: str
    weight: float
    points: float
    explanation: str


class CandidateOut(Schema):
    candidate_id: str
    kind: str
    total: float
    factors: list[FactorOut]


class ExclusionOut(Schema):
    candidate_id: str
    code: str
    reason: str


class NotSuggestedOut(Schema):
    code: str
    people: int
    places: int


class CandidatesOut(Schema):
    candidates: list[CandidateOut]
    not_suggested: list[NotSuggestedOut] = Field(
        ..., description="Who offers something relevant but is left out, counted by rule"
    )
    not_suggested_text: list[str]
    excluded: list[ExclusionOut] = Field(
        ..., description="A page of those left out, one by one (excluded_limit, excluded_offset)"
    )
    excluded_total: int


class ProposeIn(Schema):
    candidate_id: str = Field(
        ..., max_length=64, description="offer:<id>, profile:<member id> or asset:<id>"
    )
    note: str = Field("", max_length=limits.NOTE_MAX)


ShareChoice = Literal["none", "phone", "email", "both"]


def _sees_reasons(context, match) -> bool:
    return policy.can(context["request"].user, "match.view_reasons", match.need.community, match)


class MatchOut(Schema):
    id: int
    need_id: int
    status: str
    score: float | None = Field(None, description="For staff and the helper only.")
    factors: list[dict] = Field([], description="For staff and the helper only.")
    minutes_given: int | None
    helper_name: str | None = Field(
        None, description="Shown to the person asking only once the helper said yes."
    )
    helper_shares: str = Field("", description="What the helper shares (blank: not chosen).")
    asker_shares: str = Field("", description="What the person asking shares.")
    contacts: list[dict] = Field(
        [], description="The other side(s), with only the contact details they shared."
    )

    @staticmethod
    def resolve_score(obj, context):
        return obj.score if _sees_reasons(context, obj) else None

    @staticmethod
    def resolve_factors(obj, context):
        return obj.factors if _sees_reasons(context, obj) else []

    @staticmethod
    def resolve_helper_name(obj, context):
        if obj.helper_id is None:
            return None
        label = contacts.helper_label(context["request"].user, obj)
        return obj.helper.display_name if label == obj.candidate_name else None

    @staticmethod
    def resolve_contacts(obj, context):
        return contacts.contacts_for(context["request"].user, obj)


class AnswerIn(Schema):
    accept: bool
    reason: str = Field("", max_length=limits.NOTE_MAX)
    share: ShareChoice = Field(
        "none", description="Saying yes: what the person asking may see (neither unless chosen)."
    )


class ShareIn(Schema):
    share: ShareChoice
    side: Literal["helper", "asker"] | None = Field(
        None, description="Staff recording the choice of a person without a login."
    )


class MessageIn(Schema):
    text: str = Field(..., min_length=1, max_length=limits.NOTE_MAX)


class MessageOut(Schema):
    id: int
    sender: str
    text: str
    created_at: datetime

    @staticmethod
    def resolve_sender(obj):
        return obj.sender.display_name


class CompleteIn(Schema):
    minutes: int = Field(
        ...,
        ge=0,
        le=MAX_MINUTES,
        strict=True,
        description="Time given, in whole minutes (0 adds feedback only).",
    )
    feedback: str = Field("", max_length=limits.NOTE_MAX)


def _need(request, community, need_id) -> Need:
    need = get_object_or_404(Need, pk=need_id, community=community)
    policy.require(request.user, "need.view", community, need)
    return need


def _match(request, community, match_id) -> Match:
    match = get_object_or_404(
        Match.objects.select_related("need__member", "helper"),
        pk=match_id,
        community=community,
    )
    policy.require(request.user, "match.view", community, match)
    return match


@router.get("/communities/{slug}/needs", response=list[NeedOut])
def list_needs(request, slug: str, status: Annotated[str, one_of(Need.Status.values)] = "open"):
    community = community_for(request, slug)
    policy.require(request.user, "need.post", community)
    return cand.needs_of(request.user, community).filter(status=status).prefetch_related("tags")


@router.post("/communities/{slug}/needs", response={201: NeedOut})
def post_need(request, slug: str, payload: NeedIn):
    community = community_for(request, slug)
    data = payload.dict()
    member_id = data.pop("member_id")
    member = get_object_or_404(Member, pk=member_id, community=community) if member_id else None
    organisation_id = data.pop("organisation_id")
    organisation = get_object_or_404(Organisation, pk=organisation_id) if organisation_id else None
    need = actions.post_need(
        by=request.user, community=community, member=member, organisation=organisation, **data
    )
    return Status(201, need)


@router.get("/communities/{slug}/needs/{need_id}", response=NeedOut)
def get_need(request, slug: str, need_id: int):
    return _need(request, community_for(request, slug), need_id)


@router.get("/communities/{slug}/needs/{need_id}/candidates", response=CandidatesOut)
def need_candidates(
    request,
    slug: str,
    need_id: int,
    limit: int = Query(10, ge=1, le=100),
    excluded_limit: int = Query(0, ge=0, le=100),
    excluded_offset: int = Query(0, ge=0, le=MAX_ID),
):
    """The best candidates (at most `limit`) with each factor's points (they add up to
    the total); how many who offer something relevant are left out, by rule; and, when
    asked (`excluded_limit`), a page of those left out with the rule that excludes each."""
    community = community_for(request, slug)
    need = _need(request, community, need_id)
    policy.require(request.user, "match.propose", community, need)
    ranked = kept.rank_need(
        request.user, need, limit=limit, excluded_page=(excluded_offset, excluded_limit)
    )
    summary = ranked.not_suggested
    return {
        "candidates": [
            {
                "candidate_id": str(m.candidate_id),
                "kind": m.kind,
                "total": m.total,
                "factors": [f.__dict__ for f in m.factors],
            }
            for m in ranked.matches
        ],
        "not_suggested": [
            {"code": code, "people": people, "places": places}
            for code, (people, places) in summary.counts.items()
        ],
        "not_suggested_text": cand.not_suggested_sentences(need, summary),
        "excluded": [
            {"candidate_id": str(e.candidate_id), "code": e.code, "reason": e.reason}
            for e in ranked.excluded
        ],
        "excluded_total": sum(p + q for p, q in summary.counts.values()),
    }


@router.post("/communities/{slug}/needs/{need_id}/matches", response={201: MatchOut})
def propose(request, slug: str, need_id: int, payload: ProposeIn):
    community = community_for(request, slug)
    need = _need(request, community, need_id)
    match = actions.propose_match(
        by=request.user, need=need, candidate_id=payload.candidate_id, note=payload.note
    )
    return Status(201, match)


@router.get("/communities/{slug}/matches/{match_id}", response=MatchOut)
def get_match(request, slug: str, match_id: int):
    match = _match(request, community_for(request, slug), match_id)
    contacts.log_staff_view(request.user, match, via="api")
    return match


@router.post("/communities/{slug}/matches/{match_id}/share", response=MatchOut)
def share(request, slug: str, match_id: int, payload: ShareIn):
    """Choose what the other side sees of me on this match: phone, email, both or none."""
    community = community_for(request, slug)
    match = _match(request, community, match_id)
    return actions.choose_what_to_share(
        by=request.user, match=match, share=payload.share, side=payload.side
    )


@router.get("/communities/{slug}/matches/{match_id}/messages", response=list[MessageOut])
def list_messages(request, slug: str, match_id: int):
    community = community_for(request, slug)
    match = _match(request, community, match_id)
    policy.require(request.user, "match.read_messages", community, match)
    contacts.log_staff_view(request.user, match, via="api")
    return match.messages.select_related("sender")


@router.post("/communities/{slug}/matches/{match_id}/messages", response={201: MessageOut})
def send_message(request, slug: str, match_id: int, payload: MessageIn):
    community = community_for(request, slug)
    match = _match(request, community, match_id)
    return Status(201, actions.send_match_message(by=request.user, match=match, text=payload.text))


@router.post("/communities/{slug}/matches/{match_id}/answer", response=MatchOut)
def answer(request, slug: str, match_id: int, payload: AnswerIn):
    community = community_for(request, slug)
    match = _match(request, community, match_id)
    return actions.answer_match(
        by=request.user,
        match=match,
        accept=payload.accept,
        reason=payload.reason,
        share=payload.share,
    )


@router.post("/communities/{slug}/matches/{match_id}/start", response=MatchOut)
def start(request, slug: str, match_id: int):
    community = community_for(request, slug)
    return actions.start_match(by=request.user, match=_match(request, community, match_id))


@router.post("/communities/{slug}/matches/{match_id}/complete", response=MatchOut)
def complete(request, slug: str, match_id: int, payload: CompleteIn):
    community = community_for(request, slug)
    match = _match(request, community, match_id)
    return actions.complete_match(
        by=request.user, match=match, minutes=payload.minutes, feedback=payload.feedback
    )


@router.post("/communities/{slug}/matches/{match_id}/cancel", response=MatchOut)
def cancel(request, slug: str, match_id: int, reason: str = ""):
    community = community_for(request, slug)
    return actions.cancel_match(
        by=request.user, match=_match(request, community, match_id), reason=reason
    )


@router.post("/communities/{slug}/allocations")
def allocate(
    request,
    slug: str,
    dry_run: bool = False,
    min_fit: float = Query(core.DEFAULT_MIN_FIT, ge=0, le=1),
):
    """Propose the best overall set of matches for all open needs without one, each
    fitting at least `min_fit` (0-1: how well what the helper offers matches the need);
    needs nobody fits that well stay unmet ("No good match: ..."). With `dry_run=true`
    nothing is written: the response lists the matches that would be proposed."""
    community = community_for(request, slug)
    if dry_run:
        plan = actions.plan_allocation(by=request.user, community=community, min_fit=min_fit)
        return {
            "dry_run": True,
            "proposed": [
                {
                    "need_id": p.need.pk,
                    "candidate_id": p.candidate_id,
                    "score": p.total,
                    "fit": round(p.fit, 3),
                    "why": list(p.why),
                }
                for p in plan.pairs
            ],
            "unmet": [
                {"need_id": n.pk, "reason": reason} for n, reason in plan.no_good_match + plan.unmet
            ],
        }
    proposed, unmet = actions.allocate_open_needs(
        by=request.user, community=community, min_fit=min_fit
    )
    return {
        "dry_run": False,
        "proposed": [{"match_id": m.pk, "need_id": m.need_id, "score": m.score} for m in proposed],
        "unmet": [{"need_id": n.pk, "reason": reason} for n, reason in unmet],
    }


@router.post("/communities/{slug}/offers", response={201: OfferOut})
def post_offer(request, slug: str, payload: OfferIn):
    community = community_for(request, slug)
    return Status(201, actions.post_offer(by=request.user, community=community, **payload.dict()))


@router.get("/communities/{slug}/offers", response=list[OfferOut])
def my_offers(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "offer.post", community)
    me = policy.membership(request.user, community)
    return Offer.objects.filter(community=community, member=me)
