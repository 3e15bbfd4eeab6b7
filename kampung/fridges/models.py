"""Community fridges and pantries: reports from anyone with the fridge's link, deposits,
the food-safety log and the check-and-clean rota.

A fridge is one record in the asset register (`asset`, a place with the subtype
"Community fridge" or "Community pantry"); this row adds what only a fridge has. Its
latest state is kept on the row (`fill`, `condition`, `last_report_at`, …) by
`actions.report_state`, so the map and the open feed read one row per fridge.
Writes go through kampung.fridges.actions."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.assets.models import Asset
from kampung.communities.models import Community
from kampung.fridges import state
from kampung.people.models import Member

DEFAULT_RULES = [
    "Raw meat or fish",
    "Opened items",
    "Alcohol",
    "Home-cooked food without a label",
]
RULES_MAX = 20
RULE_MAX = 120
SUBTYPES = ("Community fridge", "Community pantry")


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Fill(models.IntegerChoices):
    EMPTY = 0, _("Empty")
    QUARTER = 1, _("A quarter full")
    HALF = 2, _("Half full")
    THREE_QUARTERS = 3, _("Three quarters full")
    FULL = 4, _("Full")


class Condition(models.TextChoices):
    FINE = "fine", _("Fine")
    NEEDS_CLEANING = "needs_cleaning", _("Needs cleaning")
    OUT_OF_ORDER = "out_of_order", _("Out of order")
    MISSING = "missing", _("Not at its place")


class Fridge(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    asset = models.OneToOneField(Asset, on_delete=models.PROTECT, related_name="fridge")
    host = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="hosted_fridges"
    )
    # The fridge's public link (its QR poster): anyone holding it may report and deposit.
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    always_open = models.BooleanField(_("open 24 hours"), default=False)
    # What it does not accept, one line each, editable per fridge.
    rules = models.JSONField(
        _("what it does not accept"),
        default=list,
        blank=True,
        validators=limits.items_max(RULES_MAX),
    )
    prepared_food_days = models.PositiveSmallIntegerField(
        _("days prepared food may stay"),
        default=state.PREPARED_DAYS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    credit_minutes = models.PositiveSmallIntegerField(
        _("time credits per check (minutes)"),
        default=0,
        validators=[MaxValueValidator(240)],
    )
    # The latest report, kept here so the map and the feed read one row per fridge.
    fill = models.PositiveSmallIntegerField(choices=Fill.choices, null=True, blank=True)
    condition = models.CharField(max_length=16, choices=Condition.choices, blank=True)
    temperature_c = models.FloatField(null=True, blank=True)
    last_report_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_REDACT = ("token",)

    class Meta:
        indexes = [models.Index(fields=["community", "id"], name="fridge_by_community")]

    def __str__(self) -> str:
        return self.asset.name

    @property
    def name(self) -> str:
        return self.asset.name


class Report(models.Model):
    """What someone saw at the fridge. An anonymous reporter leaves no personal data:
    no name, no address, no IP address; `member` only when they were logged in."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    fridge = models.ForeignKey(Fridge, on_delete=models.CASCADE, related_name="reports")
    fill = models.PositiveSmallIntegerField(choices=Fill.choices)
    condition = models.CharField(max_length=16, choices=Condition.choices)
    temperature_c = models.FloatField(null=True, blank=True)
    # A re-encoded JPEG (resized, every bit of metadata including GPS dropped).
    photo = models.BinaryField(null=True, blank=True, editable=False)
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_check = models.BooleanField(default=False)  # written by "I did the check"
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["fridge", "-created_at"], name="report_by_fridge")]

    def __str__(self) -> str:
        return f"{self.get_fill_display()}, {self.get_condition_display()}"


class Deposit(models.Model):
    class Kind(models.TextChoices):
        FRUIT_VEG = "fruit_veg", _("Fruit and vegetables")
        BREAD = "bread", _("Bread and baked goods")
        PACKAGED = "packaged", _("Packaged food")
        DAIRY = "dairy", _("Milk, eggs and dairy")
        PREPARED = "prepared", _("Prepared food (cooked meals)")
        DRINKS = "drinks", _("Drinks (no alcohol)")
        OTHER = "other", _("Something else")

    class Amount(models.TextChoices):
        LITTLE = "little", _("A few items")
        BAG = "bag", _("A bag")
        BOX = "box", _("A box or crate")
        LOTS = "lots", _("More than a box")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    fridge = models.ForeignKey(Fridge, on_delete=models.CASCADE, related_name="deposits")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.CharField(max_length=8, choices=Amount.choices)
    use_by = models.DateField(null=True, blank=True)
    made_on = models.DateField(null=True, blank=True)  # prepared food: the day it was made
    flag_on = models.DateField(db_index=True)  # the first day it is past it
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Alert(models.Model):
    """An entry in the food-safety log that someone must act on: a warm reading, food
    past its date, a missed daily check. `key` makes each one happen once."""

    class Kind(models.TextChoices):
        WARM = "warm", _("Temperature above 5 °C")
        PAST_DATE = "past_date", _("Food past its use-by date")
        MISSED_CHECK = "missed_check", _("Daily check missed")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    fridge = models.ForeignKey(Fridge, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.CharField(max_length=300)
    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(db_index=True)
    action_taken = models.CharField(max_length=300, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text


class Slot(models.Model):
    """One day's check-and-clean of one fridge, and who does it."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    fridge = models.ForeignKey(Fridge, on_delete=models.CASCADE, related_name="slots")
    day = models.DateField()
    volunteer = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="fridge_slots"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    missed = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credit_transaction = models.ForeignKey(
        "timebank.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fridge", "day"], name="one_check_a_day_per_fridge")
        ]

    def __str__(self) -> str:
        return self.day.isoformat()
