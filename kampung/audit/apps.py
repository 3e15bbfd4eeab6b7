from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Owns the append-only audit log: who did or saw what, when, on whose behalf."""

    name = "kampung.audit"
    label = "audit"

    def ready(self) -> None:
        from kampung.audit import purge, signals  # noqa: F401  (connects their receivers)
