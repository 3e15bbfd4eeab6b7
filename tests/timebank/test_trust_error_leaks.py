"""Finding 15 (issue 12): refusals and the transaction page tell a stranger nothing
about someone else's account: no name for a closed account, no headroom for someone
else's limit, and no name or number of an account in another community."""

from __future__ import annotations

from kampung.timebank import actions
from tests.timebank.helpers import SLUG, acct, key

API = f"/api/v1/communities/{SLUG}/timebank"


def test_giving_to_a_closed_account_does_not_name_its_owner(cast, people, login):
    target = acct(people["volunteer"])
    actions.close_account(by=cast.user("coordinator"), account=target)
    client = login(cast.user("resident"))
    response = client.post(
        f"{API}/gifts",
        {"idempotency_key": key(), "to_account": target.number, "minutes": 5},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()["error"]
    text = str(body)
    assert people["volunteer"].display_name not in text
    assert "closed" not in text.lower()
    assert body["fields"]["to_account"] == ["That account cannot receive credits."]


def test_staff_still_learn_whose_account_is_closed(cast, people):
    target = acct(people["volunteer"])
    actions.close_account(by=cast.user("coordinator"), account=target)
    try:
        actions.allocate_from_pool(
            by=cast.user("admin"),
            community=cast.community,
            to_account=target,
            minutes=1,
            reason="Help",
            idempotency_key=key(),
        )
    except actions.AccountClosed as exc:
        assert people["volunteer"].display_name in exc.message_dict["to_account"][0]
    else:
        raise AssertionError("a closed account took credits")


def test_a_limit_refusal_does_not_reveal_someone_elses_headroom(cast, people, login):
    target = acct(people["volunteer"])
    actions.set_limits(
        by=cast.user("coordinator"),
        account=target,
        lower_limit=target.lower_limit,
        upper_limit=target.balance + 120,
    )
    client = login(cast.user("resident"))
    response = client.post(
        f"{API}/gifts",
        {"idempotency_key": key(), "to_account": target.number, "minutes": 300},
        content_type="application/json",
    )
    assert response.status_code == 422
    text = str(response.json()["error"])
    assert "2 h" not in text and people["volunteer"].display_name not in text


def test_my_own_shortfall_still_shows_my_numbers(cast, people, login):
    mine = acct(people["resident"])
    client = login(cast.user("resident"))
    response = client.post(
        f"{API}/gifts",
        {
            "idempotency_key": key(),
            "to_account": "pool",
            "minutes": mine.balance - mine.lower_limit + 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "available" in response.json()["error"]["message"]


def _gift_to_wendy(cast, people):
    return actions.give_credits(
        by=cast.user("resident"),
        community=cast.community,
        to_account=acct(people["wendy"]),
        minutes=15,
        idempotency_key=key(),
    )


def test_the_transaction_page_hides_the_other_communitys_account(cast, people, login):
    tx = _gift_to_wendy(cast, people)
    wendy = acct(people["wendy"])
    there = actions.clearing_account(cast.other)
    page = login(cast.user("coordinator")).get(f"/c/{SLUG}/timebank/transactions/{tx.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert people["wendy"].display_name not in html
    assert wendy.number not in html and there.number not in html
    assert "An account in Woking East" in html
    # The giver reads her own receipt in people's words (issue 13): the person she paid,
    # by name and community only, as her statement always showed them; never their
    # account number, nor either community's clearing account.
    page = login(cast.user("resident")).get(f"/c/{SLUG}/timebank/transactions/{tx.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"You gave 15 min to {people['wendy'].display_name} (Woking East)" in html
    assert wendy.number not in html and there.number not in html
    assert "Clearing" not in html


def test_the_api_transaction_hides_the_other_communitys_account(cast, people, login):
    tx = _gift_to_wendy(cast, people)
    wendy = acct(people["wendy"])
    body = login(cast.user("resident")).get(f"{API}/transactions/{tx.pk}").json()
    text = str(body)
    assert people["wendy"].display_name not in text and wendy.number not in text
    labels = [p["label"] for p in body["postings"]]
    assert "An account in Woking East" in labels
