"""People endpoints: who am I, communities, members, consent, audit log."""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from kampung import limits, policy
from kampung.api_types import Id
from kampung.audit.log import record_view
from kampung.audit.models import AuditEvent
from kampung.people import actions, queries
from kampung.people.models import BackgroundCheck, Clearance, Consent, ConsentPurpose, Member, Role
from kampung.web import community_for

router = Router()


class CommunityOut(Schema):
    slug: str
    name: str
    centre_lat: float
    centre_lng: float
    timezone: str
    languages: list[str]
    my_role: str | None = None


class MeOut(Schema):
    email: str
    display_name: str
    communities: list[CommunityOut]


class MemberSummary(Schema):
    id: int
    display_name: str
    role: str


class ConsentOut(Schema):
    id: int
    purpose: str
    wording_version: str
    given_at: datetime
    recorded_on_behalf: bool
    withdrawn_at: datetime | None


class MemberOut(MemberSummary):
    email: str
    phone: str
    languages: list[str]
    skills: list[str]
    joined_on: date
    area_lat: float | None
    area_lng: float | None
    consents: list[ConsentOut]


class MemberIn(Schema):
    display_name: str = Field(..., min_length=1, max_length=150)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    languages: list[str] = Field([], max_length=limits.LIST_MAX)
    skills: list[str] = Field([], max_length=limits.LIST_MAX)
    birth_year: int | None = Field(None, ge=1900, le=2030, strict=True)
    area_lat: float | None = Field(None, ge=-90, le=90)
    area_lng: float | None = Field(None, ge=-180, le=180)


class MemberPatch(Schema):
    """Send only the fields to change. Only area_lat and area_lng can be null (no area);
    the others are refused as null (send "" or [] to empty one)."""

    display_name: str = Field(None, min_length=1, max_length=150)
    email: str = Field(None, max_length=254)
    phone: str = Field(None, max_length=40)
    languages: list[str] = Field(None, max_length=limits.LIST_MAX)
    skills: list[str] = Field(None, max_length=limits.LIST_MAX)
    area_lat: float | None = Field(None, ge=-90, le=90)
    area_lng: float | None = Field(None, ge=-180, le=180)


class RoleIn(Schema):
    role: Role
    organisation_id: Id | None = None


class ConsentIn(Schema):
    purpose: ConsentPurpose


class AuditOut(Schema):
    id: int
    at: datetime
    actor: str | None
    on_behalf_of: str | None
    action: str
    object_type: str
    object_id: str
    summary: str
    changes: dict
    via: str

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.email if obj.actor else None

    @staticmethod
    def resolve_on_behalf_of(obj):
        return obj.on_behalf_of.display_name if obj.on_behalf_of else None


def _member(request, community, member_id: int) -> Member:
    return get_object_or_404(Member, pk=member_id, community=community)


def _community_out(user, community) -> dict:
    return {**CommunityOut.from_orm(community).dict(), "my_role": policy.role_in(user, community)}


@router.get("/me", response=MeOut, tags=["people"])
def me(request):
    user = request.user
    return {
        "email": user.email,
        "display_name": str(user),
        "communities": [_community_out(user, c) for c in policy.communities_of(user)],
    }


@router.get("/communities", response=list[CommunityOut], tags=["communities"])
def list_communities(request):
    return [_community_out(request.user, c) for c in policy.communities_of(request.user)]


@router.get("/communities/{slug}/members", response=list[MemberSummary], tags=["people"])
@paginate
def list_members(request, slug: str, q: str = ""):
    community = community_for(request, slug)
    policy.require(request.user, "member.view_directory", community)
    members = policy.visible_members(request.user, community)
    if q:
        members = queries.named(members, q)
    return members.only("id", "display_name", "role")


@router.get("/communities/{slug}/members/{member_id}", response=MemberOut, tags=["people"])
def get_member(request, slug: str, member_id: int):
    community = community_for(request, slug)
    member = _member(request, community, member_id)
    policy.require(request.user, "member.view_personal", community, member)
    if member.user_id != request.user.pk:
        record_view(member, viewer=request.user, reason="Viewed through the API")
    return member  # the schema reads member.consents itself


@router.post("/communities/{slug}/members", response={201: MemberSummary}, tags=["people"])
def create_member(request, slug: str, payload: MemberIn):
    community = community_for(request, slug)
    member = actions.create_member(by=request.user, community=community, **payload.dict())
    return Status(201, member)


