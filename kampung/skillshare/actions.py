"""Writes of this app: verb-named, atomic, keyword-only (by=), each calling kampung.policy.

Places are counted per date: a sign-up for the whole series holds a place at every date.
Every write that takes or frees a place locks the session's row first (select_for_update
on PostgreSQL), so two people pressing "Sign up" for the last place at once are served
one after the other and only one gets it. A freed place is offered to the next person
on the waiting list at once (kampung.skillshare.schedule.who_moves_up), who is told and
may say no; then the next one is offered it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import policy
from kampung.assets import actions as assets
from kampung.assets.models import Asset, Category
from kampung.assets.rules import ACCESSIBILITY
from kampung.communities.models import links_of
from kampung.errors import Conflict, Invalid, NotFound
from kampung.notices import actions as notices
from kampung.people.models import Member
from kampung.people.skills import LANGUAGE_NAMES, SKILLS
from kampung.skillshare import schedule
from kampung.skillshare.models import (
    MAX_CAPACITY,
    Attendance,
    CalendarKey,
    Credit,
    Session,
    SessionHost,
    SignUp,
)
from kampung.skillshare.queries import signed_up
from kampung.timebank import actions as timebank

MAX_COHOSTS = 10
MAX_ATTENDEES = 100
SERIES_HORIZON_DAYS = 92  # a series sign-up needs a place at each date this far ahead
EARLIEST_START_DAYS = 366  # a new first date: at most a year back (an existing series)
LATEST_START_DAYS = 731  # and at most two years ahead
KIND = "sessions"


# --- Creating and changing a session ---------------------------------------------------------


def _clean(community, fields: dict, kept_start: dt.date | None = None) -> dict:
    """The session's fields checked and normalised; every problem at once, by field."""
    errors: dict[str, str] = {}
    out = dict(fields)
    title = (out.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give the session a name, for example “Tech and tea”.")
    elif len(title) > 200:
        errors["title"] = _("Keep the name to 200 characters or fewer.")
    out["title"] = title
    out["description"] = (out.get("description") or "").strip()
    if len(out["description"]) > 5000:
        errors["description"] = _("Keep this to 5,000 characters or fewer.")
    capacity = out.get("capacity")
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Give how many people can come: from 1 to %(n)d.") % {
            "n": MAX_CAPACITY
        }
    if out.get("topic") and out["topic"] not in SKILLS:
        errors["topic"] = _("Choose a topic from the list.")
    unknown = [c for c in out.get("languages") or [] if c not in LANGUAGE_NAMES]
    if unknown:
        errors["languages"] = _("Choose languages from the list.")
    unknown = [c for c in out.get("accessibility") or [] if c not in ACCESSIBILITY]
    if unknown:
        errors["accessibility"] = _("Choose accessibility features from the list.")
    place = out.get("place")
    if place is not None and (place.community_id != community.pk or place.category != "place"):
        errors["place"] = _("Choose a place from this community's register.")
    link = (out.get("online_link") or "").strip()
    out["online_link"] = link
    if link and not (link.startswith("https://") or link.startswith("http://")):
        errors["online_link"] = _("Give the full link, starting with https://")
    elif len(link) > 300:
        errors["online_link"] = _("Keep the link to 300 characters or fewer.")
    if place is None and not link:
        errors["place"] = _("Choose where the session is held, or give an online link.")
    starts_on, start_time, end_time = out.get("starts_on"), out.get("start_time"), None
    end_time = out.pop("end_time", None)
    if not isinstance(starts_on, dt.date):
        errors["starts_on"] = _("Give the first date, for example 5 March 2027.")
    elif starts_on != kept_start and not (
        timezone.localdate() - dt.timedelta(days=EARLIEST_START_DAYS)
        <= starts_on
        <= timezone.localdate() + dt.timedelta(days=LATEST_START_DAYS)
    ):
        # A first date centuries away made every page that lists dates walk the
        # series from year 1 (or past year 9999): within a year back, two years ahead.
        errors["starts_on"] = _("Give a first date within the last year or the next two years.")
    if not isinstance(start_time, dt.time):
        errors["start_time"] = _("Give the time it starts, for example 10:00.")
    if not isinstance(end_time, dt.time):
        errors["end_time"] = _("Give the time it ends, for example 11:30.")
    elif isinstance(start_time, dt.time):
        minutes = (end_time.hour * 60 + end_time.minute) - (
            start_time.hour * 60 + start_time.minute
        )
        if minutes <= 0:
            errors["end_time"] = _("The end must be after the start.")
        elif minutes < 15:
            errors["end_time"] = _("A session lasts at least 15 minutes.")
        out["minutes"] = minutes
    repeat = out.get("repeat") or schedule.ONCE
    out["repeat"] = repeat
    if repeat not in schedule.REPEATS:
        errors["repeat"] = _("Choose how often the session happens.")
    ends_on = out.get("ends_on")
    if repeat == schedule.ONCE:
        ends_on = out["ends_on"] = None
    if isinstance(starts_on, dt.date):
        out["weekday"] = starts_on.weekday()
        if repeat == schedule.MONTHLY:
            nth = out.get("nth")
            if nth is None:
                nth = (
                    -1
                    if schedule.nth_of_month(starts_on) == 5
                    else schedule.nth_of_month(starts_on)
                )
            if nth not in schedule.NTHS:
                errors["nth"] = _("Choose which week of the month.")
            out["nth"] = nth
        else:
            out["nth"] = None
        if ends_on is not None:
            if ends_on < starts_on:
                errors["ends_on"] = _("The last date must be on or after the first date.")
            elif ends_on > starts_on + dt.timedelta(days=365 * schedule.MAX_YEARS):
                errors["ends_on"] = _("A series can run for at most %(n)d years.") % {
                    "n": schedule.MAX_YEARS
                }
    if errors:
        raise Invalid(errors)
    assert isinstance(starts_on, dt.date) and isinstance(start_time, dt.time)
    if repeat == schedule.MONTHLY:
        out["starts_on"] = schedule.first_date(
            repeat, starts_on, weekday=out["weekday"], nth=out["nth"]
        )
    out["rrule"] = schedule.build_rrule(
        repeat,
        weekday=out["weekday"],
        nth=out["nth"],
        ends_on=ends_on,
        tz=community.timezone,
        at=start_time,
    )
    return out


