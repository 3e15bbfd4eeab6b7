"""Who may see and do what: every permission rule in Kampung lives in this module.

Rules are per community. A user acts in a community through their Member record there
(its role). Anything not granted below is denied, including unknown actions and any
action in a community where the user has no role. Installation superusers act as
administrators everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from kampung.people.models import ConsentPurpose, Member, Role

STAFF_ROLES = {Role.COORDINATOR, Role.ADMIN}


class Context:
    __slots__ = ("user", "member", "role", "community", "obj")

    def __init__(self, user, member, role, community, obj):
        self.user, self.member, self.role, self.community, self.obj = (
            user,
            member,
            role,
            community,
            obj,
        )

    @property
    def is_self(self) -> bool:
        return (
            isinstance(self.obj, Member)
            and self.member is not None
            and self.obj.pk == self.member.pk
        )


def _staff(c: Context) -> bool:
    return c.role in STAFF_ROLES


def _partner_party_to(c: Context) -> bool:
    """Partner staff see a member only if their organisation supports that member and
    the member has agreed to share their record with partners."""
    if c.role != Role.PARTNER or c.member is None or c.member.organisation_id is None:
        return False
    target = c.obj
    return (
        isinstance(target, Member)
        and target.supported_by.filter(pk=c.member.organisation_id).exists()
        and target.consents.active().filter(purpose=ConsentPurpose.PARTNER_SHARING).exists()
    )


def _staff_for_member_without_login(c: Context) -> bool:
    return _staff(c) and isinstance(c.obj, Member) and not c.is_self and not c.obj.has_device


def _any_role(c: Context) -> bool:
    return c.role is not None


RULES: dict[str, Callable[[Context], bool]] = {
    "community.view": _any_role,
    "organisation.view": _any_role,
    "member.view_directory": lambda c: _staff(c) or c.role == Role.PARTNER,
    "member.view_personal": lambda c: c.is_self or _staff(c) or _partner_party_to(c),
    "member.create": _staff,
    "member.edit": lambda c: c.is_self or _staff(c),
    # A member with their own login keeps their own email and phone: staff change them
    # only for someone without a login (as with consent and the time bank).
    "member.edit_contacts": lambda c: (
        c.is_self or (_staff(c) and isinstance(c.obj, Member) and not c.obj.has_device)
    ),
    "member.act_on_behalf": lambda c: _staff(c) and not c.is_self,
    # On someone's behalf only for a member without a login (as the time bank's
    # "timebank.act_for_member"): a member with a login decides for themselves.
    "consent.record": lambda c: c.is_self or _staff_for_member_without_login(c),
    "consent.withdraw": lambda c: c.is_self or _staff_for_member_without_login(c),
    # Background checks: community developers and administrators record and withdraw
    # them, never their own (someone else vouches for a check). The person sees their own.
    "check.view": lambda c: c.is_self or _staff(c),
    "check.record": lambda c: _staff(c) and isinstance(c.obj, Member) and not c.is_self,
    "check.withdraw": lambda c: _staff(c) and isinstance(c.obj, Member) and not c.is_self,
    "check.view_due": _staff,
    "stats.view": lambda c: _staff(c) or c.role == Role.ANALYST,
    "audit.view": lambda c: c.role == Role.ADMIN,
    "roles.manage": lambda c: c.role == Role.ADMIN,
    # Administrators see and revoke the API tokens of people in their community, and
    # see and clear their login lockouts. Everyone manages their own tokens.
    "tokens.manage": lambda c: c.role == Role.ADMIN,
    "lockouts.manage": lambda c: c.role == Role.ADMIN,
    # The background work page: schedules, and emails that could not be sent (to
    # whom, about what), which administrators may try again.
    "tasks.manage": lambda c: c.role == Role.ADMIN,
}
ACTIONS = tuple(RULES)


def membership(user, community) -> Member | None:
    """The user's Member record in `community`, cached on the user for this request."""
    if user is None or not user.is_authenticated or community is None:
        return None
    cache = user.__dict__.setdefault("_kampung_memberships", {})
    if community.pk not in cache:
        cache[community.pk] = (
            Member.objects.filter(community=community, user=user, is_active=True)
            .select_related("organisation")
            .first()
        )
    return cache[community.pk]


