"""Writes of this app: verb-named, atomic, keyword-only (by=), each calling kampung.policy.

A listing goes open → promised (the giver chose someone) → collected; a no-show puts it
back to open for the giver to choose again; past its last day it expires. Every refusal
is an Invalid or Conflict naming the field, and nothing is half-written (photos are
checked before anything is saved, and files are removed again if the write fails)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import policy
from kampung.assets.models import Asset
from kampung.errors import Conflict, Invalid
from kampung.notices import actions as notices
from kampung.people.models import Member
from kampung.photos import PhotoRefused, clean_photo
from kampung.sharing import rules
from kampung.sharing.models import (
    MAX_DAYS,
    MAX_LISTINGS_PER_DAY,
    MAX_PHOTOS,
    MESSAGE_MAX,
    TAKE_DOWN_REASON_MAX,
    Category,
    Condition,
    GiftRequest,
    GiftSettings,
    Listing,
    Photo,
    Share,
)
from kampung.sharing.queries import is_shop, settings_for

KIND = "gifts"


def _url(listing: Listing) -> str:
    return reverse("gift_detail", args=[listing.community.slug, listing.pk])


def _clean_photos(files: list[Any] | None, *, already: int = 0) -> list[tuple[bytes, int, int]]:
    """Every photo checked and cleaned before anything is stored."""
    files = list(files or [])
    if already + len(files) > MAX_PHOTOS:
        raise Invalid(
            {
                "photos": _("At most %(n)d photos of one item (this would make %(m)d).")
                % {"n": MAX_PHOTOS, "m": already + len(files)}
            }
        )
    cleaned = []
    for upload in files:
        size = getattr(upload, "size", None)
        if size is not None and size > 5 * 1024 * 1024:
            raise Invalid({"photos": _("This photo is too large: choose one of at most 5 MB.")})
        data = upload.read() if hasattr(upload, "read") else bytes(upload)
        try:
            cleaned.append(clean_photo(data))
        except PhotoRefused as exc:
            raise Invalid({"photos": str(exc)}) from exc
    return cleaned


def _validate_text(title: str, description: str, area: str) -> dict:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Say what the item is, in a few words.")
    elif rules.looks_like_price(title):
        errors["title"] = _("Gift and take is free: please leave out any price.")
    if description and rules.looks_like_price(description):
        errors["description"] = _("Gift and take is free: please leave out any price.")
    if not area:
        errors["pickup_area"] = _(
            "Say roughly where to pick it up: a neighbourhood or block, never your address."
        )
    return errors


def _parse_day(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


@transaction.atomic
def list_item(
    *,
    by,
    community,
    title: str,
    category: str,
    pickup_area: str = "",
    condition: str = Condition.GOOD,
    description: str = "",
    available_until=None,
    photos: list[Any] | None = None,
    shop: Asset | None = None,
) -> Listing:
    """A member lists their own item, or (with `shop`) a community developer or the
    shop's steward lists an item the shop holds for a donor."""
    if shop is not None:
        policy.require(by, "gift.list_for_shop", community, shop)
        if not is_shop(shop) or shop.community_id != community.pk:
            raise Invalid({"shop": _("Choose a Gift and Take shop in this community.")})
    else:
        policy.require(by, "gift.list", community)
    giver = None if shop is not None else policy.membership(by, community)
    if giver is not None:
        # Checked before any photo is opened: a member listing dozens of items an hour
        # floods the list for everyone (a shop lists for many donors, so it is not held).
        day_ago = timezone.now() - dt.timedelta(days=1)
        if Listing.objects.filter(giver=giver, created_at__gte=day_ago).count() >= (
            MAX_LISTINGS_PER_DAY
        ):
            raise Conflict(
                _("You have listed %(n)d items today. You can list more tomorrow.")
                % {"n": MAX_LISTINGS_PER_DAY},
                code="too_many",
            )
    title = " ".join((title or "").split())
    description = (description or "").strip()
    area = " ".join((pickup_area or "").split())
    if shop is not None:
        area = area or shop.name[:60]
    errors = _validate_text(title, description, area)
    if category not in Category.values:
        errors["category"] = _("Choose what kind of item it is.")
    if condition not in Condition.values:
        errors["condition"] = _("Choose the item's condition.")
    today = timezone.localdate()
    until = (
        today + dt.timedelta(days=14)
        if available_until in (None, "")
        else _parse_day(available_until)
    )
    if until is None:
        errors["available_until"] = _(
            "Give the last day it can be picked up, for example 2026-12-24."
        )
    elif until < today:
        errors["available_until"] = _("The last day to pick it up cannot be in the past.")
    elif until > today + dt.timedelta(days=MAX_DAYS):
        errors["available_until"] = _("Give a last day at most %(n)d days from today.") % {
            "n": MAX_DAYS
        }
    if errors or until is None:
        raise Invalid(errors)
    cleaned = _clean_photos(photos)
    listing = Listing(
        community=community,
        title=title,
        category=category,
        condition=condition,
        description=description,
        pickup_area=area,
        area_key=rules.area_key(area),
        available_until=until,
        giver=giver,
        shop=shop,
        listed_by=by,
    )
    listing.full_clean(exclude=["giver", "shop", "listed_by", "community"])
    listing.save()
    _save_photos(listing, cleaned)
    return listing