def _check_hosts(by, community, host: Member | None, cohosts: Iterable[Member]):
    me = policy.membership(by, community)
    host = host or me
    if host is None or host.community_id != community.pk or not host.is_active:
        raise Invalid({"host": _("Choose a host from this community.")})
    cohosts = [m for m in dict.fromkeys(cohosts) if m.pk != host.pk]
    if len(cohosts) > MAX_COHOSTS:
        raise Invalid({"cohosts": _("At most %(n)d people can help host.") % {"n": MAX_COHOSTS}})
    for m in cohosts:
        if m.community_id != community.pk:
            raise Invalid({"cohosts": _("Everyone hosting must be in this community.")})
    # Only community developers put someone else in charge of a session.
    if host != me and not policy.can(by, "session.edit", community):
        raise Invalid({"host": _("You can only create sessions you host yourself.")})
    return host, cohosts


def _asset_fields(session: Session) -> dict:
    place = session.place
    fields = {
        "name": session.title,
        "category": Category.ASSOCIATION,
        "description": session.description,
        "languages": list(session.languages),
        "accessibility": list(session.accessibility),
        "capacity": session.capacity,
        "visibility": Asset.Visibility.PUBLIC if session.is_public else Asset.Visibility.MEMBERS,
        "steward_member": session.host,
        "contact": "",
    }
    if place is not None and place.lat is not None:
        fields.update(location_kind=Asset.LocationKind.POINT, lat=place.lat, lng=place.lng)
    else:
        fields.update(location_kind=Asset.LocationKind.ONLINE, lat=None, lng=None)
    return fields


def _keep_asset_in_step(by, session: Session) -> None:
    """The session's one record in the register, added or changed with it."""
    fields = _asset_fields(session)
    if session.asset_id is None:
        session.asset = assets.add_asset(by=by, community=session.community, **fields)
        session.save(update_fields=["asset"])
    else:
        assert session.asset is not None
        assets.change_asset(by=by, asset=session.asset, **fields)