def role_in(user, community) -> str | None:
    member = membership(user, community)
    if member is not None:
        return member.role
    if user is not None and user.is_authenticated and user.is_superuser:
        return Role.ADMIN
    return None


def can(user, action: str, community, obj=None) -> bool:
    rule = RULES.get(action)
    if rule is None or community is None:
        return False
    if obj is not None and getattr(obj, "community_id", community.pk) != community.pk:
        return False  # never across communities
    role = role_in(user, community)
    if role is None:
        return False
    return bool(rule(Context(user, membership(user, community), role, community, obj)))


def require(user, action: str, community, obj=None) -> None:
    if not can(user, action, community, obj):
        raise PermissionDenied(action)


def visible_members(user, community) -> QuerySet[Member]:
    """Members whose names `user` may list in `community` (empty if none)."""
    qs = Member.objects.in_community(community)
    if not can(user, "member.view_directory", community):
        return qs.none()
    if role_in(user, community) == Role.PARTNER:
        member = membership(user, community)
        assert member is not None  # role_in gives a partner's role from their membership
        return qs.filter(
            supported_by=member.organisation_id,
            consents__purpose=ConsentPurpose.PARTNER_SHARING,
            consents__withdrawn_at__isnull=True,
        ).distinct()
    return qs


def may_manage_tokens_of(user, owner) -> bool:
    """`user` may see and revoke `owner`'s API tokens: their own, or as administrator
    of a community where `owner` is an active member."""
    if user is None or not user.is_authenticated:
        return False
    if owner.pk == user.pk or user.is_superuser:
        return True
    return any(
        can(user, "tokens.manage", community)
        for community in communities_of(owner).filter(members__user=owner)
    )


def token_owners_in(user, community) -> QuerySet:
    """Logins whose tokens `user` may list in `community`: everyone's there for an
    administrator, otherwise only their own."""
    from kampung.people.models import User

    if can(user, "tokens.manage", community):
        return User.objects.filter(
            memberships__community=community, memberships__is_active=True
        ).distinct()
    return User.objects.filter(pk=user.pk)


def communities_of(user) -> QuerySet:
    from kampung.communities.models import Community

    if user.is_authenticated and user.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(members__user=user, members__is_active=True).distinct()


# --- Assets -------------------------------------------------------------------------------


def visible_assets(user, community):
    """Assets `user` may see in `community`. Community developers and administrators see
    every asset; others see what is shared with everyone or with members, plus what
    they steward. A personal asset (someone's skills) shows to others only while its
    person agrees to show their profile to members."""
    from django.db.models import Exists, OuterRef, Q
    from django.db.models.expressions import Combinable

    from kampung.assets.models import Asset, Category
    from kampung.people.models import Consent

    qs = Asset.objects.filter(community=community)
    role = role_in(user, community)
    if role is None:
        return qs.none()
    if role in STAFF_ROLES:
        return qs
    me = membership(user, community)
    shared = Q(visibility__in=[Asset.Visibility.PUBLIC, Asset.Visibility.MEMBERS])
    consented = Exists(
        Consent.objects.filter(
            member=OuterRef("steward_member"),
            purpose=ConsentPurpose.PROFILE_VISIBLE,
            withdrawn_at__isnull=True,
        )
    )
    # A Q at runtime; django-stubs' Q.__or__ takes only a Q, so Q | Exists is typed Combinable.
    visible: Q | Combinable = shared & (~Q(category=Category.PERSONAL) | consented)
    if me is not None:
        visible |= Q(steward_member=me)
    return qs.filter(visible)


