"""The API of skill-sharing sessions, under /api/v1/communities/<slug>/sessions/."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kampung import limits, policy
from kampung.api_types import Id
from kampung.errors import Invalid
from kampung.people.models import Member
from kampung.skillshare import actions, queries
from kampung.skillshare.models import MAX_CAPACITY, Session, SignUp
from kampung.web import community_for, public_url

router = Router(tags=["skill-sharing sessions"])

TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


class SkillShareDateOut(Schema):
    starts: dt.datetime
    places_left: int


class SkillShareSignUpOut(Schema):
    id: int
    occurs_on: dt.date | None
    whole_series: bool
    state: str
    waiting_position: int | None = None
    answer_by: dt.datetime | None = Field(
        None, description="For a place offered from the waiting list: answer by then."
    )

    @staticmethod
    def resolve_waiting_position(obj):
        return queries.waiting_position(obj)


class SkillShareSessionOut(Schema):
    id: int
    title: str
    description: str
    topic: str
    host: str
    place: int | None = None
    place_name: str
    online_link: str
    languages: list[str]
    accessibility: list[str]
    capacity: int
    waiting_list: bool
    is_public: bool
    starts_on: dt.date
    start_time: str = Field(..., description="HH:MM, the community's local time")
    minutes: int
    repeat: str
    rrule: str
    exceptions: list[dt.date]
    url: str

    @staticmethod
    def resolve_start_time(obj):
        # A local time of day in the community's time zone (no offset: JSON Schema's
        # "time" format demands one), as the input takes it.
        return obj.start_time.strftime("%H:%M")

    @staticmethod
    def resolve_host(obj):
        return obj.host.display_name

    @staticmethod
    def resolve_place_name(obj, context):
        return queries.place_label(obj, context["request"].user)

    @staticmethod
    def resolve_place(obj, context):
        if obj.place_id is None or queries.place_label(obj, context["request"].user) != (
            obj.place.name
        ):
            return None
        return obj.place_id

    @staticmethod
    def resolve_url(obj, context):
        return public_url(
            context["request"], reverse("session_detail", args=[obj.community.slug, obj.pk])
        )


class SkillShareSessionDetailOut(SkillShareSessionOut):
    next_dates: list[SkillShareDateOut]
    my_signups: list[SkillShareSignUpOut]


class SkillShareSessionIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=limits.DESCRIPTION_MAX)
    topic: str = Field("", max_length=64)
    place: Id | None = Field(None, description="A place of the register (its id).")
    online_link: str = Field("", max_length=300)
    languages: list[str] = Field([], max_length=limits.LIST_MAX)
    accessibility: list[str] = Field([], max_length=limits.LIST_MAX)
    capacity: int = Field(..., ge=1, le=MAX_CAPACITY)
    waiting_list: bool = True
    is_public: bool = False
    starts_on: dt.date
    start_time: str = Field(..., pattern=TIME, description="HH:MM, the community's time")
    end_time: str = Field(..., pattern=TIME, description="HH:MM, after start_time")
    repeat: Literal["once", "weekly", "fortnightly", "monthly"] = "once"
    nth: Literal[1, 2, 3, 4, -1] | None = Field(
        None, description="For monthly: which such weekday of the month (-1: the last)."
    )
    ends_on: dt.date | None = None
    host: Id | None = Field(None, description="The member who hosts (you, by default).")


class SkillShareSignUpIn(Schema):
    occurs_on: dt.date | None = Field(
        None, description="One date of the session, or null for every date."
    )
    member: Id | None = Field(
        None,
        description="Someone without a login to sign up (from a paper sign-up sheet): "
        "community developers and the session's hosts only. Leave out to sign yourself up.",
    )


class SkillShareAnswerIn(Schema):
    accept: bool


class SkillShareDateIn(Schema):
    occurs_on: dt.date


class SkillShareAttendanceIn(Schema):
    occurs_on: dt.date
    attendees: list[Id] = Field(..., max_length=actions.MAX_ATTENDEES)


class SkillShareCreditIn(Schema):
    occurs_on: dt.date
    basis: Literal["per_host", "per_attendee"] = "per_host"


class SkillShareCreditOut(Schema):
    occurs_on: dt.date
    group_session: int = Field(..., alias="group_session_id")


class SkillShareLinkOut(Schema):
    url: str


def _session(request, slug: str, session_id: int) -> Session:
    community = community_for(request, slug)
    policy.require(request.user, "session.view", community)
    return get_object_or_404(
        Session.objects.select_related("community", "place", "host"),
        pk=session_id,
        community=community,
    )


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


@router.get("/communities/{slug}/sessions", response=list[SkillShareSessionOut])
@paginate
def list_sessions(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "session.view", community)
    return queries.sessions_in(community).order_by("pk")


@router.post("/communities/{slug}/sessions", response={201: SkillShareSessionOut})
def create_session(request, slug: str, payload: SkillShareSessionIn):
    community = community_for(request, slug)
    policy.require(request.user, "session.create", community)
    data = payload.dict()
    host_id = data.pop("host")
    host = None
    if host_id is not None:
        host = Member.objects.filter(pk=host_id, community=community, is_active=True).first()
        if host is None:
            raise Invalid({"host": "Choose a host from this community."})
    place_id = data.pop("place")
    place = None
    if place_id is not None:
        place = policy.visible_assets(request.user, community).filter(pk=place_id).first()
        if place is None or place.category != "place":
            raise Invalid({"place": "Choose a place from this community's register."})
    data.update(place=place, start_time=_time(data["start_time"]), end_time=_time(data["end_time"]))
    return Status(
        201, actions.create_session(by=request.user, community=community, host=host, **data)
    )


@router.post("/communities/{slug}/sessions/calendar-link", response={201: SkillShareLinkOut})
def new_calendar_link(request, slug: str):
    """A new secret link to your own sessions' calendar; the old one stops working."""
    community = community_for(request, slug)
    secret = actions.new_calendar_link(by=request.user, community=community)
    url = public_url(request, reverse("session_my_calendar", args=[slug, secret]))
    return Status(201, {"url": url})


