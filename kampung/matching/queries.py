"""Read-side helpers other apps use."""

from __future__ import annotations

from kampung import policy
from kampung.matching.models import Need
from kampung.people.models import Member, Role


def open_need_points(user, community) -> list[tuple[float, float, str]]:
    """Open requests with a place, as (lat, lng, kind) for the gap analysis. Only people
    who may see community statistics count needs: small areas could point to a person."""
    if not policy.can(user, "stats.view", community):
        return []
    out = []
    needs = (
        Need.objects.filter(community=community, status=Need.Status.OPEN)
        .exclude(lat=None)
        .prefetch_related("tags")
    )
    for need in needs:
        # The request's kind is its first tag's code (assets carry the same codes);
        # "" when it names none.
        codes = sorted(t.code for t in need.tags.all())
        out.append((need.lat, need.lng, codes[0] if codes else ""))
    return out


def asker_of(need: Need) -> Member | None:
    """Who speaks for a request: the person asking or, for an organisation's request,
    whoever posted it for the organisation (their membership in the community)."""
    if need.member_id is not None:
        return need.member
    if need.organisation_id is None:
        return None
    return Member.objects.filter(community_id=need.community_id, user_id=need.posted_by_id).first()


def speaks_for_asker(member: Member | None, need: Need) -> bool:
    """The person asking, or for an organisation's request whoever posted it and the
    organisation's partner staff (as kampung.policy's match rules allow)."""
    if member is None:
        return False
    if need.member_id is not None:
        return member.pk == need.member_id
    if need.organisation_id is None:
        return False
    return member.user_id == need.posted_by_id or (
        member.role == Role.PARTNER and member.organisation_id == need.organisation_id
    )
