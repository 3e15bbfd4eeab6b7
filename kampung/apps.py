from django.apps import AppConfig


class KampungConfig(AppConfig):
    """The project package: base templates, dashboard, CLI commands and static files."""

    name = "kampung"
    verbose_name = "Kampung"
