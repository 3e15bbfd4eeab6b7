"""The fridges' pages for members, the printable log and its CSV, settings, the poster,
and the open feed (public fridges only, no personal data)."""

from __future__ import annotations

from django.urls import reverse

from kampung.assets.models import Asset
from kampung.fridges import actions
from kampung.fridges.models import Fridge


def test_the_map_page_has_a_table_with_each_fridges_state_in_words(client, cast, fridge):
    client.force_login(cast.user("resident"))
    response = client.get(reverse("fridge_list", args=[cast.community.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Block 12 void deck fridge" in html and 'id="fridge-data"' in html
    assert "fill-" in html and "ago" in html


def test_a_fridge_page_shows_its_rules_rota_and_recent_reports(client, cast, fridge):
    client.force_login(cast.user("volunteer"))
    html = client.get(reverse("fridge_detail", args=[cast.community.slug, fridge.pk])).content
    html = html.decode()
    for words in ("Raw meat or fish", "Check-and-clean rota", "Recent reports", "8.5 °C", "you"):
        assert words in html


def test_the_food_safety_log_prints_and_downloads_for_a_chosen_period(client, cast, fridge):
    client.force_login(cast.user("coordinator"))
    url = reverse("fridge_log", args=[cast.community.slug, fridge.pk])
    html = client.get(url).content.decode()
    assert "too warm" in html and "Temperature above 5" in html
    csv = client.get(url, {"first": "2020-01-01", "last": "2020-01-31", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().count("\n") == 1  # only the header: nothing that month
    refused = client.get(url, {"first": "2026-02-01", "last": "2026-01-01"})
    assert "before the last" in refused.content.decode()


def test_settings_change_the_rules_and_hours_through_the_register(client, cast, fridge):
    client.force_login(cast.user("coordinator"))
    url = reverse("fridge_settings", args=[cast.community.slug, fridge.pk])
    response = client.post(
        url,
        {
            "name": "Block 12 fridge",
            "subtype": "Community fridge",
            "lat": fridge.asset.lat,
            "lng": fridge.asset.lng,
            "opening_hours": "Mon-Fri 08:00-20:00",
            "rules": "Alcohol\nRaw meat",
            "prepared_food_days": 3,
            "credit_minutes": 20,
            "visibility": "public",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    fridge = Fridge.objects.select_related("asset").get(pk=fridge.pk)
    assert fridge.asset.name == "Block 12 fridge" and fridge.rules == ["Alcohol", "Raw meat"]
    assert not fridge.always_open and len(fridge.asset.opening_hours) == 5
    bad = client.post(url, {**response.wsgi_request.POST.dict(), "opening_hours": "whenever"})
    assert "opening_hours" in bad.context["form"].errors


def test_the_poster_carries_the_qr_code_and_the_public_link(client, cast, fridge):
    client.force_login(cast.user("coordinator"))
    html = client.get(reverse("fridge_poster", args=[cast.community.slug, fridge.pk])).content
    assert b"<svg" in html and fridge.token.encode() in html


def test_the_open_feed_needs_no_login_and_holds_public_fridges_only(client, cast, fridge, pantry):
    actions.change_fridge(
        by=cast.user("coordinator"), fridge=pantry, visibility=Asset.Visibility.MEMBERS
    )
    response = client.get(reverse("fridge_feed", args=[cast.community.slug]))
    assert response.status_code == 200
    body = response.json()
    names = [f["name"] for f in body["fridges"]]
    assert names == ["Block 12 void deck fridge"]
    text = response.content.decode()
    assert fridge.token not in text
    host = fridge.host
    assert host is None or host.display_name not in text
    assert set(body["fridges"][0]) >= {"fill", "fill_words", "stale", "reported", "lat", "lng"}


def test_a_resident_cannot_change_a_fridge(client, cast, fridge):
    client.force_login(cast.user("resident"))
    url = reverse("fridge_settings", args=[cast.community.slug, fridge.pk])
    assert client.get(url).status_code == 403
