"""The time bank API: record, confirm, give, name the field at fault, keep statements
to their people, and work behind a transaction pooler."""

from __future__ import annotations

import pytest
from django.db import connection

from kampung.timebank.models import (
    Posting,
)
from tests.timebank.helpers import SLUG, _gift, acct, key

API = f"/api/v1/communities/{SLUG}/timebank"


def test_the_api_records_confirms_and_gives(cast, people, login):
    resident = login(cast.user("resident"))
    me = resident.get(f"{API}/me").json()
    volunteer = acct(people["volunteer"])
    body = {
        "idempotency_key": key(),
        "provider": me["number"],
        "receiver": volunteer.number,
        "minutes": 30,
        "description": "Read letters aloud",
    }
    created = resident.post(f"{API}/exchanges", body, content_type="application/json")
    assert created.status_code == 201, created.content
    again = resident.post(f"{API}/exchanges", body, content_type="application/json")
    assert again.json()["id"] == created.json()["id"]
    conflict = resident.post(
        f"{API}/exchanges", {**body, "minutes": 31}, content_type="application/json"
    )
    assert conflict.status_code == 409
    assert "idempotency_key" in conflict.json()["error"]["fields"]
    vol = login(cast.user("volunteer"))
    confirmed = vol.post(
        f"{API}/exchanges/{created.json()['id']}/confirm",
        {"idempotency_key": key()},
        content_type="application/json",
    )
    assert confirmed.json()["status"] == "posted"
    resident = login(cast.user("resident"))  # the test client is shared: log back in
    gift = resident.post(
        f"{API}/gifts",
        {"idempotency_key": key(), "to_account": "pool", "minutes": 5},
        content_type="application/json",
    )
    assert gift.status_code == 201 and len(gift.json()["postings"]) == 2
    lines = resident.get(f"{API}/accounts/{me['number']}/statement").json()
    assert lines["items"][0]["amount_minutes"] == -5


@pytest.mark.parametrize(
    "minutes,field", [(0, "minutes"), (-3, "minutes"), (1.5, "minutes"), ("", "minutes")]
)
def test_the_api_names_the_field_for_bad_amounts(cast, people, login, minutes, field):
    client = login(cast.user("resident"))
    count = Posting.objects.count()
    response = client.post(
        f"{API}/gifts",
        {
            "idempotency_key": key(),
            "to_account": acct(people["volunteer"]).number,
            "minutes": minutes,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert Posting.objects.count() == count


def test_the_api_keeps_statements_and_staff_actions_to_their_people(cast, people, login):
    other = acct(people["volunteer"])
    resident = login(cast.user("resident"))
    assert resident.get(f"{API}/accounts/{other.number}/statement").status_code == 403
    tx = _gift(cast, people)
    response = resident.post(
        f"{API}/transactions/{tx.pk}/reverse",
        {"idempotency_key": key(), "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    outsider = login(cast.user("outsider"))
    assert outsider.get(f"{API}/me").status_code == 404
    schema = resident.get("/api/v1/openapi.json").json()
    assert "/api/v1/communities/{slug}/timebank/gifts" in schema["paths"]
    assert login(cast.user("analyst")).get(f"{API}/reports").json()["minutes_exchanged"] > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pooler", [True, False])
def test_behind_a_transaction_pooler_nothing_is_prepared(cast, people, monkeypatch, pooler):
    """DB_DISABLE_SERVER_SIDE_CURSORS=true (PgBouncer in transaction mode): transfers
    still work, and no statement is prepared on the server. Without it, the hot path's
    statements are prepared (which is what this test would notice)."""
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", pooler)
    connection.close()  # a fresh session: nothing prepared yet
    for _ in range(8):  # more than psycopg's prepare threshold
        _gift(cast, people, minutes=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        prepared = cursor.fetchone()[0]
    assert (prepared == 0) if pooler else (prepared > 0)
