"""Session pages, each made for a phone: the list by date with filters, a session's
page (next dates, places left, sign up, waiting list, cancel), create and edit, cancel
a date, attendance with big tick boxes, crediting in the time bank (check, then
confirm), my sessions with the personal calendar link, and the calendar feeds.

The community calendar (`calendar.ics`) opens without a login on purpose, for public
sessions only: it is what people paste into a phone's calendar app. The personal feed
opens with its secret alone."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kampung import policy
from kampung.audit import log
from kampung.communities.models import Community
from kampung.errors import REFUSALS, Invalid
from kampung.pagination import CappedPaginator
from kampung.people.models import Member, Role
from kampung.people.skills import LANGUAGE_NAMES
from kampung.skillshare import actions, feeds, queries
from kampung.skillshare.forms import CreditForm, FilterForm, SessionForm
from kampung.skillshare.models import Attendance, CalendarKey, Credit, Session, SignUp
from kampung.web import add_errors, community_for, public_url, show_error


def _session(request, slug: str, session_id: int) -> Session:
    community = community_for(request, slug)
    policy.require(request.user, "session.view", community)
    return get_object_or_404(
        Session.objects.select_related("community", "place", "host"),
        pk=session_id,
        community=community,
    )


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


@login_required
def session_list(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "session.view", community)
    filters = FilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    dates = queries.upcoming(
        community,
        topic=chosen.get("topic") or "",
        language=chosen.get("language") or "",
        weekday=chosen.get("day"),
        accessibility=chosen.get("access") or "",
    )
    page = CappedPaginator(dates, 20).get_page(request.GET.get("page"))
    for u in page.object_list:
        u.place_label = queries.place_label(u.session, request.user)
    return render(
        request,
        "skillshare/list.html",
        {
            "community": community,
            "page": page,
            "filters": filters,
            "may_create": policy.can(request.user, "session.create", community),
            "page_title": _("Skill-sharing sessions"),
        },
    )


def _session_form(request, community, session: Session | None = None):
    initial = {}
    if session is not None:
        start = dt.datetime.combine(session.starts_on, session.start_time)
        initial = {
            f: getattr(session, f)
            for f in (
                "title description topic place online_link starts_on start_time repeat nth "
                "ends_on capacity waiting_list languages accessibility is_public"
            ).split()
        }
        initial["end_time"] = (start + dt.timedelta(minutes=session.minutes)).time()
    return SessionForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        community=community,
        keep_place=session.place if session is not None else None,
    )


@login_required
def session_create(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "session.create", community)
    form = _session_form(request, community)
    if request.method == "POST" and form.is_valid():
        try:
            session = actions.create_session(
                by=request.user, community=community, **form.cleaned_data
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your session is on the list."))
            return redirect("session_detail", slug=slug, session_id=session.pk)
    return render(
        request,
        "skillshare/form.html",
        {"community": community, "form": form, "page_title": _("Start a session")},
    )


@login_required
def session_edit(request, slug: str, session_id: int):
    session = _session(request, slug, session_id)
    policy.require(request.user, "session.edit", session.community, session)
    form = _session_form(request, session.community, session)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_session(by=request.user, session=session, **form.cleaned_data)
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Session changed."))
            return redirect("session_detail", slug=slug, session_id=session.pk)
    return render(
        request,
        "skillshare/form.html",
        {
            "community": session.community,
            "form": form,
            "session": session,
            "page_title": _("Change “%(title)s”") % {"title": session.title},
        },
    )


@login_required
def session_detail(request, slug: str, session_id: int):
    session = _session(request, slug, session_id)
    community = session.community
    me = policy.membership(request.user, community)
    mine = list(queries.my_signups(me, session))
    for s in mine:
        s.position = queries.waiting_position(s)
    series = next((s for s in mine if s.occurs_on is None), None)
    booked_days = sorted({s.occurs_on for s in mine if s.occurs_on})
    upcoming = queries.next_dates(session, 8)
    is_host = session.is_host(me)
    # Dates the person may still sign up for: not those they hold or wait for already.
    choices = [u for u in upcoming if u.day not in booked_days]
    may_people = queries.may_see_people(request.user, session)
    people: list[SignUp] = []
    line: list[SignUp] = []
    paper: list[Member] = []
    if may_people and upcoming:
        people = queries.places_at(session, upcoming[0].day)
        line = queries.waiting_line(session, upcoming[0].day)
        for s in people + line:
            s.for_them = policy.can(request.user, "session.act_for_member", community, s)
            s.position = queries.waiting_position(s)
        if policy.role_in(request.user, community) in {Role.COORDINATOR, Role.ADMIN}:
            log.record_list_view(
                [s.member for s in people + line],
                viewer=request.user,
                reason=f"Signed up for session {session.pk}",
            )
    if policy.can(request.user, "member.view_directory", community) and may_people:
        # Paper sign-up sheets: staff sign up members without a login.
        paper = list(
            policy.visible_members(request.user, community)
            .filter(user=None, is_active=True)
            .exclude(
                pk__in=SignUp.objects.filter(session=session, state__in=SignUp.ACTIVE).values(
                    "member_id"
                )
            )
            .order_by("display_name", "pk")[:500]
        )
    return render(
        request,
        "skillshare/detail.html",
        {
            "community": community,
            "session": session,
            "place_label": queries.place_label(session, request.user),
            "upcoming": upcoming,
            "mine": mine,
            "series": series,
            "booked_days": booked_days,
            "is_host": is_host,
            "may_sign_up": (
                policy.can(request.user, "session.sign_up", community, session)
                and not is_host
                and series is None
            ),
            "choices": choices,
            "first_free": next((u.day for u in choices if u.places_left), None),
            "first_free_any": next((u.day for u in upcoming if u.places_left), None),
            "language_names": [LANGUAGE_NAMES.get(c, c) for c in session.languages],
            "may_edit": policy.can(request.user, "session.edit", community, session),
            "may_attend": policy.can(request.user, "session.take_attendance", community, session),
            "may_credit": policy.can(request.user, "session.credit", community, session),
            "people": people,
            "line": line,
            "paper": paper,
            "page_title": session.title,
        },
    )


@login_required
@require_POST
def session_sign_up(request, slug: str, session_id: int):
    session = _session(request, slug, session_id)
    choice = request.POST.get("occurs_on", "")
    day = None if choice == "series" else _date(choice)
    member = None
    if request.POST.get("member"):
        member = get_object_or_404(
            Member, pk=_id(request.POST["member"]), community=session.community, is_active=True
        )
    try:
        if choice != "series" and day is None and session.repeat != "once":
            raise Invalid({"occurs_on": _("Choose a date, or every date.")})
        signup = actions.sign_up(by=request.user, session=session, occurs_on=day, member=member)
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        if member is not None and not member.has_device:
            messages.success(
                request,
                _("%(name)s is signed up.") % {"name": member.display_name}
                if signup.state != SignUp.State.WAITING
                else _("It is full, so %(name)s is on the waiting list.")
                % {"name": member.display_name},
            )
            return redirect("session_detail", slug=slug, session_id=session.pk)
        if signup.state == SignUp.State.WAITING:
            messages.warning(
                request,
                _(
                    "It is full, so you are on the waiting list. When a place comes free it "
                    "is offered to you and you are told."
                ),
            )
        else:
            messages.success(request, _("You have a place. See you there!"))
    return redirect("session_detail", slug=slug, session_id=session.pk)


def _id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _my_signup(request, session: Session, signup_id: int) -> SignUp:
    """The person's own sign-up, or one of a member without a login they act for."""
    signup = get_object_or_404(
        SignUp.objects.select_related("session__community", "member"),
        pk=signup_id,
        session=session,
    )
    me = policy.membership(request.user, session.community)
    mine = me is not None and signup.member_id == me.pk
    if not mine and not policy.can(
        request.user, "session.act_for_member", session.community, signup
    ):
        raise Http404
    return signup


