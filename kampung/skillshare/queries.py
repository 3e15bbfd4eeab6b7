"""Reads of skill-sharing sessions for pages, the API and the home page: upcoming dates
with places left, a member's own sign-ups, and what a member should know or do now
(`waiting_for`, for the dashboard)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kampung import policy
from kampung.people.models import Member
from kampung.skillshare.models import Attendance, Credit, Session, SignUp

LIST_DAYS = 60  # the list shows dates this far ahead


@dataclass
class Upcoming:
    session: Session
    starts: dt.datetime
    places_left: int

    @property
    def day(self) -> dt.date:
        return self.starts.date()


def sessions_in(community):
    return Session.objects.filter(community=community).select_related("community", "place", "host")


def taken_by_date(sessions: list[Session], since: dt.date, until: dt.date) -> dict:
    """{(session id, date or None): places held}, in one query."""
    taken: dict = defaultdict(int)
    rows = (
        SignUp.objects.filter(session__in=sessions, state__in=SignUp.TAKING)
        .filter(Q(occurs_on__isnull=True) | Q(occurs_on__gte=since, occurs_on__lte=until))
        .values_list("session_id", "occurs_on")
    )
    for session_id, day in rows:
        taken[(session_id, day)] += 1
    return taken


def upcoming(
    community,
    *,
    topic: str = "",
    language: str = "",
    weekday: int | None = None,
    accessibility: str = "",
    days: int = LIST_DAYS,
) -> list[Upcoming]:
    """The coming dates of the community's sessions, soonest first, filtered."""
    today = timezone.localdate()
    until = today + dt.timedelta(days=days)
    qs = sessions_in(community).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if topic:
        qs = qs.filter(topic=topic)
    sessions = [
        s
        for s in qs
        if (not language or language in s.languages)
        and (not accessibility or accessibility in s.accessibility)
    ]
    taken = taken_by_date(sessions, today, until)
    out = []
    for s in sessions:
        for starts in s.dates(today, until):
            if weekday is not None and starts.weekday() != weekday:
                continue
            held = taken[(s.pk, None)] + taken[(s.pk, starts.date())]
            out.append(Upcoming(s, starts, max(0, s.capacity - held)))
    out.sort(key=lambda u: (u.starts, u.session.pk))
    return out


def next_dates(session: Session, n: int = 6) -> list[Upcoming]:
    today = max(timezone.localdate(), session.starts_on)
    until = today + dt.timedelta(days=370)
    dates = session.dates(today, until, limit=n)
    taken = taken_by_date([session], today, until)
    return [
        Upcoming(
            session,
            d,
            max(0, session.capacity - taken[(session.pk, None)] - taken[(session.pk, d.date())]),
        )
        for d in dates
    ]


def my_signups(member: Member | None, session: Session | None = None):
    if member is None:
        return SignUp.objects.none()
    qs = SignUp.objects.filter(member=member, state__in=SignUp.ACTIVE).select_related(
        "session__community", "session__place"
    )
    if session is not None:
        qs = qs.filter(session=session)
    return qs.order_by("occurs_on", "pk")


def waiting_position(signup: SignUp) -> int | None:
    """1 for the next in line."""
    if signup.state != SignUp.State.WAITING:
        return None
    ahead = SignUp.objects.filter(
        session_id=signup.session_id,
        state=SignUp.State.WAITING,
        pk__lt=signup.pk,
    )
    ahead = (
        ahead.filter(occurs_on__isnull=True)
        if signup.occurs_on is None
        else ahead.filter(occurs_on=signup.occurs_on)
    )
    return ahead.count() + 1


def signed_up(session: Session, day: dt.date) -> list[Member]:
    """Who holds a place at `day` (for the host's attendance list), by name."""
    rows = (
        SignUp.objects.filter(session=session, state__in=SignUp.TAKING)
        .filter(Q(occurs_on=day) | Q(occurs_on__isnull=True))
        .select_related("member")
    )
    return sorted({r.member for r in rows}, key=lambda m: (m.display_name.lower(), m.pk))