@router.patch("/communities/{slug}/members/{member_id}", response=MemberSummary, tags=["people"])
def update_member(request, slug: str, member_id: int, payload: MemberPatch):
    community = community_for(request, slug)
    member = _member(request, community, member_id)
    changes = payload.dict(exclude_unset=True)
    if not changes:
        raise HttpError(422, "Send at least one field to change.")
    return actions.update_member(by=request.user, member=member, **changes)


@router.post(
    "/communities/{slug}/members/{member_id}/role", response=MemberSummary, tags=["people"]
)
def change_role(request, slug: str, member_id: int, payload: RoleIn):
    community = community_for(request, slug)
    member = _member(request, community, member_id)
    organisation = None
    if payload.organisation_id is not None:
        organisation = community.organisations.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise ValidationError({"organisation_id": ["No such organisation in this community."]})
    return actions.change_role(
        by=request.user, member=member, role=payload.role, organisation=organisation
    )


@router.post(
    "/communities/{slug}/members/{member_id}/consents", response={201: ConsentOut}, tags=["consent"]
)
def record_consent(request, slug: str, member_id: int, payload: ConsentIn):
    community = community_for(request, slug)
    member = _member(request, community, member_id)
    consent = actions.record_consent(by=request.user, member=member, purpose=payload.purpose)
    return Status(201, consent)


@router.post(
    "/communities/{slug}/consents/{consent_id}/withdraw", response=ConsentOut, tags=["consent"]
)
def withdraw_consent(request, slug: str, consent_id: int):
    community = community_for(request, slug)
    consent = get_object_or_404(
        Consent.objects.select_related("member"), pk=consent_id, community=community
    )
    return actions.withdraw_consent(by=request.user, consent=consent)


# --- Background checks -------------------------------------------------------------------


class CheckLevel(IntEnum):
    """1: basic, 2: enhanced (as a request's safeguarding level)."""

    basic = Clearance.BASIC.value
    enhanced = Clearance.ENHANCED.value


class CheckOut(Schema):
    id: int
    member_id: int
    level: int
    level_name: str
    kind: str
    checked_on: date
    expires_on: date
    checked_by: str
    reference: str
    state: str  # valid, expires_soon, expired or withdrawn (today, on the community's clock)
    recorded_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str

    @staticmethod
    def resolve_level_name(obj):
        return "enhanced" if obj.level == Clearance.ENHANCED else "basic"

    @staticmethod
    def resolve_state(obj):
        return obj.state(queries.today_in(obj.member.community))


class CheckIn(Schema):
    """A check as recorded: never the certificate itself. level: 1 basic, 2 enhanced."""

    level: CheckLevel
    kind: str = Field("", max_length=limits.CHECK_KIND_MAX)
    checked_on: date
    expires_on: date
    checked_by: str = Field(..., min_length=1, max_length=limits.CHECK_BY_MAX)
    reference: str = Field("", max_length=limits.CHECK_REFERENCE_MAX)


class CheckWithdrawIn(Schema):
    reason: str = Field("", max_length=limits.CHECK_REASON_MAX)


@router.get(
    "/communities/{slug}/members/{member_id}/checks",
    response=list[CheckOut],
    tags=["background checks"],
)
def list_checks(request, slug: str, member_id: int):
    """A person's background checks, newest expiry first, each with its state today."""
    community = community_for(request, slug)
    member = _member(request, community, member_id)
    policy.require(request.user, "check.view", community, member)
    if member.user_id != request.user.pk:
        record_view(member, viewer=request.user, reason="Viewed their background checks")
    return list(member.checks.select_related("member__community"))


@router.post(
    "/communities/{slug}/members/{member_id}/checks",
    response={201: CheckOut},
    tags=["background checks"],
)
def record_check(request, slug: str, member_id: int, payload: CheckIn):
    community = community_for(request, slug)
    member = _member(request, community, member_id)
    data = payload.dict()
    data["level"] = int(data["level"])
    check = actions.record_check(by=request.user, member=member, **data)
    return Status(201, check)


