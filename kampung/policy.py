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


def _any_role(c: Context) -> bool:
    return c.role is not None


RULES: dict[str, Callable[[Context], bool]] = {
    "community.view": _any_role,
    "organisation.view": _any_role,
    "member.view_directory": lambda c: _staff(c) or c.role == Role.PARTNER,
    "member.view_personal": lambda c: c.is_self or _staff(c) or _partner_party_to(c),
    "member.create": _staff,
    "member.edit": lambda c: c.is_self or _staff(c),
    "member.act_on_behalf": lambda c: _staff(c) and not c.is_self,
    "consent.record": lambda c: c.is_self or _staff(c),
    "consent.withdraw": lambda c: c.is_self or _staff(c),
    "stats.view": lambda c: _staff(c) or c.role == Role.ANALYST,
    "audit.view": lambda c: c.role == Role.ADMIN,
    "roles.manage": lambda c: c.role == Role.ADMIN,
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
        return qs.filter(
            supported_by=member.organisation_id,
            consents__purpose=ConsentPurpose.PARTNER_SHARING,
            consents__withdrawn_at__isnull=True,
        ).distinct()
    return qs


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
    visible = shared & (~Q(category=Category.PERSONAL) | consented)
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
    }
)
ACTIONS = tuple(RULES)
