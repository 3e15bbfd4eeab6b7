"""A deposit says what, how much and its use-by date; food already past it is refused;
prepared food is flagged after the fridge's days, and the hourly job alerts once."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from kampung.fridges import jobs
from kampung.fridges.models import Alert, Deposit


def _url(fridge):
    return reverse("fridge_deposit", args=[fridge.community.slug, fridge.token])


def test_a_deposit_without_an_account_is_kept(client, fridge):
    use_by = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(_url(fridge), {"kind": "bread", "amount": "bag", "use_by": use_by})
    assert response.status_code == 302
    deposit = Deposit.objects.latest("created_at")
    assert deposit.kind == "bread" and deposit.member is None


def test_a_use_by_date_in_the_past_is_refused_and_nothing_stored(client, fridge):
    before = Deposit.objects.count()
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(_url(fridge), {"kind": "dairy", "amount": "little", "use_by": past})
    assert response.status_code == 200
    assert "past its date" in response.context["form"].errors["use_by"][0]
    assert Deposit.objects.count() == before


def test_prepared_food_needs_the_day_it_was_made(client, fridge):
    response = client.post(_url(fridge), {"kind": "prepared", "amount": "little"})
    assert "made_on" in response.context["form"].errors


def test_prepared_food_is_flagged_after_the_fridges_days_and_alerted_once(client, cast, fridge):
    today = timezone.localdate()
    client.post(
        _url(fridge),
        {
            "kind": "prepared",
            "amount": "little",
            "made_on": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    deposit = Deposit.objects.latest("created_at")
    assert deposit.flag_on == today + dt.timedelta(days=1)  # made yesterday, 2 days allowed
    later = timezone.now() + dt.timedelta(days=1, hours=1)
    jobs.food_safety(later)
    jobs.food_safety(later)
    alerts = Alert.objects.filter(key=f"fridge-past:{deposit.pk}")
    assert alerts.count() == 1
    assert "past its date" in alerts.get().text


def test_a_missed_daily_check_is_flagged_and_alerted_once(cast, fridge):
    from kampung.fridges.models import Slot

    slot = Slot.objects.filter(fridge=fridge, day=timezone.localdate()).get()
    later = timezone.now() + dt.timedelta(days=1)
    jobs.food_safety(later)
    jobs.food_safety(later)
    slot.refresh_from_db()
    assert slot.missed
    assert Alert.objects.filter(key=f"fridge-missed:{slot.pk}").count() == 1
