"""What the home page tells a member about sessions (queries.waiting_for): a place
offered from the waiting list, a session tomorrow, attendance to take."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kampung.policy import membership
from kampung.skillshare import actions, queries


def test_it_names_a_place_offered_a_session_tomorrow_and_attendance_to_take(
    cast, make_session, neighbours
):
    today = timezone.localdate()
    session = make_session(title="Tech and tea (home)", capacity=1)
    first = actions.sign_up(by=neighbours[0], session=session)
    actions.sign_up(by=neighbours[1], session=session)
    actions.cancel_sign_up(by=neighbours[0], signup=first)
    offered = queries.waiting_for(membership(neighbours[1], cast.community))
    assert [n.text for n in offered] == [
        "A place is yours at “Tech and tea (home)”: say yes or no."
    ]

    # A session Vijay hosts that met yesterday (added the day before): its attendance is
    # to take. One that has not started yet is not (attendance opens at the start).
    from kampung.skillshare.models import Session

    met = make_session(title="Yesterday's club", starts_on=today - dt.timedelta(days=1))
    Session.objects.filter(pk=met.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    hosted = queries.waiting_for(cast.members["volunteer"])
    assert any(
        "Take attendance for “Yesterday's club”" in n.text and "?date=" in n.url for n in hosted
    )
    later = make_session(title="Next week's club", starts_on=today + dt.timedelta(days=7))
    assert not any(later.title in n.text for n in queries.waiting_for(cast.members["volunteer"]))

    tomorrow = make_session(title="Tomorrow's walk", starts_on=today + dt.timedelta(days=1))
    actions.sign_up(by=neighbours[2], session=tomorrow)
    soon = queries.waiting_for(membership(neighbours[2], cast.community))
    assert [n.text for n in soon] == ["Tomorrow: “Tomorrow's walk” at 10:00."]
    assert queries.waiting_for(None) == []