def _asset_steward(c: Context) -> bool:
    return c.member is not None and getattr(c.obj, "steward_member_id", None) == c.member.pk


RULES.update(
    {
        "asset.view_map": _any_role,
        "asset.create": _any_role,
        "asset.edit": lambda c: _staff(c) or _asset_steward(c),
        "asset.verify": lambda c: _staff(c) or _asset_steward(c),
        "asset.export": _any_role,
        # A spreadsheet can add or change thousands of assets at once.
        "asset.import": _staff,
    }
)
ACTIONS = tuple(RULES)


# --- Asset-mapping workshops ---------------------------------------------------------------
# Participants need no role: the workshop's secret link lets them add items while it is
# open (kampung.workshops.actions.add_item). Running the board is community developers'.

RULES.update({"workshop.run": _staff})
ACTIONS = tuple(RULES)


# --- Time bank ------------------------------------------------------------------------------
# Everyone with a role is a member who can earn, save, spend and give their own credits.
# Community developers record for others, confirm for members without a login (acting
# on their behalf), allocate from the pool and correct mistakes with reversals.


def _own_account(c: Context) -> bool:
    """The member's own account, or for partner staff their organisation's account."""
    if c.member is None:
        return False
    if getattr(c.obj, "member_id", None) == c.member.pk:
        return True
    org_id = getattr(c.obj, "organisation_id", None)
    return c.role == Role.PARTNER and org_id is not None and org_id == c.member.organisation_id


def _for_member_without_login(c: Context) -> bool:
    return _staff(c) and isinstance(c.obj, Member) and not c.is_self and not c.obj.has_device


def is_own(user, party) -> bool:
    """Whether `party` (a Member, an Account, or None) is `user` themselves or their own
    time bank account, in any community on the installation."""
    if party is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if isinstance(party, Member):
        return party.user_id is not None and party.user_id == user.pk
    member_id = getattr(party, "member_id", None)
    if member_id is None:
        return False
    return Member.objects.filter(pk=member_id, user_id=user.pk).exists()


def acting_for_self(user, *parties) -> bool:
    """Staff never act on their own account or their own behalf in the time bank.

    A staff power (recording for others, acting or confirming on someone's behalf,
    allocating from the pool, reversing, charging an organisation, setting limits,
    closing or reopening an account, recording a group session) is refused whenever
    the person using it is one of the movement's parties or its beneficiary: the
    accounts credited or debited, the member acted for, the host or an attendee.
    The actions pass every such party; a colleague has to do it instead."""
    return any(is_own(user, party) for party in parties)


def _manages_other_account(c: Context) -> bool:
    """Staff manage any account but their own (limits, closing, reopening)."""
    return _staff(c) and not (c.obj is not None and acting_for_self(c.user, c.obj))


def _partner_of(c: Context) -> bool:
    return (
        c.role == Role.PARTNER
        and c.member is not None
        and c.member.organisation_id is not None
        and getattr(c.obj, "pk", None) == c.member.organisation_id
    )


RULES.update(
    {
        "timebank.use": lambda c: c.member is not None and c.member.is_active,
        "timebank.view_statement": lambda c: _own_account(c) or _staff(c),
        "timebank.record_for_others": _staff,
        "timebank.act_for_member": _for_member_without_login,
        "timebank.confirm_on_behalf": _for_member_without_login,
        "timebank.charge_organisation": lambda c: _staff(c) or _partner_of(c),
        "timebank.allocate": _staff,
        "timebank.reverse": _staff,
        "timebank.view_ledger": _staff,
        "timebank.manage_accounts": _manages_other_account,
        "timebank.view_reports": lambda c: _staff(c) or c.role == Role.ANALYST,
    }
)
ACTIONS = tuple(RULES)


# --- Needs, offers and matching ------------------------------------------------------------


