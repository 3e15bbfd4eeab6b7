"""Communities and organisations. Every other record in Kampung belongs to a community,
and every community-owned table says which in its own `community_id` column
(`KeyedByCommunity` for the records that hang from another one; docs/scaling.md)."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kampung import limits

latitude_validators = [MinValueValidator(-90), MaxValueValidator(90)]
longitude_validators = [MinValueValidator(-180), MaxValueValidator(180)]


def validate_timezone(value: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not a known time zone."), params={"value": value}
        ) from None


class Community(models.Model):
    """A place-based area served by one Kampung installation (there may be many)."""

    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    centre_lat = models.FloatField(_("centre latitude"), validators=latitude_validators)
    centre_lng = models.FloatField(_("centre longitude"), validators=longitude_validators)
    # GeoJSON Polygon geometry (RFC 7946, longitude-latitude order); optional.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=limits.items_max(limits.LIST_MAX)
    )
    # Bumped whenever an asset, or a consent deciding who sees personal assets, changes:
    # the map's cached counts are rebuilt when it moves (kampung.assets.cellcount).
    assets_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def use_local_time(self) -> None:
        """For the rest of this request, dates and times are this community's: "today"
        in a form, the date an exchange happened, times shown on pages.
        (kampung.communities.middleware resets it for the next request.)"""
        from zoneinfo import ZoneInfo

        from django.utils import timezone

        timezone.activate(ZoneInfo(self.timezone))


class Organisation(models.Model):
    """A social purpose entity, council, agency, school, business or informal group."""

    class Kind(models.TextChoices):
        SOCIAL_PURPOSE = "social_purpose", _("Social purpose organisation or charity")
        COUNCIL = "council", _("Council or government agency")
        SCHOOL = "school", _("School or college")
        BUSINESS = "business", _("Business")
        INFORMAL_GROUP = "informal_group", _("Informal group")
        HEALTH = "health", _("Health or care provider")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # org-id.guide style: a list prefix and the identifier within it, e.g. GB-CHC-1234567.
    identifier = models.CharField(
        _("organisation identifier"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z]{2}-[A-Z0-9]{2,}-[A-Za-z0-9.\-/]+$",
                _(
                    "Use the org-id.guide form: a list code then the identifier, "
                    "e.g. GB-CHC-1234567."
                ),
            )
        ],
    )
    communities = models.ManyToManyField(
        Community, related_name="organisations", verbose_name=_("communities")
    )
    description = models.TextField(
        _("description"), blank=True, validators=limits.text_max(limits.DESCRIPTION_MAX)
    )
    website = models.URLField(_("website"), blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True, validators=latitude_validators)
    lng = models.FloatField(_("longitude"), null=True, blank=True, validators=longitude_validators)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def links_of(parent) -> dict:
    """`through_defaults` for a many-to-many `add()` or `set()` on `parent`: its link rows
    (KeyedByCommunity) take its community without a query to look it up."""
    return {"community_id": parent.community_id}


class KeyedQuerySet(models.QuerySet):
    """A KeyedByCommunity model's queryset: `bulk_create` (which calls no `save()`, and is
    how a many-to-many field's `add()` and `set()` write their link rows) fills in each
    row's missing community from its parent, in one query per batch."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        parent = self.model._meta.get_field(self.model.COMMUNITY_FROM)
        missing = [o for o in objs if o.community_id is None]
        wanted = {getattr(o, parent.attname) for o in missing if not parent.is_cached(o)}
        known: dict = {}
        pks = sorted(wanted)
        for start in range(0, len(pks), 500):
            known.update(
                parent.related_model._base_manager.using(self.db)
                .filter(pk__in=pks[start : start + 500])
                .values_list("pk", "community_id")
            )
        for o in missing:
            if parent.is_cached(o):
                o.community_id = getattr(o, parent.name).community_id
            else:
                o.community_id = known[getattr(o, parent.attname)]
        return super().bulk_create(objs, *args, **kwargs)


class KeyedByCommunity(models.Model):
    """A record that belongs to the community of the record it hangs from (a match to its
    request's, a consent to its member's, a posting to its account's), with that
    community stored on the row as well. Then every community-owned table carries
    `community_id`, the key its rows can be found and distributed by (Citus:
    docs/scaling.md), and a community's pages can filter each table by it directly.

    `save()` fills it in from `COMMUNITY_FROM` (the parent's field name) when a row is
    added, and refuses a community that is not the parent's; `bulk_create` (also behind
    a many-to-many field's `add()` and `set()`) fills in what is missing (KeyedQuerySet).
    Only the posting engine's plain SQL must write it itself."""

    COMMUNITY_FROM: ClassVar[str]

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = KeyedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            parents = getattr(self, self.COMMUNITY_FROM).community_id
            if self.community_id is None:
                self.community_id = parents
            elif self.community_id != parents:
                raise ValueError(
                    f"{type(self).__name__} belongs to its {self.COMMUNITY_FROM}'s community "
                    f"({parents}), not {self.community_id}"
                )
        super().save(*args, **kwargs)
