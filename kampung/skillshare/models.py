"""Skill-sharing sessions: one-off or recurring (RFC 5545 RRULE), sign-up, waiting lists
that move by themselves, attendance credited in the time bank, calendar feeds.

Each session is also one asset of the register (category "association": a group of
people meeting regularly around what they know), kept in step by actions.py, so the
gap analysis counts it where it meets. Writes go through kampung.skillshare.actions."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from kampung import limits
from kampung.assets.models import Asset
from kampung.communities.models import Community, KeyedByCommunity
from kampung.people.models import Member
from kampung.skillshare import schedule

MAX_CAPACITY = 500


class Session(models.Model):
    class Repeat(models.TextChoices):
        ONCE = schedule.ONCE, _("Once")
        WEEKLY = schedule.WEEKLY, _("Every week")
        FORTNIGHTLY = schedule.FORTNIGHTLY, _("Every two weeks")
        MONTHLY = schedule.MONTHLY, _("Once a month")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("name of the session"), max_length=200)
    description = models.TextField(
        _("what people will learn or do"),
        blank=True,
        validators=limits.text_max(limits.DESCRIPTION_MAX),
    )
    topic = models.CharField(_("topic"), max_length=64, blank=True)
    # The lead host looks after the session's record in the register; co-hosts help run
    # it (take attendance).
    host = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    cohosts = models.ManyToManyField(Member, through="SessionHost", related_name="+", blank=True)
    place = models.ForeignKey(
        Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    online_link = models.URLField(_("online link"), max_length=300, blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=limits.items_max(limits.LIST_MAX)
    )
    accessibility = models.JSONField(
        _("accessibility"), default=list, blank=True, validators=limits.items_max(limits.LIST_MAX)
    )
    capacity = models.PositiveIntegerField(_("places"))
    waiting_list = models.BooleanField(_("keep a waiting list when full"), default=True)
    is_public = models.BooleanField(_("show in the public calendar"), default=False)
    # The schedule: the first date, the local start time and length, and the RRULE built
    # from `repeat` (kampung.skillshare.schedule); "" for a one-off.
    starts_on = models.DateField(_("first date"))
    start_time = models.TimeField(_("starts at"))
    minutes = models.PositiveIntegerField(_("how long (minutes)"))
    repeat = models.CharField(max_length=12, choices=Repeat.choices, default=Repeat.ONCE)
    weekday = models.PositiveSmallIntegerField(default=0)
    nth = models.SmallIntegerField(null=True, blank=True)
    ends_on = models.DateField(_("last date"), null=True, blank=True)
    rrule = models.CharField(max_length=200, blank=True)
    # Cancelled dates (EXDATE), as ISO dates.
    exceptions = models.JSONField(
        default=list, blank=True, validators=limits.items_max(schedule.MAX_EXCEPTIONS)
    )
    # The session's record in the asset register.
    asset = models.OneToOneField(
        Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "people.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "start_time", "id"]
        indexes = [models.Index(fields=["community", "is_public"], name="session_public")]

    def __str__(self) -> str:
        return self.title

    @property
    def exception_dates(self) -> set[dt.date]:
        return {dt.date.fromisoformat(d) for d in self.exceptions}

    def dates(self, since: dt.date, until: dt.date, limit: int = 10_000) -> list[dt.datetime]:
        return schedule.occurrences(
            starts_on=self.starts_on,
            at=self.start_time,
            tz=self.community.timezone,
            rule=self.rrule,
            exceptions=self.exception_dates,
            since=since,
            until=until,
            limit=limit,
        )

    def is_host(self, member) -> bool:
        """`member` runs this session (lead host or co-host): kampung.policy asks."""
        if member is None:
            return False
        if member.pk == self.host_id:
            return True
        return SessionHost.objects.filter(session=self, member=member).exists()

    def is_date(self, day: dt.date) -> bool:
        return bool(self.dates(day, day, limit=1))


class SessionHost(KeyedByCommunity):
    COMMUNITY_FROM = "session"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="one_host_row")]


class SignUp(KeyedByCommunity):
    """A member's place at one date (`occurs_on`) or the whole series (`occurs_on` empty),
    or their place in the waiting list for it."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Has a place")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Offered a place from the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Said no to a place offered")
        EXPIRED = "expired", _("Did not answer in time about a place offered")

    TAKING = (State.BOOKED, State.OFFERED)  # hold a place
    ACTIVE = (State.BOOKED, State.OFFERED, State.WAITING)

    COMMUNITY_FROM = "session"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    occurs_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices)
    offered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["session", "state", "occurs_on"], name="signup_state")]

    @property
    def whole_series(self) -> bool:
        return self.occurs_on is None

    @property
    def answer_by(self) -> dt.datetime | None:
        """Until when a place offered from the waiting list waits for a yes or no."""
        if self.offered_at is None:
            return None
        return self.offered_at + dt.timedelta(hours=schedule.OFFER_HOURS)


class Attendance(KeyedByCommunity):
    """Who came on a date, ticked by the host."""

    COMMUNITY_FROM = "session"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    occurs_on = models.DateField()
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    taken_by = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "occurs_on", "member"], name="one_attendance_row"
            )
        ]


class Credit(KeyedByCommunity):
    """A date's attendance credited in the time bank, once, as a group session."""

    COMMUNITY_FROM = "session"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="credits")
    occurs_on = models.DateField()
    group_session = models.ForeignKey(
        "timebank.GroupSession", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "occurs_on"], name="one_credit_per_date")
        ]


class CalendarKey(KeyedByCommunity):
    """The secret of a member's personal calendar link, kept only as its SHA-256 digest:
    a new link replaces the row, so the old link stops working."""

    COMMUNITY_FROM = "member"

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)
