from django.apps import AppConfig


class AssetsConfig(AppConfig):
    """Owns the community asset register: assets of every category, their tags
    (Open Eligibility service types and the skills list) and their freshness."""

    name = "kampung.assets"
    label = "assets"

    def ready(self) -> None:
        from kampung.assets import reminders, signals  # noqa: F401  (map counts, schedules)
