from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Needs, offers, strengths profiles and matches. The scoring itself is the plain-
    Python package kampung.matching.core; this app feeds it from the database."""

    name = "kampung.matching"
    label = "matching"