@transaction.atomic
def create_session(
    *, by, community, host: Member | None = None, cohosts: Iterable[Member] = (), **fields
) -> Session:
    """A new session, with its record in the asset register. `fields`: title,
    description, topic, place, online_link, languages, accessibility, capacity,
    waiting_list, is_public, starts_on, start_time, end_time, repeat, nth, ends_on."""
    policy.require(by, "session.create", community)
    host, cohosts = _check_hosts(by, community, host, cohosts)
    data = _clean(community, fields)
    session = Session.objects.create(community=community, host=host, created_by=by, **data)
    session.cohosts.set(cohosts, through_defaults=links_of(session))
    _keep_asset_in_step(by, session)
    return session


@transaction.atomic
def change_session(*, by, session: Session, cohosts: Iterable[Member] | None = None, **fields):
    """Change what a session is or when it happens; dates already cancelled stay so."""
    policy.require(by, "session.edit", session.community, session)
    community = session.community
    current = {
        f: getattr(session, f)
        for f in (
            "title description topic place online_link languages accessibility capacity "
            "waiting_list is_public starts_on start_time repeat nth ends_on"
        ).split()
    }
    start = dt.datetime.combine(session.starts_on, session.start_time)
    current["end_time"] = (start + dt.timedelta(minutes=session.minutes)).time()
    data = _clean(community, {**current, **fields}, kept_start=session.starts_on)
    timing = ("starts_on", "start_time", "minutes", "repeat", "nth")
    if any(data.get(f, getattr(session, f)) != getattr(session, f) for f in timing):
        waiting = sorted(
            set(
                Attendance.objects.filter(session=session)
                .exclude(occurs_on__in=Credit.objects.filter(session=session).values("occurs_on"))
                .values_list("occurs_on", flat=True)
            )
        )
        if waiting:
            # The time bank credits a date by the session's length: it must be the
            # length the date had when attendance was taken.
            text = _(
                "Attendance for %(day)s is waiting to be credited in the time bank: credit "
                "it before changing the session's dates or times."
            ) % {"day": _day(waiting[0])}
            raise Conflict(text, fields={"start_time": text})
    for name, value in data.items():
        setattr(session, name, value)
    session.save()
    if cohosts is not None:
        _host, kept = _check_hosts(by, community, session.host, cohosts)
        SessionHost.objects.filter(session=session).delete()
        session.cohosts.set(kept, through_defaults=links_of(session))
    _keep_asset_in_step(by, session)
    return session


def _date_of(session: Session, occurs_on, field: str = "occurs_on") -> dt.date:
    if not isinstance(occurs_on, dt.date) or not session.is_date(occurs_on):
        raise Invalid({field: _("That is not one of this session's dates.")})
    return occurs_on


@transaction.atomic
def cancel_date(*, by, session: Session, occurs_on: dt.date) -> Session:
    """One date does not happen (an RFC 5545 exception): everyone with a place is told."""
    policy.require(by, "session.edit", session.community, session)
    session = Session.objects.select_for_update().select_related("community").get(pk=session.pk)
    day = _date_of(session, occurs_on)
    if day < timezone.localdate():
        raise Invalid({"occurs_on": _("That date has passed.")})
    if len(session.exceptions) >= schedule.MAX_EXCEPTIONS:
        raise Invalid(
            {
                "occurs_on": _(
                    "This session has too many cancelled dates (%(n)d): end the series "
                    "and start a new one."
                )
                % {"n": schedule.MAX_EXCEPTIONS}
            }
        )
    session.exceptions = sorted({*session.exceptions, day.isoformat()})
    session.save(update_fields=["exceptions", "updated_at"])
    told = SignUp.objects.filter(session=session, state__in=SignUp.ACTIVE).filter(
        occurs_on__isnull=True
    ) | SignUp.objects.filter(session=session, state__in=SignUp.ACTIVE, occurs_on=day)
    url = reverse("session_detail", args=[session.community.slug, session.pk])
    for signup in told.select_related("member__community", "member__user"):
        notices.notify(
            signup.member,
            _("“%(title)s” on %(day)s is cancelled.") % {"title": session.title, "day": _day(day)},
            url,
            kind=KIND,
        )
    SignUp.objects.filter(session=session, occurs_on=day, state__in=SignUp.ACTIVE).update(
        state=SignUp.State.CANCELLED, updated_at=timezone.now()
    )
    return session


def _day(day: dt.date) -> str:
    from django.utils import formats

    return formats.date_format(day, "l j F")


# --- Places, sign-ups and the waiting list ---------------------------------------------------


