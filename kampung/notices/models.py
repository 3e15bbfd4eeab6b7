"""Messages to members and the background work that delivers them.

A `Notification` is the message in the site: it is written in the same transaction as
the change it is about, so it can never be lost. An `Email` is the same message on its
way to an inbox: an outbox row written in that transaction too, sent later by a
background task that retries and, in the end, leaves the row marked as failed for an
administrator to see. `Sent` keys make every scheduled message idempotent: a schedule
that runs twice finds its key and sends nothing twice."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.communities.models import Community, KeyedByCommunity
from kampung.notices.kinds import KINDS, How
from kampung.people.models import Member

__all__ = ["KINDS", "How", "Notification", "Preference", "Email", "Sent", "ScheduleRun"]


class Notification(KeyedByCommunity):
    """A message in the site for one member (their Messages page)."""

    COMMUNITY_FROM = "member"
    # Read through the member only: no index of its own on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when a daily digest has carried it by email (so the next digest does not).
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table predates this app (it began in matching): keep its name.
        db_table = "matching_notification"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "read_at"], name="notice_member_unread")]

    def __str__(self) -> str:
        return self.text


class Preference(KeyedByCommunity):
    """How a member wants to be told about one kind of message. No row: the kind's
    default (kampung.notices.kinds)."""

    COMMUNITY_FROM = "member"
    # Read through the member only: no index of its own on the community.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="message_choices")
    kind = models.CharField(max_length=32)
    how = models.CharField(max_length=8, choices=How.choices)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="one_choice_per_kind")
        ]

    def __str__(self) -> str:
        kind = KINDS.get(self.kind)
        return f"{kind.label if kind else self.kind}: {self.get_how_display()}"


class Email(models.Model):
    """One email in the outbox. Sent by the `send_email` task; never edited by people."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")
        CANCELLED = "cancelled", _("Not sent (the person changed their choice)")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to = models.EmailField()
    kind = models.CharField(max_length=32)
    subject = models.CharField(max_length=200)
    text = models.TextField(max_length=20000, validators=limits.text_max(20000))
    html = models.TextField(max_length=60000, blank=True, validators=limits.text_max(60000))
    unsubscribe_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_try_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The outbox holds what members wrote; the audit log must not copy it.
    AUDIT_EXEMPT = True

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_try_at"], name="email_outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} to member {self.member_id}"


class Sent(models.Model):
    """A scheduled message that has gone out, by its key (for example "review-due:
    asset 12: week 3"): the schedule checks for the key first, so it sends once."""

    key = models.CharField(max_length=200, unique=True)
    at = models.DateTimeField(default=timezone.now)
    AUDIT_EXEMPT = True

    def __str__(self) -> str:
        return self.key


class ScheduleRun(models.Model):
    """The state of one periodic job: when it last ran, how it went, when it runs next.
    One row per job; a worker claims it by moving `next_run_at` on before it runs."""

    class Outcome(models.TextChoices):
        NEVER = "never", _("Not run yet")
        RUNNING = "running", _("Running")
        OK = "ok", _("Done")
        FAILED = "failed", _("Failed")

    name = models.CharField(max_length=64, unique=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.NEVER)
    summary = models.CharField(max_length=300, blank=True)
    AUDIT_EXEMPT = True

    def __str__(self) -> str:
        return self.name


class WorkerBeat(models.Model):
    """A worker says it is alive every few seconds; /healthz reads the newest beat."""

    worker_id = models.CharField(max_length=64, unique=True)
    backend = models.CharField(max_length=32)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    AUDIT_EXEMPT = True

    def __str__(self) -> str:
        return self.worker_id
