"""A reading above 5 °C is written in the food-safety log and tells the fridge's rota
volunteers and host, once."""

from __future__ import annotations

from django.urls import reverse

from kampung.fridges import actions
from kampung.fridges.models import Alert
from kampung.notices.models import Notification


def test_a_warm_reading_from_the_public_link_alerts_the_volunteer_on_the_rota(client, cast, fridge):
    vijay = cast.members["volunteer"]
    before = Notification.objects.filter(member=vijay, kind="fridge_alert").count()
    url = reverse("fridge_public", args=[fridge.community.slug, fridge.token])
    client.post(url, {"fill": "2", "condition": "fine", "temperature_c": "9"})
    notes = Notification.objects.filter(member=vijay, kind="fridge_alert")
    assert notes.count() == before + 1
    assert "9 °C" in notes.latest("pk").text
    if fridge.host_id:
        assert Notification.objects.filter(member_id=fridge.host_id, kind="fridge_alert").exists()
    assert Alert.objects.filter(fridge=fridge, kind="warm").count() >= 2  # the demo's and this


def test_a_cold_reading_alerts_nobody(cast, fridge):
    before = Alert.objects.count()
    actions.report_state(
        by=cast.user("resident"), fridge=fridge, fill=2, condition="fine", temperature_c=4
    )
    assert Alert.objects.count() == before


def test_the_same_alert_is_never_raised_twice(cast, fridge):
    first = actions.raise_alert(fridge=fridge, kind="warm", key="fridge-warm:test", text="Warm")
    again = actions.raise_alert(fridge=fridge, kind="warm", key="fridge-warm:test", text="Warm")
    assert first is not None and again is None
    assert Notification.objects.filter(text="Warm").count() == len(actions.alert_recipients(fridge))


def test_someone_on_the_rota_writes_what_was_done_and_it_is_in_the_log(client, cast, fridge):
    alert = Alert.objects.filter(fridge=fridge, resolved_at=None).first()
    client.force_login(cast.user("volunteer"))
    url = reverse("fridge_alert_resolve", args=[fridge.community.slug, fridge.pk, alert.pk])
    client.post(url, {"action_taken": "Turned the fridge colder"})
    alert.refresh_from_db()
    assert alert.action_taken == "Turned the fridge colder" and alert.resolved_at
    log = client.get(reverse("fridge_log", args=[fridge.community.slug, fridge.pk]))
    assert "Turned the fridge colder" in log.content.decode()


def test_a_resident_not_on_the_rota_cannot_resolve_or_read_the_log(client, cast, fridge):
    client.force_login(cast.user("resident"))
    log = client.get(reverse("fridge_log", args=[fridge.community.slug, fridge.pk]))
    assert log.status_code == 403
