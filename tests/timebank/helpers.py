"""Shared helpers for the time bank tests."""

from __future__ import annotations

import uuid

from kampung.timebank import actions
from kampung.timebank.models import Account

SLUG = "kampung-seri-mawar"


def key() -> str:
    return uuid.uuid4().hex


def acct(member) -> Account:
    return actions.account_for_member(member)


def balance(member) -> int:
    return Account.objects.get(member=member).balance


def field_of(exc_info) -> list[str]:
    return list(exc_info.value.message_dict)


def _exchange(cast, people, minutes=90, by="resident"):
    return actions.record_exchange(
        by=cast.user(by),
        community=cast.community,
        provider=people["resident"],
        receiver=people["volunteer"],
        minutes=minutes,
        description="Helped move a wardrobe",
        idempotency_key=key(),
    )


def _gift(cast, people, minutes=20, k=None):
    return actions.give_credits(
        by=cast.user("resident"),
        community=cast.community,
        to_account=acct(people["volunteer"]),
        minutes=minutes,
        idempotency_key=k or key(),
    )
