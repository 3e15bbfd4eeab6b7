"""Administrators see the current login lockouts of people in their community, and
unlock them; nobody else can, and other communities' lockouts are not shown."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from kampung.audit.models import AuditEvent


def _lock(client, email):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": email, "password": "wrong"})


def test_an_administrator_sees_and_clears_lockouts_in_their_community(client, cast):
    resident, outsider = cast.user("resident"), cast.user("outsider")
    _lock(client, resident.email)
    _lock(client, outsider.email)
    client.force_login(cast.user("admin"))
    slug = cast.community.slug
    assert reverse("lockouts", args=[slug]) in client.get(f"/c/{slug}/").content.decode()
    page = client.get(reverse("lockouts", args=[slug])).content.decode()
    assert cast.members["resident"].display_name in page
    assert outsider.email not in page
    # Not someone outside the community, even by asking for their email.
    client.post(reverse("lockout_clear", args=[slug]), {"email": outsider.email})
    assert AccessAttempt.objects.filter(username=outsider.email).exists()
    client.post(reverse("lockout_clear", args=[slug]), {"email": resident.email.upper()})
    assert not AccessAttempt.objects.filter(username=resident.email).exists()
    assert AuditEvent.objects.filter(
        community=cast.community, summary__startswith="Cleared the login lockouts"
    ).exists()


def test_only_administrators_manage_lockouts(client, cast):
    _lock(client, cast.user("resident").email)
    slug = cast.community.slug
    for role in ("coordinator", "resident", "analyst", "partner", "outsider"):
        client.force_login(cast.user(role))
        assert client.get(reverse("lockouts", args=[slug])).status_code in (403, 404)
        client.post(reverse("lockout_clear", args=[slug]), {"email": cast.user("resident").email})
    assert AccessAttempt.objects.filter(username=cast.user("resident").email).exists()