def places_taken(session: Session, days: Iterable[dt.date]) -> dict[dt.date, int]:
    """Places held at each of `days` (by sign-ups for that date or the whole series)."""
    days = list(days)
    series = SignUp.objects.filter(
        session=session, occurs_on__isnull=True, state__in=SignUp.TAKING
    ).count()
    taken = dict.fromkeys(days, series)
    rows = SignUp.objects.filter(session=session, occurs_on__in=days, state__in=SignUp.TAKING)
    for day in rows.values_list("occurs_on", flat=True):
        if day is not None:
            taken[day] += 1
    return taken


def _upcoming(session: Session) -> list[dt.date]:
    since = max(timezone.localdate(), session.starts_on)
    return [m.date() for m in session.dates(since, since + dt.timedelta(days=SERIES_HORIZON_DAYS))]


def places_left(session: Session, occurs_on: dt.date | None) -> int:
    """Places left at a date, or (None) at every coming date of the series."""
    days = [occurs_on] if occurs_on is not None else _upcoming(session)
    if not days:
        return 0
    taken = places_taken(session, days)
    return max(0, session.capacity - max(taken.values()))


def _lock(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("community").get(pk=session.pk)


@transaction.atomic
def sign_up(
    *, by, session: Session, occurs_on: dt.date | None = None, member: Member | None = None
) -> SignUp:
    """The acting member signs up for one date (or the whole series, `occurs_on` None): a
    place if there is one, else the waiting list if the session keeps one. With `member`,
    a community developer or the host signs up a member without a login (from a paper
    sign-up sheet)."""
    community = session.community
    me = policy.membership(by, community)
    if member is None or (me is not None and member.pk == me.pk):
        policy.require(by, "session.sign_up", community, session)
        member = me
        assert member is not None  # session.sign_up needs a membership
        you = True
    else:
        on_paper = SignUp(session=session, member=member, community=community)
        policy.require(by, "session.act_for_member", community, on_paper)
        you = False
    session = _lock(session)
    if session.repeat == schedule.ONCE:
        occurs_on = session.starts_on
    if occurs_on is not None:
        _date_of(session, occurs_on)
        if occurs_on < timezone.localdate():
            raise Invalid({"occurs_on": _("That date has passed.")})
    elif not _upcoming(session):
        raise Invalid({"occurs_on": _("This session has no dates left.")})
    if session.is_host(member):
        raise Invalid({"occurs_on": _("You host this session, so you have a place already.")})
    mine = SignUp.objects.filter(session=session, member=member, state__in=SignUp.ACTIVE)
    if mine.filter(occurs_on__isnull=True).exists():
        text = (
            _("You are already signed up for every date.")
            if you
            else _("%(name)s is already signed up for every date.") % {"name": member.display_name}
        )
        raise Conflict(text, fields={"occurs_on": text})
    if occurs_on is not None and mine.filter(occurs_on=occurs_on).exists():
        text = (
            _("You are already signed up for that date.")
            if you
            else _("%(name)s is already signed up for that date.") % {"name": member.display_name}
        )
        raise Conflict(text, fields={"occurs_on": text})
    if places_left(session, occurs_on) > 0:
        state = SignUp.State.BOOKED
    elif session.waiting_list:
        state = SignUp.State.WAITING
    else:
        text = _("Sorry, this session is full and keeps no waiting list. Try another date.")
        raise Conflict(text, fields={"occurs_on": text}, code="full")
    if occurs_on is None:
        # The whole series replaces single dates the member had.
        mine.filter(occurs_on__isnull=False).update(
            state=SignUp.State.CANCELLED, updated_at=timezone.now()
        )
    return SignUp.objects.create(session=session, member=member, occurs_on=occurs_on, state=state)


def _own(by, signup: SignUp) -> None:
    """The sign-up is the acting member's own, or that of a member without a login whom a
    community developer or the host acts for (session.act_for_member)."""
    community = signup.session.community
    member = policy.membership(by, community)
    if member is not None and member.pk == signup.member_id:
        return
    if not policy.can(by, "session.act_for_member", community, signup):
        raise NotFound(_("That sign-up was not found."))


@transaction.atomic
def cancel_sign_up(*, by, signup: SignUp) -> SignUp:
    """The member gives up their place (or leaves the waiting list): the next in line
    moves up at once. Staff or the host may do it for a member without a login."""
    _own(by, signup)
    session = _lock(signup.session)
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if signup.state not in SignUp.ACTIVE:
        raise Conflict(_("This sign-up was already cancelled."))
    held = signup.state in SignUp.TAKING
    signup.state = SignUp.State.CANCELLED
    signup.save(update_fields=["state", "updated_at"])
    if held:
        move_up(session, signup.occurs_on)
    return signup


@transaction.atomic
def answer_offer(*, by, signup: SignUp, accept: bool) -> SignUp:
    """Yes or no to a place offered from the waiting list; a no offers it to the next."""
    _own(by, signup)
    session = _lock(signup.session)
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if signup.state != SignUp.State.OFFERED:
        raise Conflict(_("There is no place waiting for your answer here."))
    signup.state = SignUp.State.BOOKED if accept else SignUp.State.DECLINED
    signup.save(update_fields=["state", "updated_at"])
    if not accept:
        move_up(session, signup.occurs_on)
    return signup


def _offer(session: Session, signups: list[SignUp]) -> None:
    now = timezone.now()
    url = reverse("session_detail", args=[session.community.slug, session.pk])
    for signup in signups:
        signup.state, signup.offered_at = SignUp.State.OFFERED, now
        signup.save(update_fields=["state", "offered_at", "updated_at"])
        when = _("every date") if signup.occurs_on is None else _day(signup.occurs_on)
        notices.notify(
            signup.member,
            _(
                "A place came free at “%(title)s” (%(when)s) and it is yours: open the "
                "session to say yes, or no so the next person can have it."
            )
            % {"title": session.title, "when": when},
            url,
            kind=KIND,
            subject=_("a place for you at “%(title)s”") % {"title": session.title},
        )


@transaction.atomic
def expire_offers(*, now: dt.datetime) -> int:
    """Places offered from the waiting list and not answered within a day, or whose date
    has started, are taken back; the person is told, and the place goes to the next in
    line while the date is still ahead. Run by the hourly job "session-offers"; nobody
    acts, so there is no `by`."""
    waited = now - dt.timedelta(hours=schedule.OFFER_HOURS)
    # A superset in SQL (a date that may have started in some time zone), exact below.
    maybe = SignUp.objects.filter(state=SignUp.State.OFFERED).filter(
        Q(offered_at__lt=waited) | Q(occurs_on__lte=now.date() + dt.timedelta(days=1))
    )
    expired = 0
    for session_id in sorted(set(maybe.values_list("session_id", flat=True))):
        session = _lock(Session.objects.select_related("community").get(pk=session_id))
        rows = (
            maybe.filter(session=session)
            .select_related("member__community", "member__user")
            .select_for_update(of=("self",))
        )
        for signup in rows:
            started = signup.occurs_on is not None and starts_at(session, signup.occurs_on) <= now
            if not (started or (signup.offered_at and signup.offered_at < waited)):
                continue
            signup.state = SignUp.State.EXPIRED
            signup.save(update_fields=["state", "updated_at"])
            expired += 1
            notices.notify(
                signup.member,
                _(
                    "The place offered to you at “%(title)s” (%(when)s) was given back, as "
                    "there was no answer in time. You can sign up again."
                )
                % {
                    "title": session.title,
                    "when": _("every date") if signup.occurs_on is None else _day(signup.occurs_on),
                },
                reverse("session_detail", args=[session.community.slug, session.pk]),
                kind=KIND,
            )
            if not started:
                move_up(session, signup.occurs_on)
    return expired


def move_up(session: Session, occurs_on: dt.date | None) -> int:
    """Offer freed places to the waiting list, in the order people joined it. Called with
    the session locked. A freed series place may serve single dates' waiting lists."""
    offered = 0
    waiting = SignUp.objects.filter(session=session, state=SignUp.State.WAITING).select_related(
        "member__community", "member__user"
    )
    if occurs_on is None:
        line = list(waiting.filter(occurs_on__isnull=True))
        keys = schedule.who_moves_up(places_left(session, None), [(s.pk, s.pk) for s in line])
        _offer(session, [s for s in line if s.pk in keys])
        offered += len(keys)
        later = waiting.filter(occurs_on__gte=timezone.localdate())
        days: list[dt.date] = sorted(
            {d for d in later.values_list("occurs_on", flat=True) if d is not None}
        )
    else:
        days = [occurs_on]
    for day in days:
        line = list(waiting.filter(occurs_on=day))
        if not line:
            continue
        keys = schedule.who_moves_up(places_left(session, day), [(s.pk, s.pk) for s in line])
        _offer(session, [s for s in line if s.pk in keys])
        offered += len(keys)
    return offered


# --- Attendance and the time bank ------------------------------------------------------------


def starts_at(session: Session, day: dt.date) -> dt.datetime:
    """When the session starts on `day`, in the community's time zone."""
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, session.start_time, tzinfo=ZoneInfo(session.community.timezone))


