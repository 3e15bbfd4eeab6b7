"""What each side of a gift sees of the other, as kampung.matching.contacts does for
matches (the same consent approach, reimplemented here: apps on this layer do not import
each other):

- until the giver chooses, the giver sees the names and messages of the people asking,
  and nobody sees anyone's phone or email;
- once chosen (promised, then collected; not after a no-show), the giver and the person chosen
  see each other's name and only the contact details each chose to share on this gift
  (Listing.giver_shares, GiftRequest.shares); a detail the person does not have shows
  as nothing;
- a shop's listing shows the shop as the giver (its name, and its public contact line
  from the register);
- what is pre-ticked is the person's standing "share my contact details" consent;
- a community developer who is not a side and opens the contacts writes an audit
  "view" event for each person (kampung.audit.log.record_view)."""

from __future__ import annotations

from kampung import policy
from kampung.audit.log import record_view
from kampung.people.models import ConsentPurpose, Member
from kampung.sharing.models import GiftRequest, Listing, Share

SHOWN = (GiftRequest.Status.PROMISED, GiftRequest.Status.COLLECTED)


def details(member: Member | None, share: str) -> dict:
    if member is None:
        return {}
    out = {}
    if share in (Share.PHONE, Share.BOTH) and member.phone:
        out["phone"] = member.phone
    if share in (Share.EMAIL, Share.BOTH) and member.email:
        out["email"] = member.email
    return out


def standing_choice(member: Member | None) -> str:
    if member is None:
        return Share.NONE
    if not member.consents.active().filter(purpose=ConsentPurpose.CONTACT_SHARING).exists():
        return Share.NONE
    if member.phone and member.email:
        return Share.BOTH
    return Share.PHONE if member.phone else Share.EMAIL if member.email else Share.NONE


def chosen_request(listing: Listing) -> GiftRequest | None:
    return (
        listing.requests.filter(status__in=SHOWN)
        .select_related("member")
        .order_by("-decided_at", "-pk")
        .first()
    )


def side_of(user, listing: Listing, chosen: GiftRequest | None) -> str | None:
    community = listing.community
    me = policy.membership(user, community)
    if me is not None and chosen is not None and chosen.member_id == me.pk:
        return "receiver"
    if policy.can(user, "gift.manage", community, listing):
        return "giver"
    return None


def contacts_for(user, listing: Listing) -> list[dict]:
    """The other side(s) of the gift as `user` may see them, after the giver chose."""
    chosen = chosen_request(listing)
    if chosen is None:
        return []
    mine = side_of(user, listing, chosen)
    staff = mine is None and policy.can(user, "gift.view_all", listing.community)
    if mine is None and not staff:
        return []
    out = []
    if mine != "giver":
        if listing.shop_id:
            shop = listing.shop
            entry = {"side": "giver", "name": shop.name, "chosen": bool(shop.contact)}
            if shop.contact:
                entry["contact"] = shop.contact
            out.append(entry)
        else:
            out.append(
                {
                    "side": "giver",
                    "name": listing.giver.display_name,
                    "chosen": bool(listing.giver_shares),
                    **details(listing.giver, listing.giver_shares),
                }
            )
    if mine != "receiver":
        out.append(
            {
                "side": "receiver",
                "name": chosen.member.display_name,
                "chosen": bool(chosen.shares),
                **details(chosen.member, chosen.shares),
            }
        )
    if staff:
        people = [p for p in (listing.giver, chosen.member) if p is not None]
        for person in people:
            if person.user_id != user.pk:
                record_view(
                    person, viewer=user, reason=f"Viewed the gift {listing.pk} and its contacts"
                )
    return out
