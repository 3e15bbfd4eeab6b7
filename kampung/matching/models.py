"""Needs, offers, strengths profiles, matches and in-site notifications.

Permission rules are in kampung.policy; writes go through kampung.matching.actions; the
ranking is kampung.matching.core (no Django)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.assets.models import Asset, Tag
from kampung.communities.models import (
    Community,
    KeyedByCommunity,
    Organisation,
    latitude_validators,
    longitude_validators,
)

# Clearance lives with the people it describes (people.BackgroundCheck); it is
# imported here for the requests that ask for one.
from kampung.people.models import Clearance, Member


class Urgency(models.IntegerChoices):
    WHENEVER = 0, _("Whenever someone can")
    NORMAL = 1, _("In the next few weeks")
    SOON = 2, _("This week")
    URGENT = 3, _("Urgent: in the next day or two")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online or by phone")
    EITHER = "either", _("Either is fine")


class StrengthsProfile(KeyedByCommunity):
    """What a member brings: skills are on the member record (Member.skills); this adds
    interests, lived experience, availability and reach. Background checks are
    people.BackgroundCheck records: matching counts only valid, unexpired ones."""

    COMMUNITY_FROM = "member"
    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="strengths")
    interests = models.TextField(
        _("interests"), blank=True, validators=limits.text_max(limits.DESCRIPTION_MAX)
    )
    lived_experience = models.TextField(
        _("lived experience I am willing to share"),
        blank=True,
        validators=limits.text_max(limits.DESCRIPTION_MAX),
    )
    availability = models.JSONField(
        _("when I am usually free"),
        default=list,
        blank=True,
        validators=limits.items_max(limits.SLOTS_MAX),
    )
    travel_km = models.FloatField(_("how far I can travel (km)"), default=1.0)
    open_to_requests = models.BooleanField(
        _("community developers may suggest me for requests"), default=False
    )
    # However many offers they post, nobody is asked about more than this at once.
    max_at_once = models.PositiveSmallIntegerField(
        _("most requests at the same time"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Strengths of {self.member}"


class Offer(models.Model):
    class Kind(models.TextChoices):
        SKILL = "skill", _("A skill")
        TIME = "time", _("Time (a hand, company)")
        ITEM = "item", _("Something to give or lend")
        SPACE = "space", _("A space to use")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Open")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="offers")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="offers"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="offers"
    )
    kind = models.CharField(_("what you offer"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("in a few words"), max_length=200)
    description = models.TextField(
        _("more about it"), blank=True, validators=limits.text_max(limits.DESCRIPTION_MAX)
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="offers", through="OfferTag")
    location_kind = models.CharField(
        _("where"), max_length=16, choices=Asset.LocationKind.choices, default="comes_to_you"
    )
    lat = models.FloatField(null=True, blank=True, validators=latitude_validators)
    lng = models.FloatField(null=True, blank=True, validators=longitude_validators)
    travel_km = models.FloatField(_("how far you can go (km)"), default=1.0)
    availability = models.JSONField(
        _("when"), default=list, blank=True, validators=limits.items_max(limits.SLOTS_MAX)
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=limits.items_max(limits.LIST_MAX)
    )
    accessibility = models.JSONField(
        _("accessibility"), default=list, blank=True, validators=limits.items_max(limits.LIST_MAX)
    )
    capacity = models.PositiveSmallIntegerField(
        _("how many requests at once"), default=1, help_text=_("At least 1.")
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    # A member's skill is also a personal asset on the map: one record, kept in step.
    asset = models.OneToOneField(
        Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="offer"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def offerer(self):
        return self.member or self.organisation


class Need(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MATCHED = "matched", _("Someone is helping")
        MET = "met", _("Met")
        CLOSED = "closed", _("Closed")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="needs")
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="needs",
        help_text=_("The person asking (or acting for their household)."),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="needs"
    )
    for_household = models.BooleanField(_("for my household"), default=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("what do you need?"), max_length=200)
    description = models.TextField(
        _("tell us more"), blank=True, validators=limits.text_max(limits.DESCRIPTION_MAX)
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="needs", through="NeedTag")
    # The kind of help (tags) was guessed by Kampung from the words, not chosen by a
    # person: shown as a guess, and not used as a certain category when ranking.
    kind_guessed = models.BooleanField(default=False)
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    lat = models.FloatField(null=True, blank=True, validators=latitude_validators)
    lng = models.FloatField(null=True, blank=True, validators=longitude_validators)
    times = models.JSONField(
        _("times that suit"),
        default=list,
        blank=True,
        validators=limits.items_max(limits.SLOTS_MAX),
    )
    needed_from = models.DateField(_("from"), null=True, blank=True)
    needed_by = models.DateField(_("by"), null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("how soon"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=limits.items_max(limits.LIST_MAX)
    )
    accessibility = models.JSONField(
        _("accessibility needs"),
        default=list,
        blank=True,
        validators=limits.items_max(limits.LIST_MAX),
    )
    safeguarding = models.PositiveSmallIntegerField(
        _("background check needed"), choices=Clearance.choices, default=Clearance.NONE
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-urgency", "created_at", "id"]
        indexes = [
            # The requests list: a community's requests of one status in `ordering`
            # (and, by its first two columns, every count of them).
            models.Index(
                fields=["community", "status", "-urgency", "created_at", "id"],
                name="need_list_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Share(models.TextChoices):
    """What one side of a match lets the other side see. Blank on the match: not
    chosen yet (nothing is shown)."""

    NONE = "none", _("Neither: messages through the site only")
    PHONE = "phone", _("My phone number")
    EMAIL = "email", _("My email address")
    BOTH = "both", _("My phone number and my email address")


class Match(KeyedByCommunity):
    COMMUNITY_FROM = "need"

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Suggested, waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        IN_PROGRESS = "in_progress", _("Under way")
        COMPLETED = "completed", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="matches"
    )
    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="matches"
    )
    helper = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="helping",
        help_text=_("The member who would help (from their offer or strengths profile)."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    score = models.FloatField(default=0)
    factors = models.JSONField(default=list)  # as shown when proposed
    note = models.TextField(_("note"), blank=True, validators=limits.text_max(limits.NOTE_MAX))
    decline_reason = models.CharField(max_length=300, blank=True)
    minutes_given = models.PositiveIntegerField(null=True, blank=True)
    # Each side's choice, asked when it matters (the helper when saying yes, the person
    # asking once a helper said yes). This per-match choice is the consent for this
    # match; the standing "contact sharing" consent only pre-ticks the form.
    helper_shares = models.CharField(
        _("what the helper shares"), max_length=5, choices=Share.choices, blank=True
    )
    asker_shares = models.CharField(
        _("what the person asking shares"), max_length=5, choices=Share.choices, blank=True
    )
    feedback_from_helper = models.TextField(blank=True, validators=limits.text_max(limits.NOTE_MAX))
    feedback_from_asker = models.TextField(blank=True, validators=limits.text_max(limits.NOTE_MAX))
    proposed_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        # The home page's "suggestions unanswered for 3 days" and a helper's asks.
        indexes = [models.Index(fields=["status", "proposed_at"], name="match_status_proposed")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offer__isnull=False)
                | models.Q(asset__isnull=False)
                | models.Q(helper__isnull=False),
                name="match_has_a_candidate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.need} ← {self.candidate_name}"

    @property
    def candidate_name(self) -> str:
        if self.offer_id:
            return str(self.offer)
        if self.asset_id:
            return str(self.asset)
        return str(self.helper)

    @property
    def contacts_shared(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.IN_PROGRESS, self.Status.COMPLETED)


class MatchMessage(KeyedByCommunity):
    """A message through the site between the two sides of a match, so nobody has to
    share a phone number. Only the two sides write; they and staff read (staff
    reading is audit-logged)."""

    COMMUNITY_FROM = "match"
    # Read through the match only: no index of its own on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("message"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    # The audit log records that a message was sent, never what it said.
    AUDIT_REDACT = ("text",)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class OfferTag(KeyedByCommunity):
    """One kind of help an offer gives (a tag): Offer.tags' link table (the one Django made
    for the field), as a model of its own so that each link row is keyed by community
    too. `add()` and `set()` fill the community in (KeyedQuerySet)."""

    COMMUNITY_FROM = "offer"

    id = models.AutoField(primary_key=True)
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    # Read through the offer or the tag only: no index on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )

    class Meta:
        db_table = "matching_offer_tags"
        unique_together = [("offer", "tag")]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.tag_id}"


class NeedTag(KeyedByCommunity):
    """One kind of help a request asks for (a tag): Need.tags' link table (the one Django
    made for the field), as a model of its own so that each link row is keyed by
    community too. `add()` and `set()` fill the community in (KeyedQuerySet)."""

    COMMUNITY_FROM = "need"

    id = models.AutoField(primary_key=True)
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    # Read through the need or the tag only: no index on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )

    class Meta:
        db_table = "matching_need_tags"
        unique_together = [("need", "tag")]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.tag_id}"


class CandidateChange(models.Model):
    """Something that may change who could help, in order: the kept candidate index of
    each web process (kampung.matching.kept) re-reads just these and is up to date.
    ``key`` names what changed: "offer:12", "member:5" (their offers, profile and the
    places they look after) or "asset:9". Written in the same transaction as the change
    (signals in kampung.matching.signals); old rows are purged daily."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["community", "id"], name="candidatechange_seq")]

    def __str__(self) -> str:
        return self.key
