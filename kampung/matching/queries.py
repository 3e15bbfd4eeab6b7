"""Read-side helpers other apps use."""

from __future__ import annotations

from kampung import policy
from kampung.matching.models import Need


def open_need_points(user, community) -> list[tuple[float, float, str]]:
    """Open needs with a place, as (lat, lng, category) for the gap analysis. Only people
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
        tags = list(need.tags.all())
        out.append((need.lat, need.lng, tags[0].title if tags else "other"))
    return out
