from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Gift and take: members pass on pre-loved items (listings, requests, handovers,
    photos without metadata); a shop can hold listings for donors."""

    name = "kampung.sharing"
    label = "sharing"

    def ready(self) -> None:
        # Registers the "gifts" kind of message and the expiry schedule.
        from kampung.sharing import schedule  # noqa: F401
