"""A place offered from the waiting list waits a day for an answer: then the hourly job
gives it to the next in line and tells the person; a place offered for a date that has
started is taken back and offered to nobody."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kampung.notices import jobs
from kampung.notices.models import Notification
from kampung.policy import membership
from kampung.skillshare import actions
from kampung.skillshare.models import SignUp


def test_an_unanswered_place_goes_to_the_next_in_line_after_a_day(cast, make_session, neighbours):
    session = make_session(capacity=1, starts_on=timezone.localdate() + dt.timedelta(days=3))
    first, second, third = (actions.sign_up(by=u, session=session) for u in neighbours[:3])
    assert [s.state for s in (first, second, third)] == ["booked", "waiting", "waiting"]
    actions.cancel_sign_up(by=neighbours[0], signup=first)
    second.refresh_from_db()
    assert second.state == SignUp.State.OFFERED and second.answer_by is not None

    assert actions.expire_offers(now=timezone.now() + dt.timedelta(hours=23)) == 0
    jobs.run("session-offers", now=timezone.now() + dt.timedelta(hours=25))
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.state == SignUp.State.EXPIRED
    assert third.state == SignUp.State.OFFERED
    told = Notification.objects.filter(member=membership(neighbours[1], cast.community))
    assert told.filter(text__contains="was given back").exists()
    # The next person has their own day from when it was offered to them.
    assert actions.expire_offers(now=timezone.now() + dt.timedelta(hours=1)) == 0


def test_a_place_for_a_date_that_has_started_is_offered_to_nobody(cast, make_session, neighbours):
    day = timezone.localdate() + dt.timedelta(days=7)
    session = make_session(capacity=1, starts_on=day)
    first = actions.sign_up(by=neighbours[0], session=session, occurs_on=day)
    second = actions.sign_up(by=neighbours[1], session=session, occurs_on=day)
    third = actions.sign_up(by=neighbours[2], session=session, occurs_on=day)
    actions.cancel_sign_up(by=neighbours[0], signup=first)
    started = actions.starts_at(session, day) + dt.timedelta(minutes=5)
    assert actions.expire_offers(now=started) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.state, third.state) == (SignUp.State.EXPIRED, SignUp.State.WAITING)


def test_the_page_says_until_when_to_answer(cast, make_session, neighbours, client):
    session = make_session(capacity=1, starts_on=timezone.localdate() + dt.timedelta(days=3))
    first = actions.sign_up(by=neighbours[0], session=session)
    actions.sign_up(by=neighbours[1], session=session)
    actions.cancel_sign_up(by=neighbours[0], signup=first)
    client.force_login(neighbours[1])
    page = client.get(f"/c/{cast.community.slug}/sessions/{session.pk}/").content.decode()
    assert "Please answer by" in page