def attendance_dates(session: Session, n: int = 8) -> list[dt.date]:
    """Recent dates the host may take attendance for: started, and not before the
    session was added."""
    today = timezone.localdate()
    now = timezone.now()
    added = timezone.localtime(session.created_at).date()
    dates = [
        d.date()
        for d in session.dates(max(added, today - dt.timedelta(days=60)), today)
        if d <= now  # only once it has started
    ]
    return list(reversed(dates))[:n]


@dataclass
class Nudge:
    text: str
    url: str


def waiting_for(member: Member | None) -> list[Nudge]:
    """What a member should know or do about sessions now, for the home page: a place
    offered from the waiting list to say yes or no to, a session tomorrow, attendance to
    take for a session they host today or yesterday."""
    if member is None:
        return []
    community = member.community
    today = timezone.localdate()
    out: list[Nudge] = []
    mine = SignUp.objects.filter(member=member).select_related("session__community")
    for s in mine.filter(state=SignUp.State.OFFERED):
        out.append(
            Nudge(
                _("A place is yours at “%(title)s”: say yes or no.") % {"title": s.session.title},
                reverse("session_detail", args=[community.slug, s.session_id]),
            )
        )
    tomorrow = today + dt.timedelta(days=1)
    for s in mine.filter(state=SignUp.State.BOOKED).filter(
        Q(occurs_on=tomorrow) | Q(occurs_on__isnull=True)
    ):
        if s.session.is_date(tomorrow):
            out.append(
                Nudge(
                    _("Tomorrow: “%(title)s” at %(time)s.")
                    % {"title": s.session.title, "time": s.session.start_time.strftime("%H:%M")},
                    reverse("session_detail", args=[community.slug, s.session_id]),
                )
            )
    hosted = (
        Session.objects.filter(community=community)
        .filter(Q(host=member) | Q(cohosts=member))
        .select_related("community")
        .distinct()
    )
    for session in hosted:
        # Dates that have started (attendance opens then), today's or yesterday's.
        started = set(attendance_dates(session, 2))
        for day in (today, today - dt.timedelta(days=1)):
            if day not in started:
                continue
            if Attendance.objects.filter(session=session, occurs_on=day).exists():
                continue
            if Credit.objects.filter(session=session, occurs_on=day).exists():
                continue
            out.append(
                Nudge(
                    _("Take attendance for “%(title)s” (%(day)s).")
                    % {"title": session.title, "day": formats.date_format(day, "j M")},
                    reverse("session_attendance", args=[community.slug, session.pk])
                    + f"?date={day.isoformat()}",
                )
            )
            break
    return out


def may_see_people(user, session: Session) -> bool:
    return policy.can(user, "session.view_people", session.community, session)


def places_at(session: Session, day: dt.date) -> list[SignUp]:
    """The sign-ups with a place at `day` (one date or every date), by name, for the
    list of who is signed up on the session's page."""
    rows = (
        SignUp.objects.filter(session=session, state=SignUp.State.BOOKED)
        .filter(Q(occurs_on=day) | Q(occurs_on__isnull=True))
        .select_related("member", "session__community")
    )
    return sorted(rows, key=lambda r: (r.member.display_name.lower(), r.pk))


def waiting_line(session: Session, day: dt.date) -> list[SignUp]:
    """Who waits for `day` (for that date or every date), in the order they joined, with
    those offered a place first (they are next, waiting for their answer)."""
    rows = (
        SignUp.objects.filter(
            session=session, state__in=[SignUp.State.WAITING, SignUp.State.OFFERED]
        )
        .filter(Q(occurs_on=day) | Q(occurs_on__isnull=True))
        .select_related("member", "session__community")
        .order_by("pk")
    )
    return sorted(rows, key=lambda r: (r.state != SignUp.State.OFFERED, r.pk))


def place_label(session: Session, user) -> str:
    """Where the session happens as `user` may see it: the place's name if they may see
    that asset in the register (policy.visible_assets) or they host the session;
    otherwise "Ask the host where", as the calendar feeds say."""
    from kampung.assets.models import Asset

    place = session.place
    if place is None:
        return ""
    if place.visibility in (Asset.Visibility.PUBLIC, Asset.Visibility.MEMBERS):
        return place.name  # no query for the usual case
    if policy.visible_assets(user, session.community).filter(pk=place.pk).exists():
        return place.name
    if session.is_host(policy.membership(user, session.community)):
        return place.name
    return _("Ask the host where")
