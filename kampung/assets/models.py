"""The community asset register. Categories follow the NCSS 4ST guide's five kinds of
community assets (personal, associations, institutions, places and spaces, connections).
Permission rules are in kampung.policy; writes go through kampung.assets.actions."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.communities.models import (
    Community,
    KeyedByCommunity,
    Organisation,
    latitude_validators,
    longitude_validators,
)
from kampung.people.models import Member

REVIEW_EVERY = timedelta(days=180)


class Category(models.TextChoices):
    PERSONAL = "personal", _("Personal (skills, knowledge, lived experience)")
    ASSOCIATION = "association", _("Association (informal group)")
    INSTITUTION = "institution", _("Institution (agency, school, business, charity)")
    PLACE = "place", _("Place or space")
    CONNECTION = "connection", _("Connection (network, relationship)")


class Tag(models.Model):
    """A term from a taxonomy: Open Eligibility service types ("oe"), the skills list
    ("skill"), or terms administrators add ("custom")."""

    class Scheme(models.TextChoices):
        OPEN_ELIGIBILITY = "oe", _("Open Eligibility service type")
        SKILL = "skill", _("Skill")
        CUSTOM = "custom", _("Added by administrators")

    scheme = models.CharField(max_length=8, choices=Scheme.choices)
    code = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    parent_code = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["scheme", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unique_tag_code")]

    def __str__(self) -> str:
        return self.title


class Asset(models.Model):
    # How to reach a steward is personal data: the audit log says it changed, not to what.
    AUDIT_REDACT = ("contact",)

    class LocationKind(models.TextChoices):
        POINT = "point", _("At a place")
        ONLINE = "online", _("Online")
        COMES_TO_YOU = "comes_to_you", _("Comes to you")

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        DONATION = "donation", _("Donation")
        FEE = "fee", _("Fee")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members of this community")
        COORDINATORS = "coordinators", _("Community developers only")
        PRIVATE = "private", _("Only the steward and community developers")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Added by hand")
        WORKSHOP = "workshop", _("Asset-mapping workshop")
        IMPORT = "import", _("Imported file")
        SEED = "seed", _("Demo data")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="assets")
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    subtype = models.CharField(_("subtype"), max_length=64, blank=True)
    description = models.TextField(
        _("description"), blank=True, validators=limits.text_max(limits.DESCRIPTION_MAX)
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="assets", verbose_name=_("tags"), through="AssetTag"
    )
    steward_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="stewarded_assets"
    )
    steward_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stewarded_assets",
    )
    location_kind = models.CharField(
        _("where"), max_length=16, choices=LocationKind.choices, default=LocationKind.POINT
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True, validators=latitude_validators)
    lng = models.FloatField(_("longitude"), null=True, blank=True, validators=longitude_validators)
    # [{"day": 0-6 (Monday=0), "opens": "HH:MM", "closes": "HH:MM"}], community time zone.
    opening_hours = models.JSONField(
        _("opening times"), default=list, blank=True, validators=limits.items_max(limits.SLOTS_MAX)
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    accessibility = models.JSONField(
        _("accessibility"), default=list, blank=True, validators=limits.items_max(limits.LIST_MAX)
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=limits.items_max(limits.LIST_MAX)
    )
    cost = models.CharField(_("cost"), max_length=10, choices=Cost.choices, default=Cost.FREE)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    visibility = models.CharField(
        _("who can see it"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    # Which spreadsheet row this asset came from (its own id column, or a fingerprint of
    # name, kind and place), so importing the same file again updates instead of adding.
    import_key = models.CharField(max_length=200, null=True, blank=True, editable=False)
    last_verified_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_due = models.DateField(_("review due"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # Covers the map's viewport and per-cell counting queries without touching
            # the table rows (category is what the counts are split by).
            models.Index(
                fields=["community", "status", "lat", "lng", "category"], name="asset_viewport"
            ),
            models.Index(fields=["community", "category"], name="asset_category"),
            models.Index(fields=["community", "review_due"], name="asset_review_due"),
            # The map's list: a community's active assets in `ordering`, a page at a time.
            models.Index(fields=["community", "status", "name", "id"], name="asset_list_by_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "import_key"],
                condition=models.Q(import_key__isnull=False),
                name="unique_asset_import_key",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_stale(self) -> bool:
        return self.review_due is not None and self.review_due < timezone.localdate()

    @property
    def steward(self):
        return self.steward_member or self.steward_organisation


class AssetTag(KeyedByCommunity):
    """One tag on one asset: Asset.tags' link table (the one Django made for the field),
    as a model of its own so that each link row is keyed by community too. `add()` and
    `set()` fill the community in (KeyedQuerySet)."""

    COMMUNITY_FROM = "asset"

    id = models.AutoField(primary_key=True)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    # Read through the asset or the tag only: no index on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )

    class Meta:
        db_table = "assets_asset_tags"
        unique_together = [("asset", "tag")]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.tag_id}"
