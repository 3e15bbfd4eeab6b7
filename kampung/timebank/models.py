"""The time bank's records: accounts, exchanges waiting for confirmation, group sessions,
and the double-entry ledger (transactions and postings).

Postings are the audit trail: once written they never change. Their model, queryset,
admin and database triggers (migration 0002) all refuse updates and deletes; a mistake
is corrected by a reversing transaction that links to the original. `Account.balance`
is a cached sum of the account's postings, changed only by `posting.post` while the
account row is locked, and checked against its limits by a database constraint.
Writes happen in `kampung.timebank.actions`, never here.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampung.appendonly import AppendOnlyError, AppendOnlyModel
from kampung.communities.models import Community, KeyedByCommunity, Organisation
from kampung.people.models import Member
from kampung.timebank.ledger import format_minutes

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_account_number() -> str:
    """Eight characters, shown as ABCD-EFGH: what someone tells a relative so they can
    give them credits. Random, so numbers cannot be guessed in sequence."""
    raw = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class ImmutableError(AppendOnlyError):
    """Someone tried to change or remove a ledger record."""


class ImmutableModel(AppendOnlyModel):
    """A ledger record: added, never changed or removed (kampung.appendonly)."""

    append_only_error = ImmutableError
    append_only_message = "ledger records cannot be changed or deleted; post a reversal instead"
    # Ledger rows are their own append-only record: kampung.audit need not copy them.
    AUDIT_EXEMPT = True

    class Meta:
        abstract = True


class Account(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        ORGANISATION = "organisation", _("Organisation")
        POOL = "pool", _("Community pool")
        CLEARING = "clearing", _("Clearing account")

    number = models.CharField(_("account number"), max_length=9, unique=True)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="timebank_accounts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    member = models.OneToOneField(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timebank_account",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timebank_accounts",
    )
    # Minutes. Positive: credits held; negative: credits owed (within lower_limit).
    balance = models.BigIntegerField(_("balance (minutes)"), default=0, editable=False)
    lower_limit = models.BigIntegerField(
        _("lowest balance allowed (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty means no limit. A negative number lets the account owe credits."),
    )
    upper_limit = models.BigIntegerField(
        _("highest balance allowed (minutes)"), null=True, blank=True
    )
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            # The last line of defence: even a buggy action cannot store a balance
            # outside the account's limits.
            models.CheckConstraint(
                condition=models.Q(lower_limit__isnull=True)
                | models.Q(balance__gte=models.F("lower_limit")),
                name="timebank_balance_not_below_lower_limit",
            ),
            models.CheckConstraint(
                condition=models.Q(upper_limit__isnull=True)
                | models.Q(balance__lte=models.F("upper_limit")),
                name="timebank_balance_not_above_upper_limit",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="member", member__isnull=False, organisation__isnull=True)
                    | models.Q(kind="organisation", member__isnull=True, organisation__isnull=False)
                    | models.Q(
                        kind__in=["pool", "clearing"],
                        member__isnull=True,
                        organisation__isnull=True,
                    )
                ),
                name="timebank_account_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["community", "kind"],
                condition=models.Q(kind__in=["pool", "clearing"]),
                name="timebank_one_pool_and_clearing_per_community",
            ),
            models.UniqueConstraint(
                fields=["community", "organisation"],
                condition=models.Q(kind="organisation"),
                name="timebank_one_account_per_organisation_per_community",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.number})"

    def save(self, *args, **kwargs):
        # A full save would write back a balance read earlier, undoing any transfer
        # posted in between. Only the ledger (a locked UPDATE) changes the balance.
        if not self._state.adding and kwargs.get("update_fields") is None:
            raise ImmutableError("save an account with update_fields (never its balance)")
        if "balance" in (kwargs.get("update_fields") or ()):
            raise ImmutableError("an account's balance changes only by posting")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        if self.kind == self.Kind.MEMBER:
            return self.member.display_name
        if self.kind == self.Kind.ORGANISATION:
            return self.organisation.name
        if self.kind == self.Kind.POOL:
            return str(_("Community pool"))
        return str(_("Clearing account"))

    @property
    def balance_display(self) -> str:
        return format_minutes(self.balance)

    @property
    def lower_limit_display(self) -> str:
        return "" if self.lower_limit is None else format_minutes(self.lower_limit)

    @property
    def owe_limit_display(self) -> str:
        """How much the account may owe, as a positive time ("10 h")."""
        return "" if self.lower_limit is None else format_minutes(-self.lower_limit)

    @property
    def available_minutes(self) -> int | None:
        return None if self.lower_limit is None else self.balance - self.lower_limit


class TransactionKind(models.TextChoices):
    EXCHANGE = "exchange", _("Exchange")
    SESSION = "session", _("Group session")
    GIFT = "gift", _("Gift")
    POOL_GIFT = "pool_gift", _("Gift to the community pool")
    ALLOCATION = "allocation", _("Allocation from the community pool")
    REVERSAL = "reversal", _("Correction (reversal)")


class Transaction(ImmutableModel):
    """One balanced movement of credits: its postings add up to zero."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="timebank_transactions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TransactionKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A reversal points at what it corrects; one reversal per original at most.
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}: {self.description}"