@transaction.atomic
def take_attendance(
    *, by, session: Session, occurs_on: dt.date, attendees: Iterable[Member]
) -> list[Attendance]:
    """Who came on a date (replacing what was ticked before), until it is credited."""
    policy.require(by, "session.take_attendance", session.community, session)
    session = _lock(session)
    day = _date_of(session, occurs_on)
    if timezone.now() < starts_at(session, day):
        # Compared with the start in the community's time zone: a 10:00 session is not
        # marked at 05:00 the same day.
        raise Invalid({"occurs_on": _("Attendance can be taken once the session has started.")})
    if day < timezone.localtime(session.created_at).date():
        # A session added today did not happen last month: no credits for dates before
        # it was in Kampung.
        raise Invalid({"occurs_on": _("That date is before this session was added.")})
    people = list(dict.fromkeys(attendees))
    if len(people) > MAX_ATTENDEES:
        raise Invalid({"attendees": _("At most %(n)d people.") % {"n": MAX_ATTENDEES}})
    for m in people:
        if m.community_id != session.community_id:
            raise Invalid({"attendees": _("Everyone must be in this community.")})
    # Only people who had a place that day: attendance credits time, so a list of
    # anyone in the community would move credits for people who never signed up.
    had_a_place = {m.pk for m in signed_up(session, day)}
    if any(m.pk not in had_a_place for m in people):
        raise Invalid({"attendees": _("Tick only people who had a place on this date.")})
    if Credit.objects.filter(session=session, occurs_on=day).exists():
        raise Conflict(_("This date is credited in the time bank already."))
    Attendance.objects.filter(session=session, occurs_on=day).delete()
    return Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                community_id=session.community_id,
                occurs_on=day,
                member=m,
                taken_by=by,
            )
            for m in people
        ]
    )


