"""Finding 16 (issue 12): the idempotency contract is Stripe's. The first result of a
key is kept, refusals included: the same key and body replay it (a success or the same
refusal, even if the request would now succeed); the same key with a different body
is refused with 409. Runs on SQLite and PostgreSQL, where a transfer's key is claimed
inside the statement that locks the accounts."""

from __future__ import annotations

import pytest

from kampung.timebank import actions
from kampung.timebank.models import IdempotencyKey, Posting
from tests.timebank.helpers import SLUG, acct, balance, key

API = f"/api/v1/communities/{SLUG}/timebank"


def _give(cast, people, minutes, k):
    return actions.give_credits(
        by=cast.user("resident"),
        community=cast.community,
        to_account=acct(people["volunteer"]),
        minutes=minutes,
        idempotency_key=k,
    )


def _available(member) -> int:
    account = acct(member)
    return account.balance - account.lower_limit


def test_a_refused_transfer_keeps_its_key_and_replays_the_refusal(cast, people):
    k = key()
    too_much = _available(people["resident"]) + 30
    with pytest.raises(actions.InsufficientCredits) as first:
        _give(cast, people, too_much, k)
    assert IdempotencyKey.objects.filter(key=k).exists()
    # Now the resident could afford it: the retry still gets the original refusal.
    actions.allocate_from_pool(
        by=cast.user("coordinator"),
        community=cast.community,
        to_account=acct(people["resident"]),
        minutes=40,
        reason="Top up",
        idempotency_key=key(),
    )
    count, before = Posting.objects.count(), balance(people["resident"])
    with pytest.raises(actions.InsufficientCredits) as again:
        _give(cast, people, too_much, k)
    assert again.value.message_dict == first.value.message_dict
    assert Posting.objects.count() == count and balance(people["resident"]) == before


def test_a_refused_key_with_a_different_body_is_a_conflict(cast, people):
    k = key()
    with pytest.raises(actions.InsufficientCredits):
        _give(cast, people, _available(people["resident"]) + 30, k)
    with pytest.raises(actions.IdempotencyConflict):
        _give(cast, people, 5, k)


def test_a_refusal_in_the_work_before_posting_is_kept_too(cast, people):
    k = key()
    with pytest.raises(actions.LedgerError) as first:
        _give(cast, people, 0, k)
    with pytest.raises(actions.LedgerError) as again:
        _give(cast, people, 0, k)
    assert first.value.message_dict == again.value.message_dict
    with pytest.raises(actions.IdempotencyConflict):
        _give(cast, people, 5, k)


def test_a_success_replays(cast, people):
    k = key()
    tx = _give(cast, people, 5, k)
    count = Posting.objects.count()
    assert _give(cast, people, 5, k).pk == tx.pk
    assert Posting.objects.count() == count
    with pytest.raises(actions.IdempotencyConflict):
        _give(cast, people, 6, k)


def test_a_refused_exchange_confirmation_replays_its_refusal(cast, people):
    exchange = actions.record_exchange(
        by=cast.user("resident"),
        community=cast.community,
        provider=people["resident"],
        receiver=people["volunteer"],
        minutes=30,
        description="Fixed a shelf",
        idempotency_key=key(),
    )
    k = key()
    with pytest.raises(actions.LedgerError):  # the resident confirmed already
        actions.confirm_exchange(by=cast.user("resident"), exchange=exchange, idempotency_key=k)
    row = IdempotencyKey.objects.get(key=k)
    assert row.error_code and row.transaction_id is None


def test_the_api_replays_a_refusal_with_the_same_body_and_status(cast, people, login):
    client = login(cast.user("resident"))
    body = {
        "idempotency_key": key(),
        "to_account": acct(people["volunteer"]).number,
        "minutes": _available(people["resident"]) + 30,
    }
    first = client.post(f"{API}/gifts", body, content_type="application/json")
    again = client.post(f"{API}/gifts", body, content_type="application/json")
    assert first.status_code == again.status_code == 422
    assert first.json() == again.json()
    other = client.post(f"{API}/gifts", {**body, "minutes": 1}, content_type="application/json")
    assert other.status_code == 409


def test_the_api_documents_the_contract(client):
    schema = client.get("/api/v1/openapi.json").json()
    text = str(schema["components"]["schemas"]["GiftIn"]["properties"]["idempotency_key"])
    assert "refus" in text
