"""What each person's home page (the community dashboard) puts first: what they can do
now and what waits for them. Counts only, each a single indexed query (no per-row
Python), so the page stays cheap with 100,000 members; lists are a few rows at most.
Read-only: nothing here opens an account or changes a record."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from kampung import policy
from kampung.assets.models import Asset
from kampung.matching.candidates import (
    STALE_SUGGESTION_DAYS,
    needs_waiting_for_an_answer,
    unmatched_needs,
)
from kampung.matching.models import Match, Need, Offer
from kampung.timebank.models import Account
from kampung.timebank.queries import exchanges_for_members_without_a_device
from kampung.workshops.models import Workshop

SHOWN = 5


def coordinator_queue(community, me) -> dict:
    today = timezone.localdate()
    return {
        "unmatched": unmatched_needs(community).count(),
        "waiting": needs_waiting_for_an_answer(community).count(),
        "waiting_days": STALE_SUGGESTION_DAYS,
        "to_confirm": exchanges_for_members_without_a_device(community, me).count(),
        "assets_due": Asset.objects.filter(community=community, review_due__lt=today).count(),
        "workshops_open": Workshop.objects.filter(
            community=community, status=Workshop.Status.OPEN
        ).count(),
    }


def balance_of(me) -> Account | None:
    """The member's time bank account if they have one (not opened here)."""
    return Account.objects.filter(member=me).first() if me is not None else None


def for_member(user, community, me) -> dict:
    """A member's own: their requests, what they offer, what they are asked to do."""
    my_needs = Need.objects.filter(community=community).filter(Q(member=me) | Q(posted_by=user))
    current = my_needs.filter(status__in=[Need.Status.OPEN, Need.Status.MATCHED])
    helping = Match.objects.filter(helper=me, community=community)
    return {
        "my_needs": list(current.order_by("-created_at")[:SHOWN]),
        "my_needs_count": current.count(),
        "my_offers": list(
            Offer.objects.filter(community=community, member=me, status=Offer.Status.ACTIVE)[:SHOWN]
        ),
        "asked": list(
            helping.filter(status=Match.Status.PROPOSED)
            .select_related("need")
            .order_by("proposed_at")[:SHOWN]
        ),
        "asked_count": helping.filter(status=Match.Status.PROPOSED).count(),
        "doing": list(
            helping.filter(status__in=[Match.Status.ACCEPTED, Match.Status.IN_PROGRESS])
            .select_related("need")
            .order_by("-proposed_at")[:SHOWN]
        ),
        "account": balance_of(me),
        # Places and groups they look after that are due a check (the reminder's page).
        "due_a_check": list(
            Asset.objects.filter(
                community=community,
                steward_member=me,
                status=Asset.Status.ACTIVE,
                review_due__lt=timezone.localdate(),
            ).order_by("review_due")[:SHOWN]
        ),
    }


def for_partner(user, community, me) -> dict:
    from kampung.timebank.accounts import existing_organisation_account

    if me is None or me.organisation_id is None:
        return {}
    org_needs = Need.objects.filter(
        community=community,
        organisation_id=me.organisation_id,
        status__in=[Need.Status.OPEN, Need.Status.MATCHED],
    )
    account = existing_organisation_account(community, me.organisation)
    if account is not None and not policy.can(user, "timebank.view_statement", community, account):
        account = None
    return {
        "org_needs": list(org_needs.order_by("-created_at")[:SHOWN]),
        "org_needs_count": org_needs.count(),
        "org_account": account,
    }


def sharing_for(community, me) -> list[dict]:
    """What gift and take, the fridges and the skill-sharing sessions hold for `me`, in
    the order a person would act on it: each {"text", "url"}, at most a few."""
    if me is None:
        return []
    from django.urls import reverse
    from django.utils.translation import ngettext

    from kampung.fridges.queries import waiting_for as fridge_tasks
    from kampung.sharing.queries import waiting_for as gift_tasks
    from kampung.skillshare.queries import waiting_for as session_tasks

    out: list[dict] = [{"text": n.text, "url": n.url} for n in session_tasks(me)]
    gifts = gift_tasks(me)
    mine = reverse("gift_mine", args=[community.slug])
    if gifts["people_waiting"]:
        n = gifts["people_waiting"]
        out.append(
            {
                "text": ngettext(
                    "%(n)d person would like your item: choose who",
                    "%(n)d people would like your items: choose who",
                    n,
                )
                % {"n": n},
                "url": mine,
            }
        )
    if gifts["to_hand_over"]:
        n = gifts["to_hand_over"]
        out.append(
            {
                "text": ngettext(
                    "%(n)d item of yours is promised: say when it is collected",
                    "%(n)d items of yours are promised: say when they are collected",
                    n,
                )
                % {"n": n},
                "url": mine,
            }
        )
    if gifts["promised_to_me"]:
        n = gifts["promised_to_me"]
        out.append(
            {
                "text": ngettext(
                    "%(n)d item is promised to you: arrange to pick it up",
                    "%(n)d items are promised to you: arrange to pick them up",
                    n,
                )
                % {"n": n},
                "url": mine,
            }
        )
    out += [{"text": t["text"], "url": t["url"]} for t in fridge_tasks(me)]
    return out[: SHOWN + 3]


def sharing_counts(user, community) -> dict:
    """The Sharing page's three figures: items on offer (counted up to 1,000), fridges
    this person may see, and session dates in the coming week."""
    from kampung.fridges.queries import visible_fridges
    from kampung.sharing.queries import search
    from kampung.skillshare.queries import upcoming

    items = search(community).order_by()[:1001].count()
    return {
        "items": min(items, 1000),
        "items_more": items > 1000,
        "fridges": visible_fridges(user, community).count(),
        "sessions_week": len(upcoming(community, days=7)),
    }
