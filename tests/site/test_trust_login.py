"""Logging in under attack: lockouts per (account, address) that cannot be turned against
the owner, a per-account ceiling that only slows, a password reset that unlocks, rate
limits, failed logins shown to the account's community administrators, and emails that
log in whatever their capitals."""

from __future__ import annotations

import re

from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from kampung.audit.models import AuditEvent

EMAIL = "resident@demo.kampung.test"
RIGHT = settings.KAMPUNG_DEMO_PASSWORD


def _try(client, email, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_logs_in_whatever_the_capitals_of_the_email(cast, client):
    _try(client, "  Resident@Demo.Kampung.Test ", RIGHT)
    assert _logged_in(client)
    assert int(client.session["_auth_user_id"]) == cast.user("resident").pk


def test_a_lockout_from_one_address_does_not_lock_the_owner_out_elsewhere(cast, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, EMAIL, "wrong", ip="203.0.113.9")
    assert _try(client, EMAIL, RIGHT, ip="203.0.113.9").status_code == 429
    assert not _logged_in(client)
    _try(client, EMAIL, RIGHT, ip="198.51.100.4")
    assert _logged_in(client)


def test_a_locked_persons_tries_do_not_renew_their_lock(cast, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, EMAIL, "wrong")
    locked_at = AccessAttempt.objects.get(username=EMAIL).attempt_time
    for password in ("wrong", RIGHT, RIGHT):
        assert _try(client, EMAIL, password).status_code == 429
    assert AccessAttempt.objects.get(username=EMAIL).attempt_time == locked_at


def test_the_lockout_page_offers_the_password_reset(cast, client):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = _try(client, EMAIL, "wrong")
    assert response.status_code == 429
    assert reverse("password_reset") in response.content.decode()


@override_settings(KAMPUNG_LOGIN_SLOW_AFTER=6)
def test_many_addresses_only_slow_an_account_never_lock_its_owner_out(cast, client):
    for i in range(6):
        _try(client, EMAIL, "wrong", ip=f"192.0.2.{i}")
    # Past the ceiling one try goes through per interval; the right password from a new
    # address logs in when its turn comes.
    _try(client, EMAIL, RIGHT, ip="198.51.100.77")
    assert _logged_in(client)
    client.logout()
    slowed = _try(client, EMAIL, "wrong", ip="198.51.100.78")
    assert slowed.status_code == 429
    assert int(slowed["Retry-After"]) <= settings.KAMPUNG_LOGIN_SLOW_SECONDS
    assert "wait" in slowed.content.decode().lower()


def test_login_posts_are_rate_limited_per_address(cast, client):
    for i in range(20):
        assert _try(client, f"nobody{i}@example.org", "x", ip="192.0.2.200").status_code == 200
    refused = _try(client, "nobody-else@example.org", "x", ip="192.0.2.200")
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert "Please wait" in refused.content.decode()
    # Another address is not affected.
    assert _try(client, "nobody@example.org", "x", ip="192.0.2.201").status_code == 200


def test_failed_logins_show_in_the_account_communities_audit_logs(cast, client):
    known = _try(client, EMAIL, "wrong")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).get()
    assert event.community_id == cast.community.pk
    unknown = _try(client, "nobody@example.org", "wrong")
    stranger = AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, summary__contains="nobody@example.org"
    ).get()
    assert stranger.community_id is None
    # The person trying cannot tell a real email from an unknown one.
    token = re.compile(rb"[A-Za-z0-9]{40,}")
    assert known.status_code == unknown.status_code == 200
    assert token.sub(b"", known.content).replace(EMAIL.encode(), b"E") == token.sub(
        b"", unknown.content
    ).replace(b"nobody@example.org", b"E")


def test_a_failed_login_is_recorded_once_per_community_of_the_account(cast, client):
    from kampung.people.models import Member, Role

    Member.objects.create(
        community=cast.other,
        user=cast.user("resident"),
        display_name="Same person",
        role=Role.RESIDENT,
    )
    _try(client, EMAIL, "wrong")
    communities = set(
        AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).values_list(
            "community_id", flat=True
        )
    )
    assert communities == {cast.community.pk, cast.other.pk}


def _ask_reset(client, email):
    """Ask for a reset link; the email leaves through its background task once the
    request's transaction commits (the test database never commits, so run it here)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def _reset_link(client, email):
    _ask_reset(client, email)
    assert len(mail.outbox) == 1
    return re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)


def test_a_password_reset_unlocks_the_account(cast, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, EMAIL, "wrong")
    assert AccessAttempt.objects.filter(username=EMAIL).exists()
    link = _reset_link(client, "Resident@demo.kampung.test")
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.request["PATH_INFO"],
        {"new_password1": "a new long phrase 2026", "new_password2": "a new long phrase 2026"},
        follow=True,
    )
    assert done.status_code == 200 and "password has been changed" in done.content.decode()
    assert not AccessAttempt.objects.filter(username=EMAIL).exists()
    _try(client, EMAIL, "a new long phrase 2026")
    assert _logged_in(client)


def test_a_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(cast, client):
    known = _ask_reset(client, EMAIL)
    unknown = _ask_reset(client, "no@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_reset_requests_are_rate_limited_per_address_and_email(cast, client):
    for _ in range(5):
        _ask_reset(client, EMAIL)
    refused = _ask_reset(client, EMAIL)
    assert refused.status_code == 429 and refused["Retry-After"]
    assert len(mail.outbox) == 5