def _save_photos(listing: Listing, cleaned: list[tuple[bytes, int, int]]) -> list[Photo]:
    """Store the files under random names, the last step of a write: if storing one
    fails, those already stored are removed and the transaction rolls back."""
    stored: list[str] = []
    photos = []
    try:
        for data, width, height in cleaned:
            name = default_storage.save(f"gifts/{secrets.token_urlsafe(24)}.jpg", ContentFile(data))
            stored.append(name)
            photos.append(
                Photo.objects.create(listing=listing, file=name, width=width, height=height)
            )
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return photos


@transaction.atomic
def add_photos(*, by, listing: Listing, photos: list[Any]) -> list[Photo]:
    policy.require(by, "gift.manage", listing.community, listing)
    if listing.status not in (Listing.Status.OPEN, Listing.Status.PROMISED):
        raise Conflict(
            _("This item is no longer listed."),
            fields={"photos": [_("This item is no longer listed.")]},
        )
    cleaned = _clean_photos(photos, already=listing.photos.count())
    return _save_photos(listing, cleaned)


def _open_requests_of(member: Member) -> int:
    return GiftRequest.objects.filter(member=member, status__in=GiftRequest.OPEN).count()


@transaction.atomic
def ask_for_item(
    *, by, listing: Listing, message: str = "", shares: str = Share.NONE
) -> GiftRequest:
    """ "I'd like this": one open request per person and item, at most the community's
    limit of open requests at once, never for your own item."""
    community = listing.community
    policy.require(by, "gift.ask", community, listing)
    me = policy.membership(by, community)
    assert me is not None  # the rule needs a membership
    # The member's row first, then the item's: two requests by one person at once are
    # counted against the limit one after the other.
    Member.objects.select_for_update().filter(pk=me.pk).first()
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    listing.community = community
    message = (message or "").strip()
    if shares not in Share.values:
        raise Invalid({"shares": _("Choose what the giver may see once they choose you.")})
    if listing.giver_id == me.pk:
        raise Invalid({"__all__": _("This is your own item: you cannot ask for it.")})
    if listing.shop_id is not None and policy.can(by, "gift.manage", community, listing):
        # Staff never act for themselves: whoever hands out a shop's items does not ask.
        raise Invalid(
            {
                "__all__": _(
                    "You look after this shop's items, so you cannot ask for them yourself. "
                    "They are for the people the shop gives to."
                )
            }
        )
    if listing.status != Listing.Status.OPEN or listing.available_until < timezone.localdate():
        raise Conflict(
            _("This item is no longer available."),
            fields={"__all__": [_("This item is no longer available.")]},
        )
    if len(message) > MESSAGE_MAX:
        raise Invalid({"message": _("Keep the message to at most 500 characters.")})
    if rules.looks_like_price(message):
        raise Invalid({"message": _("Gift and take is free: please leave out any offer of money.")})
    if GiftRequest.objects.filter(listing=listing, member=me, status__in=GiftRequest.OPEN).exists():
        raise Conflict(
            _("You have already asked for this item."),
            fields={"__all__": [_("You have already asked for this item.")]},
        )
    limit = settings_for(community).max_open_requests
    if not rules.may_open_another(_open_requests_of(me), limit):
        raise Invalid(
            {
                "__all__": _(
                    "You already have %(n)d open requests, the most one person may hold here. "
                    "Withdraw one, or wait until one is settled."
                )
                % {"n": limit}
            }
        )
    request = GiftRequest.objects.create(listing=listing, member=me, message=message, shares=shares)
    if listing.giver is not None:
        notices.notify(
            listing.giver,
            _("%(name)s would like your “%(title)s”. Choose who receives it.")
            % {"name": me.display_name, "title": listing.title},
            _url(listing),
            kind=KIND,
        )
    return request


