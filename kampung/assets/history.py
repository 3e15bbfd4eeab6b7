"""An asset's history in words, from its audit rows: "Created by Aisha on 3 Mar 2026",
"Changed Opening times from “Mon 09:00-17:00” to “Mon 09:00-18:00”".

The audit log keeps what changed as the database has it (kampung.audit.signals); this
module only reads those rows. It names what a person filled in, with the words the
asset's page uses, and nothing else: no ids, no bookkeeping columns, and never the value
of a contact detail (only that it changed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampung.assets.hours import format_opening_hours
from kampung.assets.models import Asset, Tag
from kampung.assets.rules import ACCESSIBILITY
from kampung.audit.log import REDACTED
from kampung.audit.models import AuditEvent
from kampung.communities.models import Organisation
from kampung.people.models import Member
from kampung.people.skills import LANGUAGE_NAMES

# What a change to each field is called. Only these fields are told; anything else the
# row holds (id, community, timestamps, import fingerprints, review dates) is bookkeeping.
LABELS = {
    "name": gettext_lazy("Name"),
    "category": gettext_lazy("Kind"),
    "subtype": gettext_lazy("More precisely"),
    "description": gettext_lazy("Description"),
    "location_kind": gettext_lazy("Where"),
    "opening_hours": gettext_lazy("Opening times"),
    "capacity": gettext_lazy("How many people it can take"),
    "accessibility": gettext_lazy("Accessibility"),
    "languages": gettext_lazy("Languages"),
    "cost": gettext_lazy("Cost"),
    "visibility": gettext_lazy("Who can see it"),
    "status": gettext_lazy("Status"),
    "steward_member_id": gettext_lazy("Looked after by"),
    "steward_organisation_id": gettext_lazy("Looked after by (organisation)"),
}
# Ways to reach someone: said to have changed, never shown (old rows may hold values).
CONTACT_FIELDS = {"contact", "phone", "email"}
PLACE_FIELDS = {"lat", "lng"}
# Written together when someone confirms the asset is still right (verify_asset).
CHECK_FIELDS = {"last_verified_at", "last_verified_by_id", "review_due"}
LONGEST = 80  # characters of a value shown; a description is cut with "…"


# One save writes several rows (the fields, then the tags removed and added): rows by the
# same person this close together are told as one entry.
SAME_SAVE = timedelta(seconds=5)


@dataclass
class Entry:
    at: datetime
    headline: str
    lines: list[str] = field(default_factory=list)
    by: tuple = ()  # who wrote it (actor id, on behalf of id): to join rows of one save
    checked: bool = False
    tags_only: bool = False  # written by the tags being set, just after the asset's save


@dataclass
class _Names:
    """Names of the people, organisations and tags the rows point to, looked up once."""

    members: dict[int, str]
    organisations: dict[int, str]
    tags: dict[int, str]

    @classmethod
    def of(cls, events: list[AuditEvent]) -> _Names:
        wanted: dict[str, set[int]] = {"members": set(), "organisations": set(), "tags": set()}
        for event in events:
            for name, value in event.changes.items():
                values = value if isinstance(value, list) else [value]
                ids = {v for v in values if isinstance(v, int)}
                if name == "steward_member_id":
                    wanted["members"] |= ids
                elif name == "steward_organisation_id":
                    wanted["organisations"] |= ids
                elif isinstance(value, dict):  # tags added or removed
                    wanted["tags"] |= {
                        pk for pks in value.values() for pk in pks if isinstance(pk, int)
                    }
        return cls(
            dict(Member.objects.filter(pk__in=wanted["members"]).values_list("pk", "display_name")),
            dict(
                Organisation.objects.filter(pk__in=wanted["organisations"]).values_list(
                    "pk", "name"
                )
            ),
            dict(Tag.objects.filter(pk__in=wanted["tags"]).values_list("pk", "title")),
        )


def _who(event: AuditEvent) -> str:
    user = event.actor
    who = (user.display_name if user is not None else "") or (
        _("someone") if user is not None else _("Kampung")
    )
    if event.on_behalf_of is not None:
        who = _("%(who)s for %(whom)s") % {"who": who, "whom": event.on_behalf_of.display_name}
    return who


def _day(at: datetime) -> str:
    return formats.date_format(timezone.localtime(at), "j M Y")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LONGEST else text[: LONGEST - 1].rstrip() + "…"


def _words(name: str, value, names: _Names) -> str:
    """A stored value as the asset's page would show it ("" when there is none)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "steward_member_id":
        return names.members.get(value, _("someone no longer listed"))
    if name == "steward_organisation_id":
        return names.organisations.get(value, _("an organisation no longer listed"))
    if name == "opening_hours" and isinstance(value, list):
        try:
            return format_opening_hours(value)
        except (KeyError, TypeError, ValueError):
            return _("other times")
    if name == "languages" and isinstance(value, list):
        return ", ".join(str(LANGUAGE_NAMES.get(v, v)) for v in value)
    if name == "accessibility" and isinstance(value, list):
        return ", ".join(_(ACCESSIBILITY.get(v, v)) for v in value)
    model_field = Asset._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return _short(str(value))