@transaction.atomic
def credit_attendance(*, by, session: Session, occurs_on: dt.date, basis: str) -> Credit:
    """A date's attendance as one group session in the time bank
    (kampung.timebank.actions.record_session: the host earns; attendees with a login
    confirm their own part). Once per date."""
    policy.require(by, "session.credit", session.community, session)
    session = _lock(session)
    day = _date_of(session, occurs_on)
    if timezone.now() < starts_at(session, day) + dt.timedelta(minutes=session.minutes):
        raise Invalid({"occurs_on": _("A date can be credited once the session has ended.")})
    if Credit.objects.filter(session=session, occurs_on=day).exists():
        raise Conflict(_("This date is credited in the time bank already."))
    people = [
        a.member
        for a in Attendance.objects.filter(session=session, occurs_on=day).select_related("member")
    ]
    if not people:
        raise Invalid({"occurs_on": _("Take attendance for this date first.")})
    ids = ",".join(str(p.pk) for p in sorted(people, key=lambda p: p.pk))
    key = hashlib.sha256(f"{session.pk}:{day}:{basis}:{ids}".encode()).hexdigest()[:32]
    group = timebank.record_session(
        by=by,
        community=session.community,
        title=f"{session.title} ({day.day} {day:%b %Y})",
        host=session.host,
        attendees=people,
        minutes=session.minutes,
        basis=basis,
        occurred_on=day,
        idempotency_key=f"skillshare-{key}",
    )
    return Credit.objects.create(session=session, occurs_on=day, group_session=group)


# --- The personal calendar link --------------------------------------------------------------


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def new_calendar_link(*, by, community) -> str:
    """A new secret for the member's own calendar feed; the old link stops working. The
    secret is returned once and kept only as its digest."""
    policy.require(by, "session.view", community)
    member = policy.membership(by, community)
    if member is None:
        raise NotFound(_("You are not a member here."))
    secret = secrets.token_urlsafe(24)
    CalendarKey.objects.filter(member=member).delete()
    CalendarKey.objects.create(member=member, digest=digest_of(secret))
    return secret
