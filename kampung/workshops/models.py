"""Asset-mapping workshops. A facilitator opens a workshop for an event; participants,
with or without an account, add what they know through the workshop's secret link; the
facilitator merges duplicates, edits, accepts and publishes items into the asset
register (kampung.assets) with the workshop as their source. Permission rules are in
kampung.policy; writes go through kampung.workshops.actions."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.assets.models import Asset, Category
from kampung.communities.models import (
    Community,
    KeyedByCommunity,
    latitude_validators,
    longitude_validators,
)

MAX_ITEMS = 1000  # per workshop: a room full of people, never an open spam target


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Workshop(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open: participants can add")
        CLOSED = "closed", _("Closed to new items")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="workshops")
    title = models.CharField(_("name of the event"), max_length=200)
    held_on = models.DateField(_("date"))
    venue = models.CharField(_("where it is held"), max_length=200, blank=True)
    prompt = models.CharField(
        _("question for participants"),
        max_length=300,
        blank=True,
        help_text=_("Shown on participants' phones, e.g. 'What makes our estate a good place?'"),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The session link's secret: anyone holding it may add items while the workshop is open.
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_REDACT = ("token",)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class WorkshopItem(KeyedByCommunity):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Set aside")
        MERGED = "merged", _("Merged")
        PUBLISHED = "published", _("On the map")

    COMMUNITY_FROM = "workshop"
    # Read through the workshop only: no index of its own on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("what it is"), max_length=200)
    category = models.CharField(_("kind of asset"), max_length=16, choices=Category.choices)
    description = models.TextField(
        _("more about it"), blank=True, validators=limits.text_max(limits.DESCRIPTION_MAX)
    )
    location_kind = models.CharField(
        _("where"),
        max_length=16,
        choices=Asset.LocationKind.choices,
        default=Asset.LocationKind.POINT,
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True, validators=latitude_validators)
    lng = models.FloatField(_("longitude"), null=True, blank=True, validators=longitude_validators)
    address = models.CharField(_("address or landmark"), max_length=200, blank=True)
    offered_by = models.CharField(_("who offers it"), max_length=200, blank=True)
    added_by_name = models.CharField(_("added by"), max_length=100, blank=True)
    # A random key kept in the participant's browser session, so they see (only) their
    # own items; never a login and never shown to anyone.
    participant = models.CharField(max_length=32, blank=True, db_index=True)
    added_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_items"
    )
    published_asset = models.OneToOneField(
        Asset,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_item",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_REDACT = ("participant",)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_place(self) -> bool:
        return self.location_kind != Asset.LocationKind.POINT or (
            self.lat is not None and self.lng is not None
        )
