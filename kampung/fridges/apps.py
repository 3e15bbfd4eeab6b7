from django.apps import AppConfig


class FridgesConfig(AppConfig):
    """Community fridges and pantries: reports from anyone with the fridge's link,
    deposits, the food-safety log and the check-and-clean rota."""

    name = "kampung.fridges"
    label = "fridges"
