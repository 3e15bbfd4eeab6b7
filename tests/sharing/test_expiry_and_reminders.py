"""The schedule: the day before an item's last day its giver is reminded, once; past
it, the item expires and those waiting are let go."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kampung.notices.models import Notification
from kampung.sharing import actions
from kampung.sharing.models import GiftRequest, Listing
from kampung.sharing.schedule import expire_and_remind


def test_the_giver_is_reminded_once_the_day_before(cast, gift):
    now = timezone.now()
    local = timezone.localdate(now, dt.timezone(dt.timedelta(hours=8)))
    Listing.objects.filter(pk=gift.pk).update(available_until=local + dt.timedelta(days=1))
    expire_and_remind(now)
    expire_and_remind(now)
    notes = Notification.objects.filter(kind="gifts", text__contains="listed until tomorrow")
    assert notes.count() == 1 and notes.get().member == cast.members["resident"]


def test_an_item_past_its_last_day_expires_and_its_requests_close(cast, gift):
    request = actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    Listing.objects.filter(pk=gift.pk).update(
        available_until=timezone.localdate() - dt.timedelta(days=2)
    )
    assert "1 expired" in expire_and_remind(timezone.now())
    gift.refresh_from_db()
    request.refresh_from_db()
    assert gift.status == Listing.Status.EXPIRED
    assert request.status == GiftRequest.Status.CLOSED
    assert "0 expired" in expire_and_remind(timezone.now())


def test_the_schedule_is_registered(cast):
    from kampung.notices import jobs, kinds

    assert "gift-listings-expiry" in jobs.JOBS
    assert kinds.kind("gifts").code == "gifts"
