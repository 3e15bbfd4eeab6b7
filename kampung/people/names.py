"""Display names: what people are called on every page. A name is stripped and its
whitespace collapsed, and it may not claim a role ("Chen Hui (community developer)"):
roles are shown by the system, as a badge, never by the name a person types."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Role words in every language Kampung ships (English only for now). Staff words are
# refused anywhere in a name; any role word is refused in brackets or after a separator.
STAFF_WORDS = [
    r"community\s+developers?",
    r"coordinators?",
    r"administrators?",
    r"admins?",
    r"staff",
    r"moderators?",
]
ROLE_WORDS = STAFF_WORDS + [r"residents?", r"volunteers?", r"analysts?", r"partners?", r"officers?"]

_STAFF = re.compile(r"\b(?:" + "|".join(STAFF_WORDS) + r")\b", re.IGNORECASE)
_ROLE = r"(?:" + "|".join(ROLE_WORDS) + r")"
_BRACKETED = re.compile(r"[\(\[\{<][^\)\]\}>]*\b" + _ROLE + r"\b", re.IGNORECASE)
_AFTER_SEPARATOR = re.compile(r"[-–—,|:/]\s*" + _ROLE + r"\s*$", re.IGNORECASE)


def normalise(name: str) -> str:
    return " ".join((name or "").split())


def claims_a_role(name: str) -> bool:
    return bool(_STAFF.search(name) or _BRACKETED.search(name) or _AFTER_SEPARATOR.search(name))


def clean_display_name(name: str, *, field: str = "display_name") -> str:
    """The name as stored, or ValidationError naming `field`."""
    name = normalise(name)
    if not name:
        raise ValidationError({field: _("Give a name the person is happy to be called.")})
    if claims_a_role(name):
        raise ValidationError(
            {
                field: _(
                    "A name cannot include a role such as “community developer” or "
                    "“administrator”: the site shows each person's role itself."
                )
            }
        )
    return name
