"""Participants of a workshop are identified by a participant id the server issues and
signs (django.core.signing, with the workshop in the salt), never by a key the client
makes up: a made-up, altered or other workshop's id is refused, so a new key cannot
reset the per-person cap. The signed id carries a random key; only that key is stored on
the items (WorkshopItem.participant)."""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KEY_BYTES = 8  # 16 hex characters; WorkshopItem.participant holds up to 32


def _signer(workshop) -> signing.Signer:
    return signing.Signer(salt=f"kampung.workshops.participant:{workshop.pk}:{workshop.token}")


def issue(workshop) -> str:
    """A new signed participant id for `workshop`."""
    return _signer(workshop).sign(secrets.token_hex(KEY_BYTES))


def key_of(workshop, participant_id: str, field: str = "participant") -> str:
    """The key inside a participant id issued for `workshop`, or ValidationError."""
    try:
        key = _signer(workshop).unsign(participant_id or "")
    except signing.BadSignature:
        raise ValidationError(
            {field: [_("Not a participant id for this workshop: ask for a new one.")]}
        ) from None
    if len(key) != 2 * KEY_BYTES:
        raise ValidationError({field: [_("Not a participant id for this workshop.")]})
    return key


def limit_participants(request, workshop) -> None:
    """New participant ids: so many per address and workshop (kampung.ratelimits)."""
    from django.conf import settings

    from kampung import ratelimits

    ratelimits.limit(
        request,
        group=f"workshop-participants:{workshop.pk}",
        key="ip",
        rate=settings.KAMPUNG_RATE_WORKSHOP_PARTICIPANTS_PER_IP,
    )


def limit_items(request, workshop) -> None:
    """Items added: so many per address and workshop, and a ceiling per workshop."""
    from django.conf import settings

    from kampung import ratelimits

    ratelimits.limit(
        request,
        group=f"workshop-items:{workshop.pk}",
        key="ip",
        rate=settings.KAMPUNG_RATE_WORKSHOP_ITEMS_PER_IP,
    )
    ratelimits.limit(
        request,
        group=f"workshop-items-all:{workshop.pk}",
        key="all",
        rate=settings.KAMPUNG_RATE_WORKSHOP_ITEMS,
    )
