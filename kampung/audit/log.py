"""Writing audit rows. Changes are recorded by signals for every Kampung model; views of
personal records are recorded explicitly with `record_view`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from kampung.audit.context import current
from kampung.audit.models import AuditEvent

REDACTED = "(changed)"


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    # A stored file or picture (a gift's photo, a fridge report's): the log says there
    # is one, never its bytes or its random name (which is how the photo is reached).
    if isinstance(value, FieldFile):
        return "(a file)" if value else ""
    if isinstance(value, bytes | bytearray | memoryview):
        return f"({len(value)} bytes)"
    return value


def _community_id(instance) -> int | None:
    from kampung.communities.models import Community

    if isinstance(instance, Community):
        return instance.pk
    community_id = getattr(instance, "community_id", None)
    if community_id is None and hasattr(instance, "member"):
        community_id = getattr(instance.member, "community_id", None)
    return community_id


def field_values(instance) -> dict:
    return {f.attname: _plain(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def diff(instance, before: dict | None) -> dict:
    redact = set(getattr(instance, "AUDIT_REDACT", ()))
    after = field_values(instance)
    changes = {}
    for name, new in after.items():
        old = None if before is None else before.get(name)
        if before is not None and old == new:
            continue
        if name in redact:
            changes[name] = REDACTED
        else:
            changes[name] = [old, new] if before is not None else new
    return changes


def record(
    action: str,
    instance=None,
    *,
    summary: str = "",
    changes: dict | None = None,
    community_id: int | None = None,
    actor=None,
) -> AuditEvent:
    who = current()
    return AuditEvent.objects.create(
        actor=actor if actor is not None else who.user,
        on_behalf_of=who.on_behalf_of,
        community_id=community_id
        if community_id is not None
        else (_community_id(instance) if instance is not None else None),
        action=action,
        object_type=instance._meta.label if instance is not None else "",
        object_id=str(instance.pk) if instance is not None else "",
        summary=summary[:300],
        changes=changes or {},
        via=who.via,
    )


def record_view(member, *, viewer=None, reason: str = "") -> AuditEvent:
    """A staff member looked at `member`'s personal record."""
    return record(
        AuditEvent.Action.VIEW,
        member,
        summary=reason or f"Viewed {member.display_name}",
        actor=viewer,
    )


def record_list_view(members, *, viewer, reason: str) -> int:
    """A staff member saw a list showing several people's personal data (balances, say):
    one view event per person shown, so each person's access history is complete.
    The viewer's own row is not logged."""
    seen = {m.pk: m for m in members if m is not None and m.user_id != viewer.pk}
    who = current()
    # One statement however many people are on the page.
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=viewer,
                on_behalf_of=who.on_behalf_of,
                community_id=member.community_id,
                action=AuditEvent.Action.VIEW,
                object_type=member._meta.label,
                object_id=str(member.pk),
                summary=reason[:300],
                changes={},
                via=who.via,
            )
            for member in seen.values()
        ]
    )
    return len(seen)


class LoggedPage:
    """A queryset for django-ninja's @paginate that logs a view of each member on the
    page actually sent (`member_of(row)` gives the row's member, or None)."""

    def __init__(self, queryset, *, viewer, reason: str, member_of):
        self.queryset, self.viewer, self.reason, self.member_of = (
            queryset,
            viewer,
            reason,
            member_of,
        )

    def all(self):
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        rows = self.queryset[index]
        rows = list(rows) if isinstance(index, slice) else [rows]
        record_list_view([self.member_of(r) for r in rows], viewer=self.viewer, reason=self.reason)
        return rows if isinstance(index, slice) else rows[0]
