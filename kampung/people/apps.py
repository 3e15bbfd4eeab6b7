from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Owns login accounts, members of communities, their roles, consents and API tokens."""

    name = "kampung.people"
    label = "people"