@login_required
@require_POST
def session_leave(request, slug: str, session_id: int, signup_id: int):
    session = _session(request, slug, session_id)
    signup = _my_signup(request, session, signup_id)
    try:
        actions.cancel_sign_up(by=request.user, signup=signup)
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        me = policy.membership(request.user, session.community)
        if me is not None and signup.member_id == me.pk:
            messages.success(request, _("Cancelled. Thank you for letting others have the place."))
        else:
            messages.success(
                request,
                _("The place of %(name)s is cancelled; the next person in line is offered it.")
                % {"name": signup.member.display_name},
            )
    return redirect("session_detail", slug=slug, session_id=session.pk)


@login_required
@require_POST
def session_answer(request, slug: str, session_id: int, signup_id: int):
    session = _session(request, slug, session_id)
    signup = _my_signup(request, session, signup_id)
    accept = request.POST.get("answer") == "yes"
    try:
        actions.answer_offer(by=request.user, signup=signup, accept=accept)
    except REFUSALS as exc:
        show_error(request, exc)
    else:
        messages.success(
            request,
            _("The place is yours. See you there!")
            if accept
            else _("Thank you: the place goes to the next person."),
        )
    return redirect("session_detail", slug=slug, session_id=session.pk)


@login_required
def session_cancel_date(request, slug: str, session_id: int):
    session = _session(request, slug, session_id)
    policy.require(request.user, "session.edit", session.community, session)
    error = ""
    if request.method == "POST":
        try:
            actions.cancel_date(
                by=request.user, session=session, occurs_on=_date(request.POST.get("occurs_on"))
            )
        except REFUSALS as exc:
            show_error(request, exc)
            error = "yes"
        else:
            messages.success(request, _("That date is cancelled; everyone with a place is told."))
            return redirect("session_detail", slug=slug, session_id=session.pk)
    return render(
        request,
        "skillshare/cancel_date.html",
        {
            "community": session.community,
            "session": session,
            "upcoming": queries.next_dates(session, 12),
            "error": error,
            "page_title": _("Cancel a date of “%(title)s”") % {"title": session.title},
        },
    )


