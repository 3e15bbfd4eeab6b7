from django.apps import AppConfig


class SkillshareConfig(AppConfig):
    """Skill-sharing sessions: one-off or recurring (RFC 5545 RRULE), sign-up, waiting
    lists that move by themselves, attendance credited in the time bank, calendar
    feeds."""

    name = "kampung.skillshare"
    label = "skillshare"

    def ready(self) -> None:
        from kampung.skillshare import reminders  # noqa: F401  (message kind, schedule)
