from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Owns login accounts, members of communities, their roles, consents and API tokens."""

    name = "kampung.people"
    label = "people"

    def ready(self):
        from kampung.people import login  # noqa: F401  (counts failed logins per email)