@login_required
def session_attendance(request, slug: str, session_id: int):
    session = _session(request, slug, session_id)
    community = session.community
    policy.require(request.user, "session.take_attendance", community, session)
    dates = queries.attendance_dates(session)
    day = _date(request.GET.get("date") or request.POST.get("date")) or (
        dates[0] if dates else None
    )
    if request.method != "POST" and day not in dates:
        # Not started yet (or not a date of this session): no form whose ticks would be
        # refused; a POST for such a date gets the action's own reason.
        day = None
    error = ""
    people = queries.signed_up(session, day) if day else []
    if request.method == "POST" and day is not None:
        ticked = {str(v) for v in request.POST.getlist("came")}
        came = [m for m in people if str(m.pk) in ticked]
        try:
            actions.take_attendance(by=request.user, session=session, occurs_on=day, attendees=came)
        except REFUSALS as exc:
            show_error(request, exc)
            error = "yes"
        else:
            if policy.can(request.user, "session.credit", community, session):
                then = _("Next: credit it in the time bank.")
            else:
                then = _(
                    "A community developer will now credit this in the time bank: the host "
                    "earns the time, and those who came are recorded."
                )
            messages.success(
                request,
                _("Attendance saved: %(n)d came.") % {"n": len(came)} + " " + then,
            )
            return redirect(reverse("session_attendance", args=[slug, session.pk]) + f"?date={day}")
    if people and policy.role_in(request.user, community) in {Role.COORDINATOR, Role.ADMIN}:
        log.record_list_view(
            people, viewer=request.user, reason=f"Attendance list of session {session.pk}"
        )
    present = set(
        Attendance.objects.filter(session=session, occurs_on=day).values_list(
            "member_id", flat=True
        )
    )
    return render(
        request,
        "skillshare/attendance.html",
        {
            "community": community,
            "session": session,
            "dates": dates,
            "day": day,
            "people": people,
            "present": present,
            "credited": Credit.objects.filter(session=session, occurs_on=day).exists(),
            "may_credit": policy.can(request.user, "session.credit", community, session),
            "ended": day is not None
            and timezone.now()
            >= actions.starts_at(session, day) + dt.timedelta(minutes=session.minutes),
            "error": error,
            "page_title": _("Who came to “%(title)s”") % {"title": session.title},
        },
    )


@login_required
def session_credit(request, slug: str, session_id: int):
    session = _session(request, slug, session_id)
    community = session.community
    policy.require(request.user, "session.credit", community, session)
    day = _date(request.GET.get("date") or request.POST.get("date"))
    form = CreditForm(request.POST or None)
    came = (
        [
            a.member
            for a in Attendance.objects.filter(session=session, occurs_on=day).select_related(
                "member"
            )
        ]
        if day
        else []
    )
    if came:
        log.record_list_view(
            came, viewer=request.user, reason=f"Attendance of session {session.pk}"
        )
    if request.method == "POST" and request.POST.get("confirm") and form.is_valid():
        try:
            actions.credit_attendance(
                by=request.user, session=session, occurs_on=day, basis=form.cleaned_data["basis"]
            )
        except REFUSALS as exc:
            show_error(request, exc, form)
        else:
            messages.success(
                request,
                _(
                    "Credited in the time bank. People who use Kampung themselves are asked "
                    "to confirm they came; for the others, the time is recorded now."
                ),
            )
            return redirect("session_detail", slug=slug, session_id=session.pk)
    checking = request.method == "POST" and form.is_valid() and not form.errors
    return render(
        request,
        "skillshare/credit.html",
        {
            "community": community,
            "session": session,
            "day": day,
            "came": came,
            "form": form,
            "checking": checking,
            "basis_label": dict(form.fields["basis"].choices).get(form.cleaned_data.get("basis"))
            if checking
            else "",
            "dates": queries.attendance_dates(session),
            "page_title": _("Credit “%(title)s” in the time bank") % {"title": session.title},
        },
    )


