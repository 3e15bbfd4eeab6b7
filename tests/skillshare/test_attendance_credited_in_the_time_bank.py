"""The host ticks who came; a community developer credits the date in the time bank in
one step, as a group session (kampung.timebank.actions.record_session), once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from kampung.errors import Conflict, Invalid
from kampung.policy import membership
from kampung.skillshare import actions
from kampung.skillshare.models import Attendance
from kampung.timebank.models import GroupSession, SessionAttendance


def test_attendance_is_credited_once_as_a_group_session(cast, make_past_session, neighbours):
    session = make_past_session(capacity=5)
    for user in neighbours[:3]:
        actions.sign_up(by=user, session=session)
    came = [membership(u, cast.community) for u in neighbours[:2]]
    today = session.starts_on
    actions.take_attendance(
        by=cast.user("volunteer"), session=session, occurs_on=today, attendees=came
    )
    assert Attendance.objects.filter(session=session, occurs_on=today).count() == 2

    credit = actions.credit_attendance(
        by=cast.user("coordinator"), session=session, occurs_on=today, basis="per_host"
    )
    group = GroupSession.objects.get(pk=credit.group_session_id)
    assert group.host_id == session.host_id and group.minutes == 60
    assert set(
        SessionAttendance.objects.filter(session=group).values_list("member_id", flat=True)
    ) == {m.pk for m in came}
    with pytest.raises(Conflict):
        actions.credit_attendance(
            by=cast.user("coordinator"), session=session, occurs_on=today, basis="per_host"
        )
    with pytest.raises(Conflict):  # attendance is fixed once credited
        actions.take_attendance(
            by=cast.user("volunteer"), session=session, occurs_on=today, attendees=[]
        )


def test_the_host_never_credits_their_own_session(cast, make_past_session, neighbours):
    session = make_past_session(by=cast.user("coordinator"), host=None)
    actions.sign_up(by=neighbours[0], session=session)
    actions.take_attendance(
        by=cast.user("coordinator"),
        session=session,
        occurs_on=session.starts_on,
        attendees=[membership(neighbours[0], cast.community)],
    )
    with pytest.raises(PermissionDenied):
        actions.credit_attendance(
            by=cast.user("coordinator"),
            session=session,
            occurs_on=session.starts_on,
            basis="per_host",
        )
    with pytest.raises(PermissionDenied):
        actions.credit_attendance(
            by=cast.user("volunteer"),
            session=session,
            occurs_on=session.starts_on,
            basis="per_host",
        )


def test_nothing_to_credit_without_attendance(cast, make_past_session):
    session = make_past_session()
    with pytest.raises(Invalid) as e:
        actions.credit_attendance(
            by=cast.user("coordinator"),
            session=session,
            occurs_on=session.starts_on,
            basis="per_host",
        )
    assert "occurs_on" in e.value.fields


def test_attendance_waits_for_the_day(cast, make_session):
    session = make_session()
    later = session.starts_on + dt.timedelta(days=7)
    with pytest.raises(Invalid):
        actions.take_attendance(
            by=cast.user("volunteer"), session=session, occurs_on=later, attendees=[]
        )


def test_only_hosts_and_staff_take_attendance(cast, make_session):
    session = make_session()
    with pytest.raises(PermissionDenied):
        actions.take_attendance(
            by=cast.user("resident"), session=session, occurs_on=session.starts_on, attendees=[]
        )