@transaction.atomic
def withdraw_request(*, by, request: GiftRequest) -> GiftRequest:
    policy.require(by, "gift.withdraw_request", request.listing.community, request)
    request = GiftRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in GiftRequest.OPEN:
        raise Conflict(_("This request is already settled."))
    was_promised = request.status == GiftRequest.Status.PROMISED
    request.status = GiftRequest.Status.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    if was_promised:  # available again, for the giver to choose someone else
        Listing.objects.filter(pk=request.listing_id).update(
            status=Listing.Status.OPEN, giver_shares=Share.NONE
        )
    return request


@transaction.atomic
def choose_receiver(
    *, by, listing: Listing, request: GiftRequest, shares: str = Share.NONE
) -> GiftRequest:
    """The giver chooses who receives the item; both then see what the other shares."""
    community = listing.community
    policy.require(by, "gift.manage", community, listing)
    listing = (
        Listing.objects.select_for_update(of=("self",))
        .select_related("giver", "shop")
        .get(pk=listing.pk)
    )
    listing.community = community
    if shares not in Share.values:
        raise Invalid({"shares": _("Choose what the person may see of your contact details.")})
    if listing.status == Listing.Status.PROMISED:
        raise Conflict(
            _("You have already chosen who receives this item."),
            fields={"request": [_("You have already chosen who receives this item.")]},
        )
    if listing.status != Listing.Status.OPEN:
        raise Conflict(
            _("This item is no longer available."),
            fields={"request": [_("This item is no longer available.")]},
        )
    found = (
        GiftRequest.objects.select_for_update(of=("self",))
        .select_related("member")
        .filter(pk=request.pk, listing=listing)
        .first()
    )
    if found is None or found.status != GiftRequest.Status.WAITING:
        raise Invalid({"request": _("Choose one of the people who are waiting for this item.")})
    me = policy.membership(by, community)
    if me is not None and found.member_id == me.pk:
        # Nobody gives to themselves: staff and a shop's steward never act for themselves.
        raise Invalid(
            {"request": _("You cannot choose yourself: choose one of the other people waiting.")}
        )
    request = found
    now = timezone.now()
    request.status = GiftRequest.Status.PROMISED
    request.decided_at = now
    request.save(update_fields=["status", "decided_at"])
    listing.status = Listing.Status.PROMISED
    listing.giver_shares = shares
    listing.save(update_fields=["status", "giver_shares"])
    notices.notify(
        request.member,
        _("“%(title)s” is yours: %(giver)s chose you. Open it to see how to pick it up.")
        % {"title": listing.title, "giver": listing.giver_name},
        _url(listing),
        kind=KIND,
    )
    return request


def _promised(listing: Listing) -> GiftRequest:
    request = (
        GiftRequest.objects.select_for_update(of=("self",))
        .select_related("member")
        .filter(listing=listing, status=GiftRequest.Status.PROMISED)
        .first()
    )
    if request is None:
        raise Conflict(_("Choose who receives the item first."))
    return request


@transaction.atomic
def mark_collected(*, by, listing: Listing) -> Listing:
    community = listing.community
    policy.require(by, "gift.manage", community, listing)
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    listing.community = community
    if listing.status != Listing.Status.PROMISED:
        raise Conflict(_("Choose who receives the item first."))
    request = _promised(listing)
    now = timezone.now()
    request.status = GiftRequest.Status.COLLECTED
    request.decided_at = now
    request.save(update_fields=["status", "decided_at"])
    listing.status = Listing.Status.COLLECTED
    listing.closed_at = now
    listing.save(update_fields=["status", "closed_at"])
    _close_waiting(listing, GiftRequest.Status.NOT_CHOSEN)
    return listing


