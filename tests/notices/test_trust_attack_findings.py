"""Holes the attack on the new pages found, each closed: choices saved by staff are
recorded as done for the person; a failed email is not resent against the person's
wishes (nor to an old address); the daily email's link stops the daily email; /healthz
answers HEAD and names no software; the new posting pages are rate limited."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from kampung.audit.models import AuditEvent
from kampung.errors import Invalid
from kampung.notices import actions, mail
from kampung.notices.models import Email, Preference


def test_choices_saved_by_staff_are_recorded_on_the_persons_behalf(cast, resident_without_login):
    actions.choose_how(
        by=cast.user("coordinator"), member=resident_without_login, choices={"review_due": "email"}
    )
    event = AuditEvent.objects.filter(object_type="notices.Preference").latest("at")
    assert event.on_behalf_of == resident_without_login


def _failed_email(member, kind="matching"):
    return Email.objects.create(
        member=member,
        community=member.community,
        to="old-address@example.org",
        kind=kind,
        subject="s",
        text="t",
        status=Email.Status.FAILED,
        attempts=5,
    )


def test_a_failed_email_is_not_resent_after_the_person_stopped_them(cast):
    vijay = cast.members["volunteer"]
    email = _failed_email(vijay)
    Preference.objects.create(member=vijay, kind="matching", how="site")
    with pytest.raises(Invalid):
        actions.retry_email(by=cast.user("admin"), email=email)
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED


def test_a_resent_email_goes_to_the_persons_address_now(cast):
    vijay = cast.members["volunteer"]
    Preference.objects.create(member=vijay, kind="matching", how="email")
    email = _failed_email(vijay)
    actions.retry_email(by=cast.user("admin"), email=email)
    email.refresh_from_db()
    assert email.status == Email.Status.QUEUED
    assert email.to == actions.email_address(vijay) != "old-address@example.org"


def test_the_daily_emails_link_stops_the_daily_email_for_every_kind(cast):
    vijay = cast.members["volunteer"]
    Preference.objects.create(member=vijay, kind="matching", how="daily")
    Preference.objects.create(member=vijay, kind="review_due", how="daily")
    token = mail.unsubscribe_token(vijay.pk, "daily")
    actions.unsubscribe(token=token)
    assert set(Preference.objects.filter(member=vijay).values_list("how", flat=True)) == {"site"}


def test_healthz_answers_head_and_names_no_software(db, client):
    assert client.head("/healthz").status_code in (200, 503)
    body = client.get("/healthz").content.decode()
    for word in ("sqlite", "postgresql", "LocMemCache", "RedisCache", "emails_overdue"):
        assert word not in body


@override_settings(KAMPUNG_FORM_RATE="3/m")
def test_the_one_click_unsubscribe_is_rate_limited_per_address(cast, csrf_client):
    path = reverse(
        "unsubscribe", args=[mail.unsubscribe_token(cast.members["volunteer"].pk, "matching")]
    )
    codes = [csrf_client.post(path).status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429


@override_settings(KAMPUNG_FORM_RATE="3/m")
def test_changing_a_requests_kind_is_rate_limited(cast, client):
    from kampung.matching.models import Need

    need = Need.objects.filter(member=cast.members["resident"]).first()
    client.force_login(cast.user("resident"))
    url = reverse("need_kind", args=[cast.community.slug, need.pk])
    codes = [client.post(url, {"tag": ""}).status_code for _ in range(4)]
    assert codes[3] == 429