def _party_to_need(c: Context) -> bool:
    """The person asking, whoever posted it, and, for an organisation's request, that
    organisation's partner staff."""
    need = c.obj
    if c.member is None:
        return False
    if getattr(need, "member_id", None) == c.member.pk:
        return True
    if getattr(need, "posted_by_id", None) == c.user.pk:
        return True
    org_id = getattr(need, "organisation_id", None)
    return c.role == Role.PARTNER and org_id is not None and org_id == c.member.organisation_id


def _helper_of(c: Context) -> bool:
    return c.member is not None and getattr(c.obj, "helper_id", None) == c.member.pk


def _asker_of(c: Context) -> bool:
    """The person asking, or for an organisation's request, its partner staff and
    whoever posted it."""
    need = getattr(c.obj, "need", None)
    if c.member is None or need is None:
        return False
    if need.member_id is not None:
        return need.member_id == c.member.pk
    return need.organisation_id is not None and (
        need.posted_by_id == c.user.pk
        or (c.role == Role.PARTNER and need.organisation_id == c.member.organisation_id)
    )


def _offer_owner(c: Context) -> bool:
    return c.member is not None and getattr(c.obj, "member_id", None) == c.member.pk


RULES.update(
    {
        "need.post": lambda c: c.member is not None,
        "need.post_for_others": _staff,
        # A request from an organisation (a lunch club needing a driver): staff for any
        # organisation in the community, partner staff for their own.
        "need.post_for_organisation": lambda c: _staff(c) or _partner_of(c),
        "need.view": lambda c: _staff(c) or _party_to_need(c),
        "need.view_all": _staff,
        "need.edit": lambda c: _staff(c) or _party_to_need(c),
        "offer.post": lambda c: c.member is not None,
        "offer.edit": lambda c: _staff(c) or _offer_owner(c),
        "strengths.edit": lambda c: c.is_self or _staff(c),
        "match.propose": _staff,
        # The helper answers; a community developer only for a helper without a login.
        "match.respond": lambda c: (
            _helper_of(c)
            or (
                _staff(c)
                and not _asker_of(c)
                and getattr(c.obj, "helper", None) is not None
                and not c.obj.helper.has_device
            )
        ),
        "match.view": lambda c: _staff(c) or _helper_of(c) or _asker_of(c),
        # Why a helper was suggested (their distance, their offer's words, points): for
        # staff and the helper, never the person asking (it describes the helper).
        "match.view_reasons": lambda c: _staff(c) or _helper_of(c),
        "match.progress": lambda c: _staff(c) or _helper_of(c) or _asker_of(c),
        "match.allocate": _staff,
        # What the helper shares with the person asking: the helper, or staff for a
        # helper without a login (as "match.respond").
        "match.share_as_helper": lambda c: (
            _helper_of(c)
            or (
                _staff(c)
                and not _asker_of(c)
                and getattr(c.obj, "helper", None) is not None
                and not c.obj.helper.has_device
            )
        ),
        # What the person asking shares: them (or whoever speaks for an organisation's
        # request), or staff for a person asking who has no login.
        "match.share_as_asker": lambda c: (
            _asker_of(c)
            or (
                _staff(c)
                and not _helper_of(c)
                and getattr(getattr(c.obj, "need", None), "member", None) is not None
                and not c.obj.need.member.has_device
                and c.obj.need.member_id != getattr(c.member, "pk", None)
            )
        ),
        # Messages through the site: written by the two sides, read by them and staff.
        "match.message": lambda c: _helper_of(c) or _asker_of(c),
        "match.read_messages": lambda c: _staff(c) or _helper_of(c) or _asker_of(c),
    }
)
ACTIONS = tuple(RULES)


# --- Community fridges and pantries ----------------------------------------------------------
# Reporting a fridge's state or leaving food needs no role at all: the fridge's public
# link (its QR poster) is the credential (kampung.fridges.actions.report_state checks the
# token), and an anonymous reporter gives no personal data. The rules below are for
# members acting in the site or the API.


