"""Logging in, and locking an account after repeated wrong passwords."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

EMAIL = "resident@demo.kampung.test"


def test_it_logs_in_with_email_and_lands_on_the_dashboard(cast, client):
    response = client.post(
        reverse("login"),
        {"username": EMAIL, "password": settings.KAMPUNG_DEMO_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("dashboard", args=[cast.community.slug])


def test_it_locks_the_account_after_repeated_failures(cast, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": EMAIL, "password": "wrong"})
    # Even the right password is refused while the lock lasts.
    response = client.post(
        reverse("login"), {"username": EMAIL, "password": settings.KAMPUNG_DEMO_PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from kampung import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
