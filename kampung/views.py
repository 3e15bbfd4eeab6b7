"""Site-wide pages: home (my communities) and the per-role community dashboard. Helpers
shared by every app's pages are in kampung.web, not here."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import dbrouter, nextsteps, policy
from kampung.people.models import ConsentPurpose, Member, Role
from kampung.people.skills import LANGUAGE_NAMES, SKILLS
from kampung.web import community_for


def site_context(request):
    return {"site_name": "Kampung", "back_url": _back_url(request)}


def _back_url(request) -> str:
    """The page the person came from, for an error page's "Go back" link: only a page of
    this site (never another site's address from the Referer header)."""
    from django.core.exceptions import DisallowedHost
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return ""
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 page for a wrong Host header: no way back to offer
        return ""
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


@login_required
def home(request):
    communities = list(policy.communities_of(request.user))
    if len(communities) == 1:
        return redirect("dashboard", slug=communities[0].slug)
    return render(request, "kampung/home.html", {"communities": communities})


def _bars(counter: Counter, labels: dict, limit: int = 8) -> list[dict]:
    top = counter.most_common(limit)
    peak = max((n for _, n in top), default=0) or 1
    return [
        {"label": str(labels.get(k, k)), "count": n, "pct": round(100 * n / peak)} for k, n in top
    ]


STATS_SECONDS = 300


def community_stats(community) -> dict:
    """Aggregates for the dashboard, kept for STATS_SECONDS: with 100,000 members
    computing them takes about a second, and five-minute-old counts are fine here."""
    return cache.get_or_set(
        f"community-stats:{community.pk}", lambda: _compute_stats(community), STATS_SECONDS
    )


SMALL_NUMBER = 5


def suppress_small(stats: dict) -> dict:
    """What an analyst may see: no figure based on fewer than SMALL_NUMBER people. A bar
    for 1 to 4 people shows "under 5" and keeps no length that would give the number
    away; the totals (tens of people) stay."""
    out = dict(stats)
    for key in ("languages", "skills", "joined"):
        rows = []
        for row in stats.get(key, []):
            if 0 < row["count"] < SMALL_NUMBER:
                row = {**row, "count": None, "pct": 0}
            rows.append(row)
        out[key] = rows
    for key in ("members", "counted", "volunteers"):
        if 0 < out.get(key, 0) < SMALL_NUMBER:
            out[key] = _("under 5")
    return out


def members_and_counted(community):
    """The community's active members, and those of them who agreed to be counted in
    anonymous statistics (the only ones any breakdown uses)."""
    members = Member.objects.in_community(community).filter(is_active=True)
    counted = members.filter(
        consents__purpose=ConsentPurpose.AGGREGATE_RESEARCH, consents__withdrawn_at__isnull=True
    )
    return members, counted


def joined_per_month(counted, *, since: date) -> dict[tuple[int, int], int]:
    """How many of `counted` joined in each calendar month from `since`, by (year, month);
    months nobody joined are missing."""
    return {
        (row["month"].year, row["month"].month): row["n"]
        for row in counted.filter(joined_on__gte=since)
        .annotate(month=TruncMonth("joined_on"))
        .values("month")
        .annotate(n=Count("id"))
    }


@dbrouter.reports()
def _compute_stats(community) -> dict:
    """Aggregates only: counts, never a person. Members who did not agree to be counted
    in anonymous statistics are left out of the breakdowns. Read from the replica when
    there is one (a few seconds old is fine for figures kept five minutes). Four
    queries whatever the community's size: one pass over the counted members (at most
    one active consent per purpose, so one row each) gives their number, languages and
    skills; one reads the months they joined from its index; one aggregate counts
    members and volunteers; one the organisations."""
    members, counted = members_and_counted(community)
    languages, skills = Counter(), Counter()
    n_counted = 0
    # Unordered: sorting every counted member by name first spilled to disk.
    rows = counted.order_by().values_list("languages", "skills")
    for langs, sks in rows.iterator(chunk_size=5000):
        n_counted += 1
        languages.update(langs or [])
        skills.update(sks or [])
    # The twelve calendar months up to this one, with the months nobody joined as 0.
    today = timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _i in range(12):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    per_month = joined_per_month(counted, since=months[0])
    joined = [{"month": m, "n": per_month.get((m.year, m.month), 0)} for m in months]
    peak = max((row["n"] for row in joined), default=0) or 1
    totals = members.aggregate(
        members=Count("id"), volunteers=Count("id", filter=Q(role=Role.VOLUNTEER))
    )
    return {
        "members": totals["members"],
        "counted": n_counted,
        "volunteers": totals["volunteers"],
        "organisations": community.organisations.count(),
        "languages": _bars(languages, LANGUAGE_NAMES),
        "skills": _bars(skills, SKILLS),
        "joined": [
            {
                "label": row["month"].strftime("%b %Y"),
                "count": row["n"],
                "pct": round(100 * row["n"] / peak),
            }
            for row in joined
        ],
    }


@login_required
def dashboard(request, slug: str):
    community = community_for(request, slug)
    user = request.user
    role = policy.role_in(user, community)
    me = policy.membership(user, community)
    context = {
        "community": community,
        "role": role,
        "role_label": Role(role).label,
        "me": me,
        "can": {a.replace(".", "_"): policy.can(user, a, community) for a in policy.ACTIONS},
    }
    if policy.can(user, "stats.view", community):
        stats = community_stats(community)
        context["stats"] = stats if role in policy.STAFF_ROLES else suppress_small(stats)
    if role == Role.PARTNER:
        context["partner_members"] = policy.visible_members(user, community)[:10]
        context["partner_count"] = policy.visible_members(user, community).count()
    if me is not None:
        context["my_consents"] = list(me.consents.active())
        context.update(nextsteps.for_member(user, community, me))
        context["sharing_tasks"] = nextsteps.sharing_for(community, me)
    if policy.can(user, "match.allocate", community):
        context["queue"] = nextsteps.coordinator_queue(community, me)
    if role == Role.PARTNER:
        context.update(nextsteps.for_partner(user, community, me))
    if policy.can(user, "audit.view", community):
        from kampung.audit.models import AuditEvent

        context["recent_events"] = AuditEvent.objects.filter(community=community).select_related(
            "actor"
        )[:8]
    context["page_title"] = _("%(community)s dashboard") % {"community": community.name}
    return render(request, "kampung/dashboard.html", context)


@login_required
def sharing_home(request, slug: str):
    """Sharing: gift and take, the community fridges and skill-sharing sessions, with
    what waits for this person first."""
    community = community_for(request, slug)
    user = request.user
    me = policy.membership(user, community)
    return render(
        request,
        "kampung/sharing.html",
        {
            "community": community,
            "tasks": nextsteps.sharing_for(community, me),
            "counts": nextsteps.sharing_counts(user, community),
            "may_browse_gifts": policy.can(user, "gift.browse", community),
            "may_give": policy.can(user, "gift.list", community),
            "may_see_fridges": policy.can(user, "fridge.view", community),
            "may_see_sessions": policy.can(user, "session.view", community),
            "page_title": _("Sharing"),
        },
    )