def _fridge_of(obj):
    """The fridge `obj` is or belongs to (a slot, an alert), or None. By its label, not
    an import: the fridges app sits above matching, which reads this module."""
    meta = getattr(obj, "_meta", None)
    if meta is None or meta.app_label != "fridges":
        return None
    return obj if meta.model_name == "fridge" else getattr(obj, "fridge", None)


def _fridge_host(c: Context) -> bool:
    fridge = _fridge_of(c.obj)
    return c.member is not None and fridge is not None and fridge.host_id == c.member.pk


def _trusted_fridge_volunteer(c: Context) -> bool:
    """A volunteer who has done at least one check-and-clean at this fridge that a
    community developer confirmed. Taking a slot is open to any member, so being on the
    rota alone is no trust at all; a confirmed check is a second person's word that they
    look after this fridge."""
    fridge = _fridge_of(c.obj)
    return (
        c.member is not None
        and fridge is not None
        and fridge.slots.filter(
            volunteer=c.member, done_at__isnull=False, confirmed_at__isnull=False
        ).exists()
    )


def _own_slot(c: Context) -> bool:
    return c.member is not None and getattr(c.obj, "volunteer_id", None) == c.member.pk


# --- Gift and take (kampung.sharing) --------------------------------------------------------
# Members pass on their own pre-loved items; a Gift and Take shop (a place asset) lists
# items for donors through community developers or its steward. Analysts see no listing
# (they would see names); partner staff take part as members do.


def _gift_giver(c: Context) -> bool:
    """The member who listed their own item."""
    return c.member is not None and getattr(c.obj, "giver_id", None) == c.member.pk


def _gift_shop_keeper(c: Context) -> bool:
    """For a shop's listing: community developers, and the shop's steward."""
    shop = getattr(c.obj, "shop", None)
    if shop is None:
        return False
    return _staff(c) or (c.member is not None and shop.steward_member_id == c.member.pk)


def _gift_member(c: Context) -> bool:
    return c.member is not None and c.role != Role.ANALYST


# --- Skill-sharing sessions (kampung.skillshare) -------------------------------------------


def _session_host(c: Context) -> bool:
    """The lead host or a co-host of the session (c.obj)."""
    is_host = getattr(c.obj, "is_host", None)
    return c.member is not None and callable(is_host) and bool(is_host(c.member))


def _session_lead(c: Context) -> bool:
    return c.member is not None and getattr(c.obj, "host_id", None) == c.member.pk


def _session_place_for_member_without_login(c: Context) -> bool:
    """c.obj is a sign-up (perhaps not yet saved) of someone else without a login."""
    member = getattr(c.obj, "member", None)
    session = getattr(c.obj, "session", None)
    if not isinstance(member, Member) or c.member is None or session is None:
        return False
    if member.has_device or member.pk == c.member.pk or member.community_id != c.community.pk:
        return False
    if session.community_id != c.community.pk:
        return False
    if _staff(c):
        return True
    # A host acts only for someone already signed up to their session (whose name they
    # see there): signing up a new person from a paper sheet is for community developers,
    # who may see the directory; a host trying ids would learn names and fill sessions.
    return getattr(c.obj, "pk", None) is not None and bool(session.is_host(c.member))


