"""Reversals, replayed idempotency keys, and bad transfers refused naming the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kampung.timebank import actions
from kampung.timebank.models import (
    Posting,
    Transaction,
)
from tests.timebank.helpers import _gift, acct, balance, field_of, key


def test_a_reversal_negates_the_original_links_it_and_keeps_the_reason(cast, people):
    before = balance(people["resident"])
    original = _gift(cast, people)
    reversal = actions.reverse_transaction(
        by=cast.user("coordinator"), original=original, reason="Wrong person", idempotency_key=key()
    )
    assert reversal.reverses == original and reversal.reason == "Wrong person"
    assert balance(people["resident"]) == before
    assert Transaction.objects.get(pk=original.pk).description == original.description
    with pytest.raises(actions.LedgerError) as err:
        actions.reverse_transaction(
            by=cast.user("coordinator"), original=original, reason="again", idempotency_key=key()
        )
    assert field_of(err) == ["transaction"]
    with pytest.raises(actions.LedgerError):
        actions.reverse_transaction(
            by=cast.user("coordinator"), original=reversal, reason="undo", idempotency_key=key()
        )
    with pytest.raises(PermissionDenied):
        actions.reverse_transaction(
            by=cast.user("resident"), original=original, reason="mine", idempotency_key=key()
        )


def test_a_replayed_key_returns_the_original_and_a_changed_body_is_refused(cast, people):
    k = key()
    first = _gift(cast, people, 20, k)
    count = Posting.objects.count()
    assert _gift(cast, people, 20, k).pk == first.pk
    assert Posting.objects.count() == count
    with pytest.raises(actions.IdempotencyConflict) as err:
        _gift(cast, people, 25, k)
    assert field_of(err) == ["idempotency_key"]
    assert Posting.objects.count() == count


@pytest.mark.parametrize("minutes", [0, -5, 1.5, True, "10", None, 100 * 60 + 1])
def test_bad_amounts_are_refused_naming_the_field_and_post_nothing(cast, people, minutes):
    count = Posting.objects.count()
    with pytest.raises(actions.LedgerError) as err:
        _gift(cast, people, minutes)
    assert field_of(err) == ["minutes"]
    assert Posting.objects.count() == count


def test_other_bad_transfers_are_refused_naming_the_field(cast, people):
    count = Posting.objects.count()
    with pytest.raises(actions.LedgerError) as err:
        actions.give_credits(
            by=cast.user("resident"),
            community=cast.community,
            to_account=acct(people["resident"]),
            minutes=10,
            idempotency_key=key(),
        )
    assert field_of(err) == ["to_account"]
    with pytest.raises(actions.LedgerError) as err:
        actions.find_account("ZZZZ-ZZZZ")
    assert field_of(err) == ["to_account"]
    closed = actions.close_account(by=cast.user("coordinator"), account=acct(people["volunteer"]))
    with pytest.raises(actions.AccountClosed) as err:
        _gift(cast, people)
    assert field_of(err) == ["to_account"]
    assert not closed.is_open
    with pytest.raises(actions.InsufficientCredits) as err:
        actions.give_credits(
            by=cast.user("resident"),
            community=cast.community,
            to_account=acct(people["nodevice"]),
            minutes=acct(people["resident"]).available_minutes + 1,
            idempotency_key=key(),
        )
    assert field_of(err) == ["minutes"]
    target = acct(people["nodevice"])
    actions.set_limits(
        by=cast.user("coordinator"), account=target, lower_limit=-600, upper_limit=target.balance
    )
    with pytest.raises(actions.LimitExceeded) as err:
        actions.give_credits(
            by=cast.user("resident"),
            community=cast.community,
            to_account=target,
            minutes=1,
            idempotency_key=key(),
        )
    assert field_of(err) == ["to_account"]
    with pytest.raises(actions.LedgerError) as err:
        actions.give_credits(
            by=cast.user("resident"),
            community=cast.community,
            to_account=acct(people["nodevice"]),
            minutes=10,
            idempotency_key="",
        )
    assert field_of(err) == ["idempotency_key"]
    assert Posting.objects.count() == count


def test_an_exchange_across_communities_is_refused(cast, people):
    with pytest.raises(actions.LedgerError) as err:
        actions.record_exchange(
            by=cast.user("resident"),
            community=cast.community,
            provider=people["resident"],
            receiver=people["wendy"],
            minutes=10,
            description="x",
            idempotency_key=key(),
        )
    assert field_of(err) == ["receiver"]
