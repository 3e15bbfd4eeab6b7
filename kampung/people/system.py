"""The system's own user: who the demo seeder, scheduled jobs and imports act as when
no person does. It cannot log in."""

from __future__ import annotations

from kampung.people.models import User

SYSTEM_EMAIL = "system@kampung.invalid"


def system_user() -> User:
    user, created = User.objects.get_or_create(
        email=SYSTEM_EMAIL, defaults={"display_name": "Kampung", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
