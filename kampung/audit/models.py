"""The audit log. Rows are only ever inserted: the model refuses updates and deletes, and
a database trigger (see migration 0002) refuses them too, on SQLite and PostgreSQL."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kampung.appendonly import AppendOnlyError, AppendOnlyModel

__all__ = ["AppendOnlyError", "AuditEvent"]


class AuditEvent(AppendOnlyModel):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        VIEW = "view", _("Viewed a personal record")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # The log outlives what it describes: deleting a person or community must not rewrite
    # history, so these keep the id without a database constraint or cascade.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        "people.Member",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    via = models.CharField(max_length=16, blank=True, help_text="web, api, cli or admin")

    append_only_message = "the audit log is append-only"

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["community", "-at"]),
        ]

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor} {self.action} {self.object_type}:{self.object_id}"
