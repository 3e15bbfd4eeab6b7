"""The reminder the day before goes to everyone with a place, once, whatever the job's
schedule."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kampung.notices import jobs
from kampung.notices.models import Notification
from kampung.policy import membership
from kampung.skillshare import actions


def test_people_with_a_place_tomorrow_are_reminded_once(cast, make_session, neighbours):
    from zoneinfo import ZoneInfo

    here = timezone.now().astimezone(ZoneInfo(cast.community.timezone))
    tomorrow = here.date() + dt.timedelta(days=1)
    session = make_session(starts_on=tomorrow, capacity=1)
    actions.sign_up(by=neighbours[0], session=session)
    actions.sign_up(by=neighbours[1], session=session)  # waiting: no reminder
    assert "session-reminders" in jobs.JOBS
    jobs.run("session-reminders")
    jobs.run("session-reminders")
    booked = Notification.objects.filter(
        member=membership(neighbours[0], cast.community),
        kind="sessions",
        text__startswith="Tomorrow",
    )
    waiting = Notification.objects.filter(
        member=membership(neighbours[1], cast.community), text__startswith="Tomorrow"
    )
    assert booked.count() == 1 and not waiting.exists()
