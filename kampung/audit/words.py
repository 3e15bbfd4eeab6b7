"""The audit log in words for the people who read it (administrators, not programmers):
"Request", not "matching.Need"; "Status: Open → Met", not {"status": ["open", "met"]};
"on the website", not "web". Reads rows only; never shows a redacted value, and leaves
out bookkeeping columns (row numbers, timestamps, fingerprints)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampung.audit.log import REDACTED

VIA = {
    "web": gettext_lazy("on the website"),
    "api": gettext_lazy("through a connected program"),
    "cli": gettext_lazy("from the command line"),
    "admin": gettext_lazy("in the admin pages"),
}
# What can be filtered by, in the order an administrator looks for it.
FILTERABLE = [
    "people.Member",
    "people.Consent",
    "people.BackgroundCheck",
    "matching.Need",
    "matching.Offer",
    "matching.Match",
    "assets.Asset",
    "workshops.Workshop",
    "timebank.Account",
    "timebank.Exchange",
    "communities.Community",
    "communities.Organisation",
]
# Where the model's own name is not the word people use on the pages.
NAMES = {
    "matching.Need": gettext_lazy("Request for help"),
    "matching.Offer": gettext_lazy("Offer of help"),
    "matching.Match": gettext_lazy("Suggested helper"),
    "matching.MatchMessage": gettext_lazy("Message about a request"),
    "people.User": gettext_lazy("Login"),
    "people.Member": gettext_lazy("Person"),
}
LONGEST = 80
BOOKKEEPING_SUFFIXES = ("_at", "_fingerprint", "_hash", "_key")
BOOKKEEPING = {"id", "community_id", "password", "search", "version"}
# Ways to reach a person: the log says they changed, never what they are.
CONTACTS = {"phone", "email", "contact", "address", "postcode"}


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def kind_of_record(object_type: str) -> str:
    if object_type in NAMES:
        return str(NAMES[object_type])
    model = _model(object_type)
    if model is None:
        return object_type or _("Kampung")
    return capfirst(str(model._meta.verbose_name))


def record_types() -> list[tuple[str, str]]:
    return [(t, kind_of_record(t)) for t in FILTERABLE if _model(t) is not None]


def via_words(via: str) -> str:
    return str(VIA.get(via, via))


def _value(field: models.Field | None, value) -> str:
    if value is None or value == "" or value == []:
        return _("nothing")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        when = parse_datetime(value) if len(value) > 10 else None
        day = parse_date(value[:10]) if when is None else None
        if when is not None:
            return formats.date_format(
                timezone.localtime(when) if timezone.is_aware(when) else when, "j M Y, H:i"
            )
        if day is not None:
            return formats.date_format(day, "j M Y")
    if isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {v}" for k, v in value.items())
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= LONGEST else text[: LONGEST - 1].rstrip() + "…"


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        for f in model._meta.concrete_fields:
            if f.attname == name:
                return f
    return None


def change_lines(event) -> list[str]:
    """One line per field a person would recognise: "Status: Open → Met"."""
    model = _model(event.object_type)
    lines = []
    for name, value in (event.changes or {}).items():
        if name in BOOKKEEPING or name.endswith(BOOKKEEPING_SUFFIXES):
            continue
        if event.action == "create" and value in (None, "", [], {}):
            continue  # nothing was filled in: nothing to tell
        field = _field(model, name)
        label = capfirst(str(field.verbose_name)) if field is not None else name.replace("_", " ")
        if value == REDACTED or name in CONTACTS:
            lines.append(_("%(field)s: changed (not shown)") % {"field": label})
        elif isinstance(field, models.ForeignKey) or name.endswith("_id"):
            lines.append(_("%(field)s: changed") % {"field": label})
        elif isinstance(value, list) and len(value) == 2 and event.action == "update":
            old, new = value
            lines.append(
                _("%(field)s: %(old)s → %(new)s")
                % {"field": label, "old": _value(field, old), "new": _value(field, new)}
            )
        elif isinstance(value, dict) and set(value) <= {"added", "removed", "cleared"}:
            lines.append(_("%(field)s: changed") % {"field": label})
        else:
            lines.append(
                _("%(field)s: %(value)s") % {"field": label, "value": _value(field, value)}
            )
    return lines