@router.get("/communities/{slug}/sessions/{session_id}", response=SkillShareSessionDetailOut)
def get_session(request, slug: str, session_id: Id):
    session = _session(request, slug, session_id)
    me = policy.membership(request.user, session.community)
    session.next_dates = [
        {"starts": u.starts, "places_left": u.places_left} for u in queries.next_dates(session, 12)
    ]
    session.my_signups = list(queries.my_signups(me, session))
    return session


class SkillShareSessionPatch(Schema):
    """Send only what changes; the schedule's RRULE is built again from the choices."""

    title: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=limits.DESCRIPTION_MAX)
    topic: str = Field(None, max_length=64)
    online_link: str = Field(None, max_length=300)
    languages: list[str] = Field(None, max_length=limits.LIST_MAX)
    accessibility: list[str] = Field(None, max_length=limits.LIST_MAX)
    capacity: int = Field(None, ge=1, le=MAX_CAPACITY)
    waiting_list: bool = Field(None)
    is_public: bool = Field(None)
    starts_on: dt.date = Field(None)
    start_time: str = Field(None, pattern=TIME)
    end_time: str = Field(None, pattern=TIME)
    repeat: Literal["once", "weekly", "fortnightly", "monthly"] = Field(None)
    ends_on: dt.date | None = None


@router.patch("/communities/{slug}/sessions/{session_id}", response=SkillShareSessionOut)
def change_session(request, slug: str, session_id: Id, payload: SkillShareSessionPatch):
    session = _session(request, slug, session_id)
    policy.require(request.user, "session.edit", session.community, session)
    data = payload.dict(exclude_unset=True)
    for name in ("start_time", "end_time"):
        if data.get(name) is not None:
            data[name] = _time(data[name])
    return actions.change_session(by=request.user, session=session, **data)


@router.post(
    "/communities/{slug}/sessions/{session_id}/signups", response={201: SkillShareSignUpOut}
)
def sign_up(request, slug: str, session_id: Id, payload: SkillShareSignUpIn):
    """Sign yourself up for one date or every date: a place, or the waiting list when it
    is full (409 `full` if the session keeps no waiting list). With `member`, a community
    developer or a host signs up someone without a login (403 for anyone else)."""
    session = _session(request, slug, session_id)
    member = None
    if payload.member is not None:
        member = Member.objects.filter(pk=payload.member, community=session.community).first()
        if member is None:
            raise Invalid({"member": "There is no such person in this community."})
    return Status(
        201,
        actions.sign_up(
            by=request.user, session=session, occurs_on=payload.occurs_on, member=member
        ),
    )


def _my_signup(request, session: Session, signup_id: int) -> SignUp:
    """A sign-up of this session: the caller's own, or (checked by the action) one of a
    member without a login whom they may act for; anything else is not found."""
    return get_object_or_404(SignUp, pk=signup_id, session=session)


@router.post(
    "/communities/{slug}/sessions/{session_id}/signups/{signup_id}/cancel",
    response=SkillShareSignUpOut,
)
def cancel_sign_up(request, slug: str, session_id: Id, signup_id: Id):
    session = _session(request, slug, session_id)
    signup = _my_signup(request, session, signup_id)
    return actions.cancel_sign_up(by=request.user, signup=signup)


@router.post(
    "/communities/{slug}/sessions/{session_id}/signups/{signup_id}/answer",
    response=SkillShareSignUpOut,
)
def answer_offer(request, slug: str, session_id: Id, signup_id: Id, payload: SkillShareAnswerIn):
    session = _session(request, slug, session_id)
    signup = _my_signup(request, session, signup_id)
    return actions.answer_offer(by=request.user, signup=signup, accept=payload.accept)


@router.post("/communities/{slug}/sessions/{session_id}/cancel-date", response=SkillShareSessionOut)
def cancel_date(request, slug: str, session_id: Id, payload: SkillShareDateIn):
    session = _session(request, slug, session_id)
    return actions.cancel_date(by=request.user, session=session, occurs_on=payload.occurs_on)


@router.post("/communities/{slug}/sessions/{session_id}/attendance")
def take_attendance(request, slug: str, session_id: Id, payload: SkillShareAttendanceIn):
    session = _session(request, slug, session_id)
    policy.require(request.user, "session.take_attendance", session.community, session)
    people = list(Member.objects.filter(pk__in=payload.attendees, community=session.community))
    if len(people) != len(set(payload.attendees)):
        raise Invalid({"attendees": "Everyone must be in this community."})
    rows = actions.take_attendance(
        by=request.user, session=session, occurs_on=payload.occurs_on, attendees=people
    )
    return {"occurs_on": payload.occurs_on, "came": len(rows)}


@router.post(
    "/communities/{slug}/sessions/{session_id}/credit", response={201: SkillShareCreditOut}
)
def credit(request, slug: str, session_id: Id, payload: SkillShareCreditIn):
    session = _session(request, slug, session_id)
    return Status(
        201,
        actions.credit_attendance(
            by=request.user, session=session, occurs_on=payload.occurs_on, basis=payload.basis
        ),
    )
