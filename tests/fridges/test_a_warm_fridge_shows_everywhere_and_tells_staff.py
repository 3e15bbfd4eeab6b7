"""A reading above 5 °C shows as "Too warm" on the map's data, the table and the open
feed (not by colour alone), the reporter is told plainly with their reading repeated,
and the community's community developers are told as well as the rota."""

from __future__ import annotations

import json

from django.urls import reverse

from kampung.fridges import queries
from kampung.fridges.models import Fridge
from kampung.notices.models import Notification


def _report_9(client, fridge):
    url = reverse("fridge_public", args=[fridge.community.slug, fridge.token])
    return client.post(url, {"fill": "1", "condition": "fine", "temperature_c": "9"}, follow=True)


def test_the_reporter_is_told_plainly_with_their_reading(client, fridge):
    page = _report_9(client, fridge).content.decode()
    assert (
        "9 °C is too warm: food in it may not be safe. The fridge&#x27;s volunteers have been told."
        in page
        or "9 °C is too warm: food in it may not be safe. The fridge's volunteers have been told."
        in page
    )


def test_the_list_page_the_map_data_and_the_feed_say_too_warm(client, cast, fridge):
    _report_9(client, fridge)
    client.force_login(cast.user("resident"))
    page = client.get(reverse("fridge_list", args=[fridge.community.slug])).content.decode()
    assert "Too warm (9.0 °C)" in page
    assert "fridge-too-warm" in page  # the key's outline
    rows = queries.states(Fridge.objects.filter(pk=fridge.pk))
    assert rows[0]["alert"] == "too_warm"
    feed = json.loads(queries.feed_json(fridge.community))
    mine = next(r for r in feed["fridges"] if r["id"] == fridge.pk)
    assert mine["alert"] == "too_warm" and "fill_words" in mine


def test_a_cold_fridge_has_no_alert(cast, pantry):
    assert queries.states(Fridge.objects.filter(pk=pantry.pk))[0]["alert"] is None


def test_community_developers_are_told_and_see_it_on_their_dashboard(client, cast, fridge):
    coordinator = cast.members["coordinator"]
    _report_9(client, fridge)
    assert Notification.objects.filter(
        member=coordinator, kind="fridge_alert", text__contains="9 °C"
    ).exists()
    lines = [t for t in queries.waiting_for(coordinator) if t["kind"] == "alert"]
    assert any(fridge.name in t["text"] for t in lines)
