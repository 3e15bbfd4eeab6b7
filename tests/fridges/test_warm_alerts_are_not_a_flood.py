"""A passer-by's link could send the rota a message per report: warm readings are all in
the log, but a fridge raises at most one warm alert an hour."""

from __future__ import annotations

from django.urls import reverse

from kampung.fridges.models import Alert, Report


def test_six_warm_reports_in_a_row_raise_one_alert(client, cast, fridge):
    before = Alert.objects.filter(fridge=fridge, kind="warm").count()
    url = reverse("fridge_public", args=[fridge.community.slug, fridge.token])
    for t in range(8, 14):
        client.post(url, {"fill": "0", "condition": "fine", "temperature_c": str(t)})
    assert Report.objects.filter(fridge=fridge, temperature_c__gte=8).count() >= 6
    assert Alert.objects.filter(fridge=fridge, kind="warm").count() == before + 1
