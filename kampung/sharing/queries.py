"""Reads of gift and take: the search, what waits for a member (for the dashboard),
the shops, the community's settings, who may see a listing, and repeated no-shows."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kampung import policy
from kampung.assets.models import Asset, Category
from kampung.people.models import Member
from kampung.sharing import rules
from kampung.sharing.models import GiftRequest, GiftSettings, Listing

# An asset is a Gift and Take shop when it is a place whose kind says so.
SHOP_SUBTYPE = "Gift and Take shop"
NO_SHOWS_SHOWN = 2  # members with this many no-shows or more are listed for staff


def settings_for(community) -> GiftSettings:
    found, _created = GiftSettings.objects.get_or_create(community=community)
    return found


def is_shop(asset: Asset | None) -> bool:
    return (
        asset is not None
        and asset.category == Category.PLACE
        and asset.subtype.strip().lower() == SHOP_SUBTYPE.lower()
        and asset.status == Asset.Status.ACTIVE
    )


def shops_in(community) -> QuerySet[Asset]:
    return Asset.objects.filter(
        community=community,
        category=Category.PLACE,
        subtype__iexact=SHOP_SUBTYPE,
        status=Asset.Status.ACTIVE,
    ).order_by("name", "pk")


def shops_for(user, community) -> list[Asset]:
    """The shops `user` may list items for (community developers: all; stewards: theirs)."""
    return [s for s in shops_in(community) if policy.can(user, "gift.list_for_shop", community, s)]


def search(community, *, text: str = "", category: str = "", area: str = "") -> QuerySet[Listing]:
    """Available items, newest first, by words in the title, kind and pickup area.

    Each filter is served by an index: the kind and area by (community, status, …),
    the words on PostgreSQL by a trigram index on UPPER(title) (icontains is
    UPPER(title) LIKE UPPER('%…%')); on SQLite the newest-first index is walked and the
    words checked row by row, stopping at the page's end."""
    qs = Listing.objects.filter(community=community, status=Listing.Status.OPEN)
    text = " ".join((text or "").split())[:100]
    if text:
        qs = qs.filter(title__icontains=text)
    if category:
        qs = qs.filter(category=category)
    area = rules.area_key(area)[:60]
    if area:
        qs = qs.filter(area_key__startswith=area)
    return qs.select_related("giver", "shop").order_by("-created_at", "-id")


def open_requests_of(member: Member) -> QuerySet[GiftRequest]:
    return GiftRequest.objects.filter(member=member, status__in=GiftRequest.OPEN)


def listings_of(user, community) -> QuerySet[Listing]:
    """Items `user` gives: their own, and those of shops they may list for."""
    me = policy.membership(user, community)
    shops = [s.pk for s in shops_for(user, community)]
    mine = Q(giver=me) if me is not None else Q(pk__in=[])
    if shops:
        mine |= Q(shop_id__in=shops)
    return (
        Listing.objects.filter(mine, community=community)
        .annotate(
            n_waiting=Count("requests", filter=Q(requests__status=GiftRequest.Status.WAITING))
        )
        .select_related("shop", "giver")
        .order_by("-created_at", "-id")
    )


def waiting_for(member: Member | None) -> dict:
    """What gift and take holds for `member`, for the dashboard:

    - "people_waiting": how many people would like one of their available items
      ("2 people would like your item — choose who"), over "items_waiting" items;
    - "to_hand_over": their items promised to someone, not yet collected;
    - "promised_to_me": items promised to them, to pick up.
    Every count links to the "My gifts and requests" page (url name "gift_mine")."""
    if member is None:
        return {"people_waiting": 0, "items_waiting": 0, "to_hand_over": 0, "promised_to_me": 0}
    waiting = GiftRequest.objects.filter(
        listing__giver=member,
        listing__status=Listing.Status.OPEN,
        status=GiftRequest.Status.WAITING,
    ).aggregate(people=Count("id"), items=Count("listing", distinct=True))
    return {
        "people_waiting": waiting["people"] or 0,
        "items_waiting": waiting["items"] or 0,
        "to_hand_over": Listing.objects.filter(
            giver=member, status=Listing.Status.PROMISED
        ).count(),
        "promised_to_me": GiftRequest.objects.filter(
            member=member, status=GiftRequest.Status.PROMISED
        ).count(),
    }


def people_waiting_for(member: Member | None) -> int:
    """How many requests wait for `member`'s available items (one query, for the list)."""
    if member is None:
        return 0
    return GiftRequest.objects.filter(
        listing__giver=member,
        listing__status=Listing.Status.OPEN,
        status=GiftRequest.Status.WAITING,
    ).count()


def repeated_no_shows(community) -> QuerySet[Member]:
    """Members who did not come for a promised item two or more times."""
    return (
        Member.objects.filter(community=community)
        .annotate(
            n_no_shows=Count(
                "gift_requests", filter=Q(gift_requests__status=GiftRequest.Status.NO_SHOW)
            )
        )
        .filter(n_no_shows__gte=NO_SHOWS_SHOWN)
        .order_by("-n_no_shows", "display_name", "pk")
    )


def may_see_listing(user, listing: Listing) -> bool:
    """Anyone who may browse sees an available item; once it is promised or closed, only
    its giver's side, the people who asked for it, and community developers."""
    community = listing.community
    if not policy.can(user, "gift.browse", community, listing):
        return False
    if listing.status == Listing.Status.OPEN:
        return True
    if policy.can(user, "gift.manage", community, listing) or policy.can(
        user, "gift.view_all", community
    ):
        return True
    me = policy.membership(user, community)
    return me is not None and listing.requests.filter(member=me).exists()
