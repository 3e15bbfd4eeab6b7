"""Time bank pages: who may open which, recording and confirming an exchange, reversing."""

from __future__ import annotations

import pytest

from kampung.timebank.models import (
    Exchange,
    Transaction,
)
from tests.timebank.helpers import SLUG, _gift, acct, balance, key


@pytest.mark.parametrize(
    "role,path,status",
    [
        ("resident", "", 200),
        ("resident", "exchanges/new/", 200),
        ("resident", "give/", 200),
        ("resident", "statement/", 302),
        ("resident", "ledger/", 403),
        ("resident", "reports/", 403),
        ("resident", "pool/allocate/", 403),
        ("analyst", "reports/", 200),
        ("coordinator", "", 200),
        ("coordinator", "ledger/", 200),
        ("coordinator", "reports/", 200),
        ("coordinator", "pool/allocate/", 200),
        ("outsider", "", 404),
    ],
)
def test_pages_follow_the_rules(cast, login, role, path, status):
    client = login(cast.user(role))
    assert client.get(f"/c/{SLUG}/timebank/{path}").status_code == status


def test_a_member_records_and_the_other_confirms_through_the_pages(cast, people, login):
    volunteer = acct(people["volunteer"])
    client = login(cast.user("resident"))
    form = {
        "idempotency_key": key(),
        "direction": "gave",
        "other_account": volunteer.number.lower().replace("-", ""),
        "hours": "1",
        "minutes": "15",
        "description": "Walked the dog",
        "occurred_on": "2026-01-05",
    }
    assert client.post(f"/c/{SLUG}/timebank/exchanges/new/", form).status_code == 302
    assert client.post(f"/c/{SLUG}/timebank/exchanges/new/", form).status_code == 302  # resent
    exchange = Exchange.objects.get(description="Walked the dog")
    page = login(cast.user("volunteer")).get(f"/c/{SLUG}/timebank/")
    assert "Walked the dog" in page.content.decode()
    before = balance(people["resident"])
    response = login(cast.user("volunteer")).post(
        f"/c/{SLUG}/timebank/exchanges/{exchange.pk}/confirm/", {"idempotency_key": key()}
    )
    assert response.status_code == 302
    assert balance(people["resident"]) == before + 75


def test_the_exchange_form_shows_errors_next_to_the_field(cast, login):
    client = login(cast.user("resident"))
    response = client.post(
        f"/c/{SLUG}/timebank/exchanges/new/",
        {
            "idempotency_key": key(),
            "direction": "gave",
            "other_account": "NOPE-NOPE",
            "hours": "0",
            "minutes": "0",
            "description": "x",
            "occurred_on": "2026-01-05",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"hours"}
    response = client.post(
        f"/c/{SLUG}/timebank/exchanges/new/",
        {
            "idempotency_key": key(),
            "direction": "gave",
            "other_account": "NOPE-NOPE",
            "hours": "1",
            "minutes": "0",
            "description": "x",
            "occurred_on": "2026-01-05",
        },
    )
    assert response.context["form"].errors.keys() == {"other_account"}


def test_a_coordinator_reverses_through_the_page(cast, people, login):
    tx = _gift(cast, people)
    client = login(cast.user("coordinator"))
    url = f"/c/{SLUG}/timebank/transactions/{tx.pk}/"
    assert "Reverse this entry" in client.get(url).content.decode()
    response = client.post(url, {"idempotency_key": key(), "reason": "Entered twice"})
    assert response.status_code == 302
    assert Transaction.objects.get(reverses=tx).reason == "Entered twice"
    assert login(cast.user("resident")).post(url, {"reason": "x"}).status_code == 403
