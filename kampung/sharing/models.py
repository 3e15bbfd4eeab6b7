"""Gift and take: members pass on pre-loved items (listings, requests, handovers, photos
without metadata); a shop can hold listings for donors.

- `Listing`: an item given away, by a member (`giver`) or by a Gift and Take shop (an
  asset in the register, `shop`). No price, ever: there is no field for one. The pickup
  place is a coarse area name, never an address or a point.
- `Photo`: up to four per listing, re-encoded without any metadata, stored under a
  random name and served only through a page that checks who is looking.
- `GiftRequest`: "I'd like this", with an optional message. The giver chooses one
  (promised), then the handover is collected or a no-show.
- `GiftSettings`: per community, how many open requests a member may hold.

Writes go through kampung.sharing.actions; permission rules are in kampung.policy."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.assets.models import Asset
from kampung.communities.models import Community, KeyedByCommunity
from kampung.people.models import Member

TITLE_MAX = 100
AREA_MAX = 60
TAKE_DOWN_REASON_MAX = 300
MESSAGE_MAX = 500
MAX_PHOTOS = 4
LISTING_DAYS = 14  # "available until" by default: two weeks from today
MAX_DAYS = 90  # and at most this far ahead
MAX_LISTINGS_PER_DAY = 20  # by one member (a shop lists for many donors)
DEFAULT_OPEN_REQUESTS = 5


class Category(models.TextChoices):
    CLOTHES = "clothes", _("Clothes")
    BABY = "baby", _("Baby and children")
    FURNITURE = "furniture", _("Furniture")
    KITCHEN = "kitchen", _("Kitchen")
    ELECTRONICS = "electronics", _("Electronics")
    BOOKS = "books", _("Books")
    TOYS = "toys", _("Toys")
    OTHER = "other", _("Other")


class Condition(models.TextChoices):
    NEW = "new", _("New, never used")
    LIKE_NEW = "like_new", _("Like new")
    GOOD = "good", _("Good, some signs of use")
    WORN = "worn", _("Well used, still works")


class Share(models.TextChoices):
    """What one side shows the other once the giver has chosen (as on a match)."""

    NONE = "", _("Nothing: messages through Kampung only")
    PHONE = "phone", _("My phone number")
    EMAIL = "email", _("My email address")
    BOTH = "both", _("My phone number and email address")


class GiftSettings(models.Model):
    """A community's own rules for gift and take (one row per community, made when
    first needed)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    max_open_requests = models.PositiveSmallIntegerField(
        _("open requests one person may hold at once"), default=DEFAULT_OPEN_REQUESTS
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community"], name="one_gift_settings_per_community")
        ]

    def __str__(self) -> str:
        return f"Gift and take in {self.community_id}"


def default_until():
    return timezone.localdate() + timedelta(days=LISTING_DAYS)


class Listing(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Available")
        PROMISED = "promised", _("Promised")
        COLLECTED = "collected", _("Collected")
        EXPIRED = "expired", _("No longer available")
        WITHDRAWN = "withdrawn", _("Taken down")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("what is it?"), max_length=TITLE_MAX)
    category = models.CharField(_("kind of item"), max_length=16, choices=Category.choices)
    condition = models.CharField(
        _("condition"), max_length=16, choices=Condition.choices, default=Condition.GOOD
    )
    description = models.TextField(
        _("more about it"), blank=True, validators=limits.text_max(limits.NOTE_MAX)
    )
    # Coarse on purpose: a neighbourhood or block name, never an address or a point.
    pickup_area = models.CharField(_("pickup area"), max_length=AREA_MAX)
    area_key = models.CharField(max_length=AREA_MAX, editable=False)  # lower case, for search
    available_until = models.DateField(_("available until"), default=default_until)
    # A member's own item, or an item a Gift and Take shop holds for a donor.
    giver = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="gift_listings"
    )
    shop = models.ForeignKey(
        Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="gift_listings"
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    giver_shares = models.CharField(max_length=8, choices=Share.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Why a community developer took it down (blank when the giver did): the giver is told.
    taken_down_reason = models.CharField(max_length=TAKE_DOWN_REASON_MAX, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list page: a community's available items, newest first, by kind.
            models.Index(
                fields=["community", "status", "category", "-created_at", "-id"],
                name="gift_by_kind",
            ),
            models.Index(fields=["community", "status", "-created_at", "-id"], name="gift_newest"),
            models.Index(fields=["community", "status", "area_key"], name="gift_by_area"),
            # The expiry schedule: open items by their last day.
            models.Index(fields=["status", "available_until"], name="gift_expiry"),
            models.Index(fields=["giver", "status"], name="gift_by_giver"),
        ]
        # And on PostgreSQL a trigram index for the search by words (migration 0001).
        constraints = [
            models.CheckConstraint(
                condition=models.Q(giver__isnull=False) | models.Q(shop__isnull=False),
                name="gift_has_giver_or_shop",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def giver_name(self) -> str:
        if self.shop_id:
            return self.shop.name
        return self.giver.display_name if self.giver else ""


class Photo(KeyedByCommunity):
    COMMUNITY_FROM = "listing"
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    # A random, unguessable name under MEDIA_ROOT/gifts/ (never the uploaded name).
    file = models.FileField(upload_to="gifts/", max_length=120)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["listing", "id"]

    def __str__(self) -> str:
        return self.file.name

    @property
    def key(self) -> str:
        """The random part of the stored name: what the photo's address carries."""
        return self.file.name.rsplit("/", 1)[-1].split(".", 1)[0]


class GiftRequest(KeyedByCommunity):
    """Someone's "I'd like this"."""

    # A note from one neighbour to another: the audit log says it changed, not what it says.
    AUDIT_REDACT = ("message",)

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the giver")
        PROMISED = "promised", _("Promised to you")
        COLLECTED = "collected", _("Collected")
        NO_SHOW = "no_show", _("Not collected")
        NOT_CHOSEN = "not_chosen", _("Given to someone else")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("The item is no longer available")

    OPEN = (Status.WAITING, Status.PROMISED)

    COMMUNITY_FROM = "listing"
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="requests")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="gift_requests")
    message = models.CharField(_("message to the giver"), max_length=MESSAGE_MAX, blank=True)
    shares = models.CharField(max_length=8, choices=Share.choices, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["member", "status"], name="gift_request_by_member"),
            models.Index(fields=["listing", "status"], name="gift_request_by_listing"),
            models.Index(fields=["community", "status"], name="gift_request_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "member"],
                condition=models.Q(status__in=["waiting", "promised"]),
                name="one_open_gift_request_each",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} would like {self.listing_id}"
