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

    hosted = queries.waiting_for(cast.members["volunteer"])
    assert any("Take attendance" in n.text and "?date=" in n.url for n in hosted)

    tomorrow = make_session(title="Tomorrow's walk", starts_on=today + dt.timedelta(days=1))
    actions.sign_up(by=neighbours[2], session=tomorrow)
    soon = queries.waiting_for(membership(neighbours[2], cast.community))
    assert [n.text for n in soon] == ["Tomorrow: “Tomorrow's walk” at 10:00."]
    assert queries.waiting_for(None) == []
