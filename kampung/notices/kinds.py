"""The kinds of message Kampung sends, each with the choices a member has for it and
the default when they have chosen nothing. Later apps add kinds with `register`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class How(models.TextChoices):
    """How a member is told about one kind of message."""

    SITE = "site", _("Only in Kampung (my Messages page)")
    EMAIL = "email", _("By email straight away, and in Kampung")
    DAILY = "daily", _("In one email a day, and in Kampung")


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    hint: str
    default: str
    choices: tuple[str, ...] = (How.SITE, How.EMAIL, How.DAILY)
    # False: not offered on the choices page (an account's own emails always go).
    choosable: bool = True


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


MATCHING = register(
    Kind(
        "matching",
        _("Requests for help and helpers"),
        _("When you are asked to help, when someone answers, messages about a request."),
        How.SITE,
    )
)
REVIEW_DUE = register(
    Kind(
        "review_due",
        _("Places and groups due a check"),
        _("When something you look after on the map has not been checked for a while."),
        How.EMAIL,
    )
)
WEEKLY_DIGEST = register(
    Kind(
        "weekly_digest",
        _("Weekly round-up of new requests and offers near you"),
        _("One email on Mondays: what neighbours asked for and offered last week."),
        How.SITE,
        # "In Kampung only" means no round-up at all: it is an email or nothing.
        choices=(How.SITE, How.EMAIL),
    )
)

ACCOUNT = register(
    Kind(
        "account",
        _("Your login"),
        _("Password reset links: always by email."),
        How.EMAIL,
        choices=(How.EMAIL,),
        choosable=False,
    )
)
DAILY_EMAIL = register(
    Kind(
        "daily",
        _("One email a day"),
        _("The day's messages of every kind you chose “once a day” for."),
        How.DAILY,
        choices=(How.DAILY,),
        choosable=False,
    )
)


def choosable() -> list[Kind]:
    return [k for k in KINDS.values() if k.choosable]


def kind(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"Unknown kind of message: {code}") from None
