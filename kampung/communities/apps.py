from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    """Owns communities (place-based areas) and the organisations working in them."""

    name = "kampung.communities"
    label = "communities"
