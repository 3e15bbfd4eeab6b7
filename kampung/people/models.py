"""Login accounts, members of communities, roles, consent and API tokens.

A *User* is a login. A *Member* is a person in one community; a member may have no
login at all (a coordinator acts on their behalf). A user's role is held per community
on their Member record. Permission rules do not live here: see kampung.policy.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.communities.models import (
    Community,
    KeyedByCommunity,
    KeyedQuerySet,
    Organisation,
    latitude_validators,
    longitude_validators,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        # Emails are stored lower-cased; "Resident@Example.org" logs in the same person.
        return self.get(email=str(username or "").strip().lower())

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Email is the username."""

    email = models.EmailField(_("email"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the Django admin"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    AUDIT_REDACT = ("password",)

    def __str__(self) -> str:
        return self.display_name or self.email


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VOLUNTEER = "volunteer", _("Volunteer")
    COORDINATOR = "coordinator", _("Community developer")
    PARTNER = "partner", _("Partner staff")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


class MemberQuerySet(models.QuerySet):
    def in_community(self, community: Community) -> MemberQuerySet:
        return self.filter(community=community)


class Member(models.Model):
    """A person in one community, with their role there."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.RESIDENT)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("For partner staff: the organisation they work for."),
    )
    supported_by = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="supported_members",
        verbose_name=_("organisations working with this person"),
        through="Support",
    )
    display_name = models.CharField(_("display name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=limits.items_max(limits.LIST_MAX)
    )
    skills = models.JSONField(
        _("skills"), default=list, blank=True, validators=limits.items_max(limits.LIST_MAX)
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    # Coarse location only: rounded to about 100 m, never a home address.
    area_lat = models.FloatField(
        _("area latitude"), null=True, blank=True, validators=latitude_validators
    )
    area_lng = models.FloatField(
        _("area longitude"), null=True, blank=True, validators=longitude_validators
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MemberQuerySet.as_manager()
    AUDIT_REDACT = ("email", "phone", "birth_year", "area_lat", "area_lng")

    class Meta:
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=models.Q(user__isnull=False),
                name="one_member_per_user_per_community",
            )
        ]
        indexes = [
            # The people list and every name picker: a community's members in `ordering`,
            # read from the index in order (no sort), a page at a time.
            models.Index(fields=["community", "display_name", "id"], name="member_by_name"),
            # The dashboard's "new members by month": the last twelve months' joiners.
            models.Index(fields=["community", "joined_on"], name="member_joined"),
        ]
        # And on PostgreSQL a trigram index for the search by name (migration 0007).

    def __str__(self) -> str:
        return self.display_name

    @property
    def has_device(self) -> bool:
        return self.user_id is not None

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from kampung.people.names import clean_display_name
        from kampung.people.skills import LANGUAGE_NAMES, SKILLS

        errors = {}
        try:
            self.display_name = clean_display_name(self.display_name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        unknown = [s for s in self.skills or [] if s not in SKILLS]
        if unknown:
            errors["skills"] = _("Unknown skill: %(names)s.") % {
                "names": ", ".join(map(str, unknown))
            }
        unknown = [code for code in self.languages or [] if code not in LANGUAGE_NAMES]
        if unknown:
            errors["languages"] = _("Unknown language: %(names)s.") % {
                "names": ", ".join(map(str, unknown))
            }
        if (self.area_lat is None) != (self.area_lng is None):
            errors["area_lat"] = _("Give both latitude and longitude, or neither.")
        if errors:
            raise ValidationError(errors)


class Clearance(models.IntegerChoices):
    """Background-check levels. A request asks for one (Need.safeguarding); a helper
    holds the best of their valid, unexpired BackgroundChecks."""

    NONE = 0, _("None needed")
    BASIC = 1, _("Basic check (identity and references)")
    ENHANCED = 2, _("Enhanced background check (home visits, vulnerable adults, children)")


# A check "expires soon" this many days before its expiry date.
CHECK_EXPIRY_WARNING_DAYS = 30


class BackgroundCheck(KeyedByCommunity):
    """That a helper has had a background check: its kind and level, when, until when,
    who checked and their reference. Never the certificate itself (nothing here holds a
    file). A check is withdrawn, not deleted, so its history stays."""

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRES_SOON = "expires_soon", _("Expires soon")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    COMMUNITY_FROM = "member"
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="checks")
    level = models.PositiveSmallIntegerField(
        _("level"), choices=[c for c in Clearance.choices if c[0] != Clearance.NONE]
    )
    kind = models.CharField(
        _("kind of check"),
        max_length=limits.CHECK_KIND_MAX,
        blank=True,
        help_text=_("For example: police record check, DBS enhanced with barred lists."),
    )
    checked_on = models.DateField(_("date checked"))
    expires_on = models.DateField(_("expiry date"))
    checked_by = models.CharField(
        _("who checked"),
        max_length=limits.CHECK_BY_MAX,
        help_text=_("The organisation or the person who did the check."),
    )
    reference = models.CharField(_("reference"), max_length=limits.CHECK_REFERENCE_MAX, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.CharField(
        _("why it was withdrawn"), max_length=limits.CHECK_REASON_MAX, blank=True
    )
    # A certificate's reference number is recorded as changed, never its value.
    AUDIT_REDACT = ("reference",)

    class Meta:
        ordering = ["-expires_on", "-id"]
        indexes = [models.Index(fields=["member", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.member} – {self.get_level_display()}"

    def state(self, today) -> str:
        """valid, expires_soon, expired or withdrawn, on `today` (a date)."""
        from datetime import timedelta

        if self.withdrawn_at is not None:
            return self.State.WITHDRAWN
        if self.expires_on < today:
            return self.State.EXPIRED
        if self.expires_on <= today + timedelta(days=CHECK_EXPIRY_WARNING_DAYS):
            return self.State.EXPIRES_SOON
        return self.State.VALID


class ConsentPurpose(models.TextChoices):
    CONTACT_SHARING = "contact_sharing", _("Share my contact details with people I am matched with")
    PROFILE_VISIBLE = "profile_visible", _("Show my name and skills to other members")
    PARTNER_SHARING = (
        "partner_sharing",
        _("Share my record with partner organisations that support me"),
    )
    STORIES = "stories", _("Use my story and photos in reports")
    AGGREGATE_RESEARCH = "aggregate_research", _("Count me in anonymous statistics")


class ConsentQuerySet(KeyedQuerySet):
    def active(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Consent(KeyedByCommunity):
    """What a member agreed to, in which wording, when and who recorded it."""

    COMMUNITY_FROM = "member"
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    wording_version = models.CharField(_("wording version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_on_behalf = models.BooleanField(_("recorded on the member's behalf"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_consent_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.get_purpose_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ApiToken(models.Model):
    """A bearer token for integrations. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="integration")
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Every token expires (settings.KAMPUNG_TOKEN_DAYS, 90 by default).
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    AUDIT_REDACT = ("digest",)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()


class Support(KeyedByCommunity):
    """That an organisation works with a member: Member.supported_by's link table (the one
    Django made for the field), as a model of its own so that each link row is keyed by
    community too. `add()` and `set()` fill the community in (KeyedQuerySet)."""

    COMMUNITY_FROM = "member"

    id = models.AutoField(primary_key=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # Read through the member or the organisation only: no index on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )

    class Meta:
        db_table = "people_member_supported_by"
        unique_together = [("member", "organisation")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.organisation_id}"
