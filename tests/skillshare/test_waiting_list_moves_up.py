"""A full session's waiting list moves by itself: a cancelled place is offered to the
next in line, who is told and may say no; then the next one is offered it."""

from __future__ import annotations

import pytest

from kampung.errors import Conflict
from kampung.notices.models import Notification
from kampung.policy import membership
from kampung.skillshare import actions
from kampung.skillshare.models import SignUp


def test_a_cancelled_place_goes_to_the_next_in_line_who_is_told(cast, make_session, neighbours):
    session = make_session(capacity=2)
    a, b, c, d = neighbours
    first = actions.sign_up(by=a, session=session)
    actions.sign_up(by=b, session=session)
    waiting_c = actions.sign_up(by=c, session=session)
    waiting_d = actions.sign_up(by=d, session=session)
    assert [waiting_c.state, waiting_d.state] == [SignUp.State.WAITING] * 2

    actions.cancel_sign_up(by=a, signup=first)

    waiting_c.refresh_from_db()
    waiting_d.refresh_from_db()
    assert waiting_c.state == SignUp.State.OFFERED
    assert waiting_d.state == SignUp.State.WAITING
    told = Notification.objects.filter(member=membership(c, cast.community), kind="sessions")
    assert told.count() == 1 and "A place came free" in told.get().text


def test_saying_no_offers_the_place_to_the_next_one(cast, make_session, neighbours):
    session = make_session(capacity=1)
    a, b, c, _d = neighbours
    place = actions.sign_up(by=a, session=session)
    offer_b = actions.sign_up(by=b, session=session)
    offer_c = actions.sign_up(by=c, session=session)
    actions.cancel_sign_up(by=a, signup=place)
    offer_b.refresh_from_db()
    actions.answer_offer(by=b, signup=offer_b, accept=False)
    offer_c.refresh_from_db()
    assert offer_c.state == SignUp.State.OFFERED
    actions.answer_offer(by=c, signup=offer_c, accept=True)
    offer_c.refresh_from_db()
    assert offer_c.state == SignUp.State.BOOKED
    assert actions.places_left(session, None) == 0


def test_a_freed_date_serves_that_dates_waiting_list(cast, make_session, neighbours):
    session = make_session(capacity=1)
    a, b, _c, _d = neighbours
    day = session.dates(
        session.starts_on, session.starts_on.replace(year=session.starts_on.year + 1)
    )[1].date()
    mine = actions.sign_up(by=a, session=session, occurs_on=day)
    theirs = actions.sign_up(by=b, session=session, occurs_on=day)
    assert theirs.state == SignUp.State.WAITING
    actions.cancel_sign_up(by=a, signup=mine)
    theirs.refresh_from_db()
    assert theirs.state == SignUp.State.OFFERED


def test_only_an_offered_place_can_be_answered(cast, make_session, neighbours):
    session = make_session()
    signup = actions.sign_up(by=neighbours[0], session=session)
    with pytest.raises(Conflict):
        actions.answer_offer(by=neighbours[0], signup=signup, accept=True)
