"""Bad sign-ups and bad sessions: a clear message naming the field, nothing stored."""

from __future__ import annotations

import datetime as dt

import pytest

from kampung.errors import Conflict, Invalid
from kampung.skillshare import actions, schedule
from kampung.skillshare.models import Session, SignUp


def test_a_full_session_without_a_waiting_list_refuses_clearly(make_session, neighbours):
    session = make_session(capacity=1, waiting_list=False)
    actions.sign_up(by=neighbours[0], session=session)
    with pytest.raises(Conflict) as e:
        actions.sign_up(by=neighbours[1], session=session)
    assert "full" in e.value.message and e.value.code == "full"
    assert SignUp.objects.filter(session=session).count() == 1


def test_a_date_that_is_not_one_of_the_sessions_dates_is_refused(make_session, neighbours):
    session = make_session()
    wrong = session.starts_on + dt.timedelta(days=1)
    with pytest.raises(Invalid) as e:
        actions.sign_up(by=neighbours[0], session=session, occurs_on=wrong)
    assert "occurs_on" in e.value.fields
    assert not SignUp.objects.filter(session=session).exists()


def test_signing_up_twice_is_refused(make_session, neighbours):
    session = make_session()
    actions.sign_up(by=neighbours[0], session=session)
    with pytest.raises(Conflict):
        actions.sign_up(by=neighbours[0], session=session)


def test_the_host_does_not_sign_up_for_their_own_session(cast, make_session):
    session = make_session()
    with pytest.raises(Invalid):
        actions.sign_up(by=cast.user("volunteer"), session=session)


@pytest.mark.parametrize(
    "change,field",
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": 10**6}, "capacity"),
        ({"end_time": dt.time(9, 0)}, "end_time"),
        ({"end_time": dt.time(10, 0)}, "end_time"),
        ({"title": "  "}, "title"),
        ({"ends_on": dt.date(2000, 1, 1)}, "ends_on"),
        ({"topic": "juggling-fire"}, "topic"),
        ({"languages": ["xx"]}, "languages"),
        ({"place": None, "online_link": ""}, "place"),
        ({"online_link": "meet.example.org", "place": None}, "online_link"),
    ],
)
def test_a_bad_session_is_refused_naming_the_field(make_session, change, field):
    before = Session.objects.count()
    with pytest.raises(Invalid) as e:
        make_session(**change)
    assert field in e.value.fields
    assert Session.objects.count() == before


def test_too_many_cancelled_dates_are_refused(make_session, cast, monkeypatch):
    session = make_session()
    monkeypatch.setattr(schedule, "MAX_EXCEPTIONS", 2)
    dates = [
        m.date()
        for m in session.dates(session.starts_on, session.starts_on + dt.timedelta(days=60))
    ]
    by = cast.user("volunteer")
    actions.cancel_date(by=by, session=session, occurs_on=dates[1])
    actions.cancel_date(by=by, session=session, occurs_on=dates[2])
    with pytest.raises(Invalid) as e:
        actions.cancel_date(by=by, session=session, occurs_on=dates[3])
    assert "occurs_on" in e.value.fields
    session.refresh_from_db()
    assert len(session.exceptions) == 2


def test_a_cancelled_date_is_no_longer_a_date(make_session, cast, neighbours):
    session = make_session()
    day = session.dates(session.starts_on, session.starts_on + dt.timedelta(days=30))[1].date()
    signup = actions.sign_up(by=neighbours[0], session=session, occurs_on=day)
    actions.cancel_date(by=cast.user("volunteer"), session=session, occurs_on=day)
    signup.refresh_from_db()
    assert signup.state == SignUp.State.CANCELLED
    with pytest.raises(Invalid):
        actions.sign_up(by=neighbours[1], session=session, occurs_on=day)
