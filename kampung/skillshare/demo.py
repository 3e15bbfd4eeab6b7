"""Demo sessions: "Tech and tea" in Kampung Seri Mawar, every week at a place of the
demo, where volunteers help older neighbours with phones and tablets. Vijay (the
volunteer login) hosts it; it is full, with a waiting list; Rosnah (the resident login)
is not signed up, so she can try. It began two weeks ago: the last date's attendance is
taken, for a community developer to credit in the time bank. Idempotent: a community
that has the session is left alone."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kampung.assets.models import Asset, Category
from kampung.audit.context import acting
from kampung.people.models import Member
from kampung.skillshare import actions
from kampung.skillshare.models import Session, SignUp

TITLE = "Tech and tea"
CAPACITY = 6
WAITING = 2


def seed_sessions() -> Session | None:
    vijay = (
        Member.objects.filter(user__email="volunteer@demo.kampung.test")
        .select_related("community", "user")
        .first()
    )
    if vijay is None:
        return None
    community = vijay.community
    found = Session.objects.filter(community=community, title=TITLE).first()
    if found is not None:
        return found
    place = (
        Asset.objects.filter(
            community=community,
            category=Category.PLACE,
            status=Asset.Status.ACTIVE,
            visibility=Asset.Visibility.PUBLIC,
        )
        .exclude(lat=None)
        .order_by("pk")
        .first()
    ) or (
        Asset.objects.filter(community=community, category=Category.PLACE)
        .exclude(lat=None)
        .order_by("pk")
        .first()
    )
    today = timezone.localdate()
    with transaction.atomic(), acting(vijay.user, via="cli"):
        session = actions.create_session(
            by=vijay.user,
            community=community,
            title=TITLE,
            description=(
                "Bring your phone or tablet and your questions. Volunteers sit with you "
                "over a cup of tea: video calls with family, photos, messages, "
                "government apps, scam calls and how to spot them."
            ),
            topic="it-help",
            place=place,
            online_link="" if place else "https://meet.example.org/tech-and-tea",
            languages=["en", "ms", "zh"],
            accessibility=["step_free", "large_print"],
            capacity=CAPACITY,
            waiting_list=True,
            is_public=True,
            starts_on=today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=2),
            start_time=dt.time(10, 0),
            end_time=dt.time(11, 30),
            repeat="weekly",
        )
        # Neighbours without a login, signed up on paper by the community developer.
        people = list(
            Member.objects.filter(community=community, user=None, is_active=True).order_by("pk")[
                : CAPACITY + WAITING
            ]
        )
        SignUp.objects.bulk_create(
            [
                SignUp(
                    session=session,
                    community=community,
                    member=m,
                    occurs_on=None,
                    state=SignUp.State.BOOKED if i < CAPACITY else SignUp.State.WAITING,
                )
                for i, m in enumerate(people)
            ]
        )
        # It has run for two weeks already: the last date's attendance is taken by Vijay
        # and waits for a community developer to credit it in the time bank.
        Session.objects.filter(pk=session.pk).update(
            starts_on=session.starts_on - dt.timedelta(days=14),
            created_at=timezone.now() - dt.timedelta(days=15),
        )
        session.refresh_from_db()
        now = timezone.now()
        past = [d for d in session.dates(today - dt.timedelta(days=21), today) if d <= now]
        if past:
            actions.take_attendance(
                by=vijay.user,
                session=session,
                occurs_on=past[-1].date(),
                attendees=people[: CAPACITY - 2],
            )
    return session
