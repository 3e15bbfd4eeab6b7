"""Finding 14 (issue 12), the time bank's part: amounts in the API are strict whole
numbers (no true, no "60", no 60.0), and an exchange cannot be dated far in the past."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kampung.timebank import actions
from kampung.timebank.models import Exchange, Posting
from tests.timebank.helpers import SLUG, acct, key

API = f"/api/v1/communities/{SLUG}/timebank"


@pytest.mark.parametrize("minutes", [True, False, "60", 60.0, 6001])
def test_a_gift_refuses_loose_minutes(cast, people, login, minutes):
    client = login(cast.user("resident"))
    count = Posting.objects.count()
    response = client.post(
        f"{API}/gifts",
        {"idempotency_key": key(), "to_account": "pool", "minutes": minutes},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "minutes" in response.json()["error"]["fields"]
    assert Posting.objects.count() == count


@pytest.mark.parametrize(
    "path,body",
    [
        ("exchanges", {"provider": "x", "receiver": "y", "description": "d"}),
        ("pool/allocations", {"to_account": "x", "reason": "r"}),
        ("sessions", {"title": "t", "host": 1, "attendees": [2], "basis": "per_host"}),
    ],
)
def test_every_write_refuses_true_as_minutes(cast, login, path, body):
    client = login(cast.user("coordinator"))
    response = client.post(
        f"{API}/{path}",
        {"idempotency_key": key(), "minutes": True, **body},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "minutes" in response.json()["error"]["fields"]


def test_member_ids_are_strict_too(cast, login, people):
    client = login(cast.user("coordinator"))
    response = client.post(
        f"{API}/gifts",
        {
            "idempotency_key": key(),
            "to_account": "pool",
            "minutes": 5,
            "giver": str(people["nodevice"].pk),
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and "giver" in response.json()["error"]["fields"]


def test_the_schema_documents_the_bounds(client):
    schema = client.get("/api/v1/openapi.json").json()
    gift = schema["components"]["schemas"]["GiftIn"]["properties"]["minutes"]
    assert gift.get("exclusiveMinimum") == 0 and gift.get("maximum") == 6000


@pytest.mark.parametrize("date", ["0001-01-01", "2000-06-01"])
def test_an_exchange_dated_long_ago_is_refused_naming_the_date(cast, people, login, date):
    client = login(cast.user("resident"))
    response = client.post(
        f"{API}/exchanges",
        {
            "idempotency_key": key(),
            "provider": acct(people["resident"]).number,
            "receiver": acct(people["volunteer"]).number,
            "minutes": 30,
            "description": "Long ago",
            "date": date,
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["date"]
    assert not Exchange.objects.filter(description="Long ago").exists()


def test_the_action_refuses_a_date_over_a_year_back_but_takes_one_within(cast, people):
    today = timezone.localdate()
    with pytest.raises(actions.LedgerError) as err:
        actions.record_exchange(
            by=cast.user("resident"),
            community=cast.community,
            provider=people["resident"],
            receiver=people["volunteer"],
            minutes=30,
            description="Too old",
            occurred_on=today - dt.timedelta(days=367),
            idempotency_key=key(),
        )
    assert list(err.value.message_dict) == ["occurred_on"]
    done = actions.record_exchange(
        by=cast.user("resident"),
        community=cast.community,
        provider=people["resident"],
        receiver=people["volunteer"],
        minutes=30,
        description="Last spring",
        occurred_on=today - dt.timedelta(days=300),
        idempotency_key=key(),
    )
    assert done.pk


def test_a_session_dated_long_ago_is_refused(cast, people):
    with pytest.raises(actions.LedgerError) as err:
        actions.record_session(
            by=cast.user("coordinator"),
            community=cast.community,
            title="Ancient yoga",
            host=people["others"][0],
            attendees=people["others"][1:3],
            minutes=30,
            basis="per_attendee",
            occurred_on=dt.date(1, 1, 1),
            idempotency_key=key(),
        )
    assert list(err.value.message_dict) == ["occurred_on"]
