from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Needs, offers, strengths profiles and matches. The scoring itself is the plain-
    Python package kampung.matching.core; this app feeds it from the database."""

    name = "kampung.matching"
    label = "matching"

    def ready(self) -> None:
        # Open requests count in the asset register's gap analysis.
        from kampung.assets.queries import register_request_source
        from kampung.matching.queries import open_need_points

        register_request_source(open_need_points)
        from kampung.matching import (
            digest,  # noqa: F401  (registers the weekly round-up)
            kept,
            signals,
        )

        signals.connect()  # keeps each process's candidate index up to date
        kept.register_jobs()
