from django.apps import AppConfig


class TimebankConfig(AppConfig):
    """Owns the time bank: accounts, exchanges, group sessions and the double-entry
    ledger (transactions and their immutable postings)."""

    name = "kampung.timebank"
    label = "timebank"
    verbose_name = "Time bank"