RULES.update(
    {
        # Every member may see the fridges of their community; reporting and leaving food
        # in the site or the API is acting, which analysts do not do (the fridge's public
        # link, checked by token, stays open to everyone).
        "fridge.view": _any_role,
        "fridge.report": lambda c: c.role is not None and c.role != Role.ANALYST,
        # Opening a fridge in the register (and its public link) is community developers'.
        "fridge.create": _staff,
        # Its house rules, hours, rota days and credits: staff, or the fridge's host.
        "fridge.edit": lambda c: _staff(c) or _fridge_host(c),
        # The food-safety log names who acted, and writing "what was done" closes a
        # food-safety alert: staff, the host, and volunteers with a confirmed check there.
        # Signing up for a slot (open to any member) is not enough; being on the rota still
        # brings the alert messages (being told is fine, acting on the log is not).
        "fridge.view_log": lambda c: _staff(c) or _fridge_host(c) or _trusted_fridge_volunteer(c),
        "fridge.resolve_alert": lambda c: (
            _staff(c) or _fridge_host(c) or _trusted_fridge_volunteer(c)
        ),
        # Anyone who may act in the community can take a check-and-clean slot; analysts
        # see figures only and do not act.
        "fridge.sign_up": lambda c: c.member is not None and c.role != Role.ANALYST,
        # "I did the check": only the volunteer whose slot it is.
        "fridge.record_check": _own_slot,
        # Confirming a check posts time credits from the community pool: staff only, and
        # never their own check (as "timebank.allocate": no paying yourself).
        "fridge.confirm_check": lambda c: _staff(c) and not _own_slot(c),
        # Browsing shows givers' names and pickup areas: members only, not analysts.
        "gift.browse": lambda c: c.role is not None and c.role != Role.ANALYST,
        # Anyone who takes part lists their own item.
        "gift.list": _gift_member,
        # A shop's items: community developers for any shop, a steward for their own
        # (obj: the shop asset).
        "gift.list_for_shop": lambda c: _staff(c) or _asset_steward(c),
        # "I'd like this": any member (their own item is refused in the action, in words).
        "gift.ask": _gift_member,
        # Choosing, handing over, recording a no-show, adding photos, taking it down:
        # the giver, or for a shop's item its keepers. Staff do not act for a member's
        # own listing (the giver decides whom they give to).
        "gift.manage": lambda c: _gift_giver(c) or _gift_shop_keeper(c),
        # A request is withdrawn by the person who made it.
        "gift.withdraw_request": lambda c: (
            c.member is not None and getattr(c.obj, "member_id", None) == c.member.pk
        ),
        # Community developers see every listing (promised and closed too) and the
        # contacts on it (audit-logged), the settings and repeated no-shows.
        "gift.view_all": _staff,
        "gift.settings": _staff,
        "gift.view_no_shows": _staff,
        # Taking down someone else's listing (not allowed, or unsafe), with a reason the
        # giver is told: community developers.
        "gift.moderate": lambda c: _staff(c) and not _gift_giver(c),
        # Sessions are the community's own: everyone with a role there sees them.
        "session.view": _any_role,
        # Residents, volunteers and staff run sessions of what they know; partners and
        # analysts take part in the community through its members, not as hosts.
        "session.create": lambda c: (
            c.member is not None
            and c.role in {Role.RESIDENT, Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN}
        ),
        # The lead host looks after the session and its record in the register (they
        # steward that asset); community developers for any session.
        "session.edit": lambda c: _staff(c) or _session_lead(c),
        # Anyone who belongs here signs themselves up (never someone else).
        "session.sign_up": lambda c: c.member is not None,
        # Who came: the people running it, or community developers.
        "session.take_attendance": lambda c: _staff(c) or _session_host(c),
        # Names of those signed up: the people running it and community developers.
        "session.view_people": lambda c: _staff(c) or _session_host(c),
        # Crediting moves time-bank credits: community developers only, never for a
        # session they host (kampung.timebank refuses one they attend, too).
        "session.credit": lambda c: _staff(c) and not _session_host(c),
        # Signing up, cancelling or answering an offered place for a member without a
        # login (paper sign-up sheets, a phone call): community developers, or the host of
        # that session for someone already signed up to it, as "timebank.act_for_member";
        # never for themselves, and never for someone with a login (they decide for
        # themselves). c.obj is the sign-up.
        "session.act_for_member": _session_place_for_member_without_login,
    }
)
ACTIONS = tuple(RULES)
