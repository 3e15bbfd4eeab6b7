"""The check-and-clean rota: members sign up, are reminded the evening before, say "I
did the check"; a community developer confirms it and the time credits come from the
community pool. Nobody credits themselves."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kampung.errors import REFUSALS
from kampung.fridges import actions, jobs
from kampung.fridges.models import Slot
from kampung.notices.models import Notification
from kampung.timebank import actions as timebank
from kampung.timebank.models import Account, TransactionKind

REFUSED = (PermissionDenied, *REFUSALS)


def _fund_pool(cast, minutes=600):
    pool = timebank.pool_account(cast.community)
    giver = timebank.account_for_member(cast.members["resident"])
    timebank.transfer_credits(
        by=cast.user("coordinator"),
        source=giver,
        target=pool,
        minutes=minutes,
        kind=TransactionKind.GIFT,
        idempotency_key="fund-pool-test",
    )


def test_a_member_signs_up_for_a_free_day_from_the_fridges_page(client, cast, pantry):
    slot = Slot.objects.filter(fridge=pantry, volunteer=None, day__gt=timezone.localdate()).first()
    client.force_login(cast.user("resident"))
    page = client.get(reverse("fridge_detail", args=[pantry.community.slug, pantry.pk]))
    assert "I&#x27;ll do it" in page.content.decode() or "I'll do it" in page.content.decode()
    url = reverse("fridge_slot_sign_up", args=[pantry.community.slug, pantry.pk, slot.pk])
    client.post(url)
    slot.refresh_from_db()
    assert slot.volunteer == cast.members["resident"]


def test_a_taken_day_cannot_be_taken_again(cast, pantry):
    slot = Slot.objects.filter(fridge=pantry, volunteer=None, day__gt=timezone.localdate()).first()
    actions.sign_up(by=cast.user("resident"), slot=slot)
    with pytest.raises(REFUSED):
        actions.sign_up(by=cast.user("volunteer"), slot=slot)


def test_the_volunteer_is_reminded_the_evening_before_once(cast, fridge):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    slot = Slot.objects.get(fridge=fridge, day=tomorrow)
    assert slot.volunteer == cast.members["volunteer"]
    tz = ZoneInfo(cast.community.timezone)
    evening = dt.datetime.combine(timezone.localdate(), dt.time(19, 0), tzinfo=tz)
    morning = dt.datetime.combine(timezone.localdate(), dt.time(9, 0), tzinfo=tz)
    jobs.remind_rota(morning)
    assert not Notification.objects.filter(kind="fridge_rota").exists()
    jobs.remind_rota(evening)
    jobs.remind_rota(evening + dt.timedelta(hours=1))
    notes = Notification.objects.filter(kind="fridge_rota", member=cast.members["volunteer"])
    assert notes.count() == 1 and "Tomorrow" in notes.get().text


def test_i_did_the_check_then_a_community_developer_confirms_and_credits_come_from_the_pool(
    client, cast, fridge
):
    _fund_pool(cast)
    slot = Slot.objects.get(fridge=fridge, day=timezone.localdate())
    client.force_login(cast.user("volunteer"))
    done = reverse("fridge_slot_done", args=[fridge.community.slug, fridge.pk, slot.pk])
    response = client.post(done, {"fill": "3", "condition": "fine", "temperature_c": "4"})
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.done_at is not None
    # The volunteer cannot confirm their own check.
    with pytest.raises(REFUSED):
        actions.confirm_check(by=cast.user("volunteer"), slot=slot)
    account = timebank.account_for_member(cast.members["volunteer"])
    before = Account.objects.get(pk=account.pk).balance
    slot = actions.confirm_check(by=cast.user("coordinator"), slot=slot)
    assert slot.credit_transaction.kind == TransactionKind.ALLOCATION
    assert Account.objects.get(pk=account.pk).balance == before + fridge.credit_minutes
    with pytest.raises(REFUSED):  # confirming twice pays once
        actions.confirm_check(by=cast.user("coordinator"), slot=slot)


def test_staff_never_confirm_their_own_check(cast, pantry):
    _fund_pool(cast)
    slot = Slot.objects.get(fridge=pantry, day=timezone.localdate())
    slot.volunteer = cast.members["coordinator"]
    slot.save()
    actions.record_check(by=cast.user("coordinator"), slot=slot, fill=2, condition="fine")
    with pytest.raises(REFUSED):
        actions.confirm_check(by=cast.user("coordinator"), slot=slot)
    actions.confirm_check(by=cast.user("admin"), slot=slot)


def test_only_the_volunteer_whose_slot_it_is_says_it_is_done(cast, fridge):
    slot = Slot.objects.get(fridge=fridge, day=timezone.localdate())
    with pytest.raises(REFUSED):
        actions.record_check(by=cast.user("resident"), slot=slot, fill=2, condition="fine")


def test_what_waits_for_the_volunteer_names_tomorrows_check_and_the_warm_alert(cast, fridge):
    from kampung.fridges.queries import waiting_for

    items = waiting_for(cast.members["volunteer"])
    kinds = {i["kind"] for i in items}
    assert kinds == {"rota", "alert"}
    assert any("today" in i["text"] or "tomorrow" in i["text"] for i in items)
    assert waiting_for(cast.members["analyst"]) == []
