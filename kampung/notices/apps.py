from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """Messages to members (in the site and by email), their choices of how to be told,
    background tasks and the schedules that run by themselves."""

    name = "kampung.notices"
    label = "notices"
    verbose_name = "Messages and background work"

    def ready(self) -> None:
        from kampung.notices import jobs  # noqa: F401  (registers this app's schedules)
