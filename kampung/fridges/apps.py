from django.apps import AppConfig


class FridgesConfig(AppConfig):
    """Community fridges and pantries: reports from anyone with the fridge's link,
    deposits, the food-safety log and the check-and-clean rota."""

    name = "kampung.fridges"
    label = "fridges"

    def ready(self) -> None:
        from kampung.fridges import jobs  # noqa: F401  (kinds of message, schedules)
