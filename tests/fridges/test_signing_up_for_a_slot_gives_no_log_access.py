"""Taking a check-and-clean slot is open to any member, so it must not open the
food-safety log or let someone write "what was done" and silence an alert (found by the
attack: a partner signed up for a slot 8 days away, then resolved a warm alert). Only
staff, the host and volunteers with a confirmed check there may."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from kampung.fridges import actions
from kampung.fridges.models import Alert
from kampung.notices.models import Notification


def _far_slot(cast, fridge):
    day = timezone.localdate() + dt.timedelta(days=8)
    return actions.open_slots(by=cast.user("coordinator"), fridge=fridge, first_day=day, days=1)[0]


def test_a_partner_who_signs_up_still_cannot_read_the_log_or_resolve_an_alert(client, cast, fridge):
    slug = fridge.community.slug
    slot = _far_slot(cast, fridge)
    alert = Alert.objects.filter(fridge=fridge, resolved_at=None).first()
    client.force_login(cast.user("partner"))
    log = reverse("fridge_log", args=[slug, fridge.pk])
    assert client.get(log).status_code == 403
    client.post(reverse("fridge_slot_sign_up", args=[slug, fridge.pk, slot.pk]))
    slot.refresh_from_db()
    assert slot.volunteer == cast.members["partner"]
    assert client.get(log).status_code == 403
    client.post(
        reverse("fridge_alert_resolve", args=[slug, fridge.pk, alert.pk]),
        {"action_taken": "all fine (not really)"},
    )
    alert.refresh_from_db()
    assert alert.resolved_at is None and alert.action_taken == ""


def test_through_the_api_too(csrf_client, cast, fridge):
    from tests.fridges.test_fridges_api import BASE, _bearer, _post

    slot = _far_slot(cast, fridge)
    alert = Alert.objects.filter(fridge=fridge, resolved_at=None).first()
    auth = _bearer(cast.user("partner"))
    assert (
        _post(csrf_client, f"{BASE}/{fridge.pk}/rota/{slot.pk}/sign-up", {}, **auth).status_code
        == 200
    )
    assert csrf_client.get(f"{BASE}/{fridge.pk}/log", **auth).status_code == 403
    response = _post(
        csrf_client,
        f"{BASE}/{fridge.pk}/alerts/{alert.pk}/resolve",
        {"action_taken": "all fine (not really)"},
        **auth,
    )
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.resolved_at is None


def test_a_volunteer_signed_up_is_still_told_about_alerts(cast, fridge):
    slot = _far_slot(cast, fridge)
    actions.sign_up(by=cast.user("partner"), slot=slot)
    actions.report_state(
        by=cast.user("resident"), fridge=fridge, fill=2, condition="fine", temperature_c=9
    )
    assert Notification.objects.filter(
        member=cast.members["partner"], kind="fridge_alert", text__contains="9 °C"
    ).exists()


def test_a_done_check_counts_only_once_a_community_developer_confirmed_it(cast, pantry):
    from kampung import policy

    resident = cast.user("resident")
    slot = pantry.slots.filter(day=timezone.localdate()).first()
    slot = actions.sign_up(by=resident, slot=slot)
    slot = actions.record_check(by=resident, slot=slot, fill=2, condition="fine")
    assert not policy.can(resident, "fridge.view_log", pantry.community, pantry)
    actions.confirm_check(by=cast.user("coordinator"), slot=slot)
    assert policy.can(resident, "fridge.view_log", pantry.community, pantry)
    assert policy.can(resident, "fridge.resolve_alert", pantry.community, pantry)
