from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    """Live asset-mapping workshops: participants add assets from their phones through a
    session link, a facilitator tidies the board and publishes it into the register."""

    name = "kampung.workshops"
    label = "workshops"