@router.post(
    "/communities/{slug}/checks/{check_id}/withdraw",
    response=CheckOut,
    tags=["background checks"],
)
def withdraw_check(request, slug: str, check_id: Id, payload: CheckWithdrawIn | None = None):
    """Withdraw a check (revoked, or recorded by mistake): matching stops counting it."""
    community = community_for(request, slug)
    check = get_object_or_404(
        BackgroundCheck.objects.select_related("member__community"),
        pk=check_id,
        community=community,
    )
    reason = payload.reason if payload is not None else ""
    return actions.withdraw_check(by=request.user, check=check, reason=reason)


@router.get("/communities/{slug}/checks/due", response=list[CheckOut], tags=["background checks"])
def checks_due(request, slug: str, within_days: int = 30):
    """Staff: valid checks expiring within `within_days` days (1-366), soonest first."""
    from kampung.audit.log import record_list_view

    community = community_for(request, slug)
    policy.require(request.user, "check.view_due", community)
    if not 1 <= within_days <= 366:
        raise ValidationError({"within_days": ["Choose between 1 and 366 days."]})
    due = queries.checks_due_for_renewal(community, within_days=within_days)
    record_list_view(
        [c.member for c in due], viewer=request.user, reason="Listed background checks due"
    )
    return due


@router.get("/communities/{slug}/audit", response=list[AuditOut], tags=["audit"])
@paginate
def audit_log(request, slug: str, action: str = "", object_type: str = "", actor: str = ""):
    community = community_for(request, slug)
    policy.require(request.user, "audit.view", community)
    events = AuditEvent.objects.filter(community=community).select_related("actor", "on_behalf_of")
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if actor:
        events = events.filter(actor__email__iexact=actor)
    return events


# --- API tokens ---------------------------------------------------------------------------


class TokenOut(Schema):
    prefix: str
    name: str
    owner: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_owner(obj):
        return obj.user.display_name or obj.user.email


class TokenIn(Schema):
    name: str = Field("integration", min_length=1, max_length=100)
    expires_days: int | None = Field(None, ge=1, le=actions.MAX_TOKEN_DAYS, strict=True)


class TokenCreated(TokenOut):
    secret: str


def _token_for(request, prefix: str):
    from kampung.people.models import ApiToken

    token = ApiToken.objects.select_related("user").filter(prefix=prefix[:12]).first()
    # Someone else's token is "not found" unless you may manage it.
    if token is None or not policy.may_manage_tokens_of(request.user, token.user):
        raise HttpError(404, "Not found.")
    return token


@router.get("/tokens", response=list[TokenOut], tags=["tokens"])
def list_my_tokens(request):
    """Your own API tokens (never their secrets), newest first."""
    return request.user.api_tokens.select_related("user").order_by("-created_at")


@router.post("/tokens", response={201: TokenCreated}, tags=["tokens"])
def create_my_token(request, payload: TokenIn):
    """A new token for yourself, from the site's login session (a token cannot make
    tokens: a leaked one must not be able to outlive its own revocation). The secret is
    in this answer only."""
    from kampung.ratelimits import limit

    if getattr(request, "auth_by_token", False):
        raise PermissionDenied("tokens are made from a logged-in session, not by a token")

    limit(request, group="api-token-create", key="user", rate="10/h")
    token, secret = actions.create_api_token(
        user=request.user, name=payload.name, expires_days=payload.expires_days
    )
    token.secret = secret  # in this answer only; never stored
    return Status(201, token)


@router.delete("/tokens/{prefix}", response=TokenOut, tags=["tokens"])
def revoke_token(request, prefix: str):
    """Revoke a token: your own, or as administrator one of a member of your community."""
    return actions.revoke_api_token(by=request.user, token=_token_for(request, prefix))


@router.post("/tokens/{prefix}/revoke", response=TokenOut, tags=["tokens"])
def revoke_token_by_post(request, prefix: str):
    """The same as DELETE /tokens/{prefix}, for clients that cannot send DELETE."""
    return actions.revoke_api_token(by=request.user, token=_token_for(request, prefix))


@router.get("/communities/{slug}/tokens", response=list[TokenOut], tags=["tokens"])
def list_community_tokens(request, slug: str):
    """Administrators: every API token of the people in this community."""
    from kampung.people.models import ApiToken

    community = community_for(request, slug)
    policy.require(request.user, "tokens.manage", community)
    owners = policy.token_owners_in(request.user, community)
    return ApiToken.objects.filter(user__in=owners).select_related("user").order_by("-created_at")