class Posting(ImmutableModel, KeyedByCommunity):
    """One line of a transaction: `amount` minutes into (+) or out of (−) one account.
    `balance_after` is the account's balance just after this posting, written while the
    account was locked, so a statement's running balance needs no arithmetic.
    `community` is the account's (a gift between communities is one transaction with
    postings in both), written by the posting engine from the locked account rows."""

    COMMUNITY_FROM = "account"
    # Read through the account only: no index of its own on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = models.BigIntegerField(_("minutes"))
    balance_after = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0), name="timebank_posting_amount_not_zero"
            )
        ]
        indexes = [models.Index(fields=["account", "id"])]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount:+d}"


class IdempotencyKey(models.Model):
    """A write's idempotency key, the fingerprint of what it asked for, and what it made.
    The same key with the same request returns the original; a different request is
    refused. Keys are per user, so two people can never collide."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    action = models.CharField(max_length=40)
    digest = models.CharField(max_length=64)
    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exchange = models.ForeignKey(
        "Exchange", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        "GroupSession", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A refusal is kept with its key like a result (the first answer is the answer):
    # its stable code, HTTP status, message and {field: [messages]}. The key's row is
    # written apart from the refused work, so it outlives that work's rollback.
    # (Database defaults: the posting engine inserts keys in plain SQL.)
    error_code = models.CharField(max_length=40, blank=True, default="", db_default="")
    error_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_message = models.CharField(max_length=1000, blank=True, default="", db_default="")
    error_fields = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    AUDIT_EXEMPT = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="timebank_one_use_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.key}"


class Exchange(models.Model):
    """A service one member gave another. It posts only when both sides have confirmed
    (a community developer may confirm for someone without a device)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        POSTED = "posted", _("Confirmed")
        DECLINED = "declined", _("Declined")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="timebank_exchanges"
    )
    provider = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    # An organisation may pay for care given to someone who cannot reciprocate.
    paid_by = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    description = models.CharField(_("what was done"), max_length=300)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    provider_confirmed_at = models.DateTimeField(null=True, blank=True)
    provider_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiver_confirmed_at = models.DateTimeField(null=True, blank=True)
    receiver_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The matching app's id for the match this exchange came from (no FK: matching is a
    # separate app and may not be installed).
    match_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="exchange"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        # The home page's "exchanges to confirm for people without a login".
        indexes = [models.Index(fields=["community", "status"], name="exchange_community_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="timebank_exchange_minutes_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(provider=models.F("receiver")),
                name="timebank_exchange_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.receiver}: {format_minutes(self.minutes)}"

    @property
    def minutes_display(self) -> str:
        return format_minutes(self.minutes)


class GroupSession(models.Model):
    """One host, many attendees. Credits either per attendee (each attendee gives the
    host the session's minutes) or per host (the host earns the minutes once, shared
    between the attendees).

    Each attendee's part is a `SessionAttendance`. Attendees without a login are
    confirmed by the community developer who records the session, and their parts post
    at once as `transaction`; an attendee with a login confirms (or declines) their own
    part, which then posts on its own. The session is pending until every attendee has
    answered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for attendees to confirm")
        POSTED = "posted", _("Everyone has answered")

    class Basis(models.TextChoices):
        PER_ATTENDEE = "per_attendee", _("Each attendee gives the host the session's time")
        PER_HOST = "per_host", _("The host earns the session's time once, shared by attendees")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="timebank_sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    host = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    attendees = models.ManyToManyField(Member, related_name="+", through="SessionAttendee")
    minutes = models.PositiveIntegerField(_("minutes"))
    basis = models.CharField(_("credits"), max_length=16, choices=Basis.choices)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="session"
    )
    # Sessions recorded before attendees confirmed their own parts posted at once.
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.POSTED, db_default=Status.POSTED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return self.title


class SessionAttendance(KeyedByCommunity):
    """One attendee's part of a group session: the minutes they give the host, and
    whether they (or, for someone without a login, the community developer) confirmed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        POSTED = "posted", _("Confirmed")
        DECLINED = "declined", _("Said they were not there")

    COMMUNITY_FROM = "session"
    # Read through the session only: no index of its own on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField(_("minutes"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"], name="timebank_one_part_per_attendee"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="timebank_attendance_minutes_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="posted") | models.Q(transaction__isnull=False),
                name="timebank_posted_attendance_has_transaction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} at {self.session}"

    @property
    def minutes_display(self) -> str:
        return format_minutes(self.minutes)


class SessionAttendee(KeyedByCommunity):
    """That a member attended a group session (their part of the credits is their
    SessionAttendance): GroupSession.attendees' link table (the one Django made for the
    field), as a model of its own so that each link row is keyed by community too.
    `add()` and `set()` fill the community in (KeyedQuerySet)."""

    COMMUNITY_FROM = "groupsession"

    id = models.AutoField(primary_key=True)
    groupsession = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    # Read through the groupsession or the member only: no index on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )

    class Meta:
        db_table = "timebank_groupsession_attendees"
        unique_together = [("groupsession", "member")]

    def __str__(self) -> str:
        return f"{self.groupsession_id}: {self.member_id}"
