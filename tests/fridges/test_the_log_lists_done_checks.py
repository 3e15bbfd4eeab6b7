"""The food-safety log lists every done check-and-clean from the rota (who did it, who
confirmed it) beside the readings, on the page and in its spreadsheet; a missed daily
check means no check-and-clean recorded that day, and says so."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from kampung.fridges import jobs
from kampung.fridges.models import Alert, Slot


def test_the_volunteers_done_checks_are_in_the_log_and_its_csv(client, cast, fridge):
    vijay = cast.members["volunteer"]
    done = Slot.objects.filter(fridge=fridge, volunteer=vijay, done_at__isnull=False)
    assert done.exists()
    client.force_login(cast.user("coordinator"))
    url = reverse("fridge_log", args=[fridge.community.slug, fridge.pk])
    page = client.get(url).content.decode()
    assert "Check and clean" in page
    assert f"done by {vijay.display_name}" in page
    assert "confirmed by" in page
    response = client.get(url, {"format": "csv"})
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    csv = body.decode("utf-8-sig")
    assert csv.count("Check and clean") >= done.count()
    assert f"done by {vijay.display_name}" in csv


def test_a_missed_check_says_no_check_and_clean_was_recorded(cast, pantry):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    slot = Slot.objects.get(fridge=pantry, day=yesterday)
    assert slot.done_at is None
    jobs.food_safety(timezone.now())
    alert = Alert.objects.get(key=f"fridge-missed:{slot.pk}")
    day = f"{yesterday.day} {yesterday.strftime('%b')}"  # "1 Dec", no leading zero
    assert f"no check-and-clean recorded on {day}" in alert.text
    assert "not checked" not in alert.text