@login_required
def session_mine(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "session.view", community)
    me = policy.membership(request.user, community)
    link = ""
    if request.method == "POST":
        try:
            secret = actions.new_calendar_link(by=request.user, community=community)
        except REFUSALS as exc:
            show_error(request, exc)
        else:
            link = public_url(request, reverse("session_my_calendar", args=[slug, secret]))
    mine = list(queries.my_signups(me))
    for s in mine:
        s.position = queries.waiting_position(s)
    hosting = (
        list(Session.objects.filter(community=community, host=me).select_related("community"))
        if me
        else []
    )
    return render(
        request,
        "skillshare/mine.html",
        {
            "community": community,
            "mine": mine,
            "hosting": hosting,
            "link": link,
            "has_link": me is not None and CalendarKey.objects.filter(member=me).exists(),
            "nudges": queries.waiting_for(me),
            "page_title": _("My sessions"),
        },
    )


# --- Calendar feeds ----------------------------------------------------------------------------


FEED_CACHE_SECONDS = 300


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _url_of(request, community):
    """Each session's page address; the URL is worked out once, for a feed of 500."""
    marker = 987654321
    head, _marker, tail = public_url(
        request, reverse("session_detail", args=[community.slug, marker])
    ).rpartition(str(marker))

    def url_of(session):
        return f"{head}{session.pk}{tail}"

    return url_of


def session_calendar(request, slug: str):
    """The community's public sessions, for anyone (no login): only sessions marked
    public; a community that does not exist is simply not found."""
    community = get_object_or_404(Community, slug=slug)
    sessions = (
        Session.objects.filter(community=community, is_public=True)
        .select_related("community", "place")
        .only(*feeds.FIELDS)
    )
    # The whole feed is kept until a public session (or its place) changes: calendar
    # apps poll it, and writing 500 events out costs about a second.
    state = sessions.aggregate(
        n=Count("pk"), last=Max("updated_at"), places=Max("place__updated_at")
    )
    base = public_url(request, "/")
    key = (
        "skillshare:feed:"
        + hashlib.sha256(
            f"{community.pk}:{community.name}:{community.timezone}:{state}:{base}".encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        body = feeds.calendar(
            _("%(name)s: sessions") % {"name": community.name},
            community.timezone,
            sessions,
            _url_of(request, community),
            timezone.now(),
            feed=f"community-{community.pk}",
        )
        cache.set(key, body, timeout=FEED_CACHE_SECONDS)
    return _ics(body, f"{slug}-sessions.ics")


def session_my_calendar(request, slug: str, secret: str):
    """A member's own sessions, opened with the secret of their link alone."""
    community = get_object_or_404(Community, slug=slug)
    key = (
        CalendarKey.objects.filter(community=community, digest=actions.digest_of(secret))
        .select_related("member")
        .first()
    )
    if key is None:
        raise Http404
    member: Member = key.member
    signups = (
        SignUp.objects.filter(member=member, state__in=SignUp.TAKING)
        .select_related("session__community", "session__place")
        .order_by("pk")
    )
    series = {s.session_id: s.session for s in signups if s.occurs_on is None}
    for session in Session.objects.filter(community=community, host=member).select_related(
        "community", "place"
    ):
        series.setdefault(session.pk, session)
    singles = [
        (s.session, s.occurs_on)
        for s in signups
        if s.occurs_on is not None and s.session_id not in series
    ]
    body = feeds.calendar(
        _("My sessions in %(name)s") % {"name": community.name},
        community.timezone,
        series.values(),
        _url_of(request, community),
        timezone.now(),
        singles,
        feed=f"member-{member.pk}",
        public=False,
    )
    return _ics(body, "my-sessions.ics")