def _field_line(name: str, change, names: _Names) -> str | None:
    label = LABELS[name]
    if change == REDACTED or not isinstance(change, list) or len(change) != 2:
        return _("%(what)s changed") % {"what": label}
    old, new = (_words(name, v, names) for v in change)
    if old == new:
        return None
    if not old:
        return _("Added %(what)s: “%(new)s”") % {"what": label, "new": new}
    if not new:
        return _("Removed %(what)s (it was “%(old)s”)") % {"what": label, "old": old}
    return _("Changed %(what)s from “%(old)s” to “%(new)s”") % {
        "what": label,
        "old": old,
        "new": new,
    }


def _place_line(changes: dict) -> str | None:
    moved = {n: changes[n] for n in PLACE_FIELDS if n in changes}
    if not moved:
        return None
    pairs = [v for v in moved.values() if isinstance(v, list) and len(v) == 2]
    if pairs and all(old is None for old, _new in pairs):
        return _("Marked the place on the map")
    if pairs and all(new is None for _old, new in pairs):
        return _("Took it off the map")
    return _("Moved the place on the map")


def _tag_lines(changes: dict, names: _Names) -> list[str]:
    lines = []
    for value in changes.values():
        if not isinstance(value, dict):
            continue
        for how, pks in value.items():
            titles = sorted(names.tags.get(pk, _("a tag no longer listed")) for pk in pks)
            if how == "clear":
                lines.append(_("Removed all tags"))
            elif titles and how == "add":
                lines.append(_("Added tags: %(tags)s") % {"tags": ", ".join(titles)})
            elif titles and how == "remove":
                lines.append(_("Removed tags: %(tags)s") % {"tags": ", ".join(titles)})
    return lines


def _lines(changes: dict, names: _Names) -> list[str]:
    lines = []
    for name, change in changes.items():
        if name in LABELS:
            line = _field_line(name, change, names)
            if line:
                lines.append(line)
    place = _place_line(changes)
    if place:
        lines.append(place)
    if any(name in CONTACT_FIELDS for name in changes):
        lines.append(_("Contact details changed"))
    return lines + _tag_lines(changes, names)


def in_words(events) -> list[Entry]:
    """The asset's audit rows (newest first) as entries a person can read. A row that
    changed only bookkeeping says nothing and is left out."""
    events = list(events)
    names = _Names.of(events)
    entries: list[Entry] = []
    for event in events:
        who, day = _who(event), _day(event.at)
        by = (event.actor_id, event.on_behalf_of_id)
        if event.action == AuditEvent.Action.CREATE:
            headline = _("Created by %(who)s on %(day)s") % {"who": who, "day": day}
            entry = Entry(event.at, headline, by=by)
        elif event.action == AuditEvent.Action.DELETE:
            headline = _("Removed by %(who)s on %(day)s") % {"who": who, "day": day}
            entry = Entry(event.at, headline, by=by)
        elif event.action == AuditEvent.Action.UPDATE:
            lines = _lines(event.changes, names)
            if lines:
                headline = _("Changed by %(who)s on %(day)s") % {"who": who, "day": day}
                tags_only = all(isinstance(v, dict) for v in event.changes.values())
                entry = Entry(event.at, headline, lines, by=by, tags_only=tags_only)
            elif CHECK_FIELDS & set(event.changes):
                headline = _("Checked by %(who)s on %(day)s: still right") % {
                    "who": who,
                    "day": day,
                }
                entry = Entry(event.at, headline, by=by, checked=True)
            else:
                continue
        else:
            continue
        newer = entries[-1] if entries else None
        if (
            newer is not None
            and newer.by == by
            and newer.tags_only
            and not entry.checked
            and newer.at - entry.at <= SAME_SAVE
        ):
            # The tags were set as part of this save: told under its headline.
            entries[-1] = Entry(
                entry.at,
                entry.headline,
                entry.lines + newer.lines,
                by=by,
                tags_only=entry.tags_only,
            )
        else:
            entries.append(entry)
    return entries
