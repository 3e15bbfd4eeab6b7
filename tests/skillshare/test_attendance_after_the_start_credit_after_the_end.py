"""Attendance only once the session has started (its start in the community's time
zone: a 10:00 session is not marked at 05:00 that day), and crediting only once it has
ended."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kampung.errors import Invalid
from kampung.people.models import Member
from kampung.skillshare import actions


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def test_attendance_waits_for_the_start_and_credit_for_the_end(
    cast, make_session, neighbours, clock
):
    zone = ZoneInfo(cast.community.timezone)
    session = make_session(start_time=dt.time(10, 0), end_time=dt.time(11, 0))
    actions.sign_up(by=neighbours[0], session=session)
    came = [Member.objects.get(user=neighbours[0])]
    day = session.starts_on

    clock(dt.datetime.combine(day, dt.time(5, 0), tzinfo=zone))
    with pytest.raises(Invalid) as refused:
        actions.take_attendance(
            by=cast.user("volunteer"), session=session, occurs_on=day, attendees=came
        )
    assert "occurs_on" in refused.value.fields

    clock(dt.datetime.combine(day, dt.time(10, 30), tzinfo=zone))
    actions.take_attendance(
        by=cast.user("volunteer"), session=session, occurs_on=day, attendees=came
    )
    with pytest.raises(Invalid) as refused:
        actions.credit_attendance(
            by=cast.user("coordinator"), session=session, occurs_on=day, basis="per_host"
        )
    assert "occurs_on" in refused.value.fields

    clock(dt.datetime.combine(day, dt.time(11, 5), tzinfo=zone))
    credit = actions.credit_attendance(
        by=cast.user("coordinator"), session=session, occurs_on=day, basis="per_host"
    )
    assert credit.occurs_on == day