@transaction.atomic
def record_no_show(*, by, listing: Listing) -> Listing:
    """The person chosen did not come: the item is available again, for the giver to
    choose someone else."""
    community = listing.community
    policy.require(by, "gift.manage", community, listing)
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    listing.community = community
    if listing.status != Listing.Status.PROMISED:
        raise Conflict(_("Choose who receives the item first."))
    request = _promised(listing)
    request.status = GiftRequest.Status.NO_SHOW
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    listing.status = Listing.Status.OPEN
    listing.giver_shares = Share.NONE
    listing.save(update_fields=["status", "giver_shares"])
    return listing


@transaction.atomic
def withdraw_listing(*, by, listing: Listing) -> Listing:
    policy.require(by, "gift.manage", listing.community, listing)
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.status not in (Listing.Status.OPEN, Listing.Status.PROMISED):
        raise Conflict(_("This item is no longer listed."))
    listing.status = Listing.Status.WITHDRAWN
    listing.closed_at = timezone.now()
    listing.save(update_fields=["status", "closed_at"])
    GiftRequest.objects.filter(listing=listing, status__in=GiftRequest.OPEN).update(
        status=GiftRequest.Status.CLOSED, decided_at=timezone.now()
    )
    return listing


@transaction.atomic
def take_down_listing(*, by, listing: Listing, reason: str) -> Listing:
    """A community developer takes down someone else's listing (not allowed here, or
    unsafe), saying why; the giver is told the reason."""
    community = listing.community
    policy.require(by, "gift.moderate", community, listing)
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid({"reason": _("Say why you are taking it down: the giver will read it.")})
    if len(reason) > TAKE_DOWN_REASON_MAX:
        raise Invalid(
            {
                "reason": _("Keep the reason to at most %(n)d characters.")
                % {"n": TAKE_DOWN_REASON_MAX}
            }
        )
    listing = (
        Listing.objects.select_for_update(of=("self",)).select_related("giver").get(pk=listing.pk)
    )
    listing.community = community
    if listing.status not in (Listing.Status.OPEN, Listing.Status.PROMISED):
        raise Conflict(
            _("This item is no longer listed."),
            fields={"reason": [_("This item is no longer listed.")]},
        )
    now = timezone.now()
    listing.status = Listing.Status.WITHDRAWN
    listing.closed_at = now
    listing.taken_down_reason = reason
    listing.save(update_fields=["status", "closed_at", "taken_down_reason"])
    GiftRequest.objects.filter(listing=listing, status__in=GiftRequest.OPEN).update(
        status=GiftRequest.Status.CLOSED, decided_at=now
    )
    if listing.giver is not None:
        notices.notify(
            listing.giver,
            _("A community developer took down your “%(title)s”: %(reason)s")
            % {"title": listing.title, "reason": reason},
            _url(listing),
            kind=KIND,
        )
    return listing


def _close_waiting(listing: Listing, status: str) -> int:
    return GiftRequest.objects.filter(listing=listing, status=GiftRequest.Status.WAITING).update(
        status=status, decided_at=timezone.now()
    )


@transaction.atomic
def expire_listing(*, listing: Listing) -> bool:
    """The schedule's write (no person acts): an open item past its last day."""
    updated = Listing.objects.filter(pk=listing.pk, status=Listing.Status.OPEN).update(
        status=Listing.Status.EXPIRED, closed_at=timezone.now()
    )
    if updated:
        GiftRequest.objects.filter(listing_id=listing.pk, status__in=GiftRequest.OPEN).update(
            status=GiftRequest.Status.CLOSED, decided_at=timezone.now()
        )
    return bool(updated)


@transaction.atomic
def change_settings(*, by, community, max_open_requests: int) -> GiftSettings:
    policy.require(by, "gift.settings", community)
    if not isinstance(max_open_requests, int) or not 1 <= max_open_requests <= 50:
        raise Invalid({"max_open_requests": _("Give a number from 1 to 50.")})
    found = settings_for(community)
    found.max_open_requests = max_open_requests
    found.save()
    return found
