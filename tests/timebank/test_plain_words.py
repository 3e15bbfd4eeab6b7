"""Issue 13: the time bank in people's words. Receipts and statements say who gave what
to whom; entry numbers and clearing accounts only on the staff ledger; statements truly
newest first; each confirm form with its own key, and a stale one answered kindly; a
"Send 45 min to Wendy?" step before any credits move."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from kampung.timebank import actions, queries
from kampung.timebank.ledger import format_minutes
from kampung.timebank.models import Account, Exchange, Transaction
from tests.timebank.helpers import SLUG, acct, balance, key

TB = f"/c/{SLUG}/timebank/"


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _gift_to_wendy(cast, people, minutes=45):
    return actions.give_credits(
        by=cast.user("resident"),
        community=cast.community,
        to_account=acct(people["wendy"]),
        minutes=minutes,
        note="For your visits to Auntie",
        idempotency_key=key(),
    )


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- 1. Receipts and statements in people's words -----------------------------------------


def test_a_members_receipt_says_who_got_the_time_and_hides_the_ledger(cast, people, login):
    wendy = people["wendy"].display_name
    tx = _gift_to_wendy(cast, people)
    page = _text(login(cast.user("resident")).get(f"{TB}transactions/{tx.pk}/"))
    assert f"You gave 45 min to {wendy} (Woking East)" in page
    assert "Entry #" not in page and "#" + str(tx.pk) not in page
    assert "Clearing account" not in page and "clearing" not in page.lower()


def test_staff_still_see_the_entry_number_and_every_posting(cast, people, login):
    tx = _gift_to_wendy(cast, people)
    page = _text(login(cast.user("coordinator")).get(f"{TB}transactions/{tx.pk}/"))
    assert f"Entry #{tx.pk}" in page
    assert "Clearing account" in page
    assert "An account in Woking East" in page  # finding 15: far side by community only


def test_the_receivers_statement_says_who_gave_them_time(cast, people, client):
    rosnah = people["resident"].display_name
    _gift_to_wendy(cast, people)
    client.force_login(cast.user("outsider"))
    page = _text(client.get("/c/woking-east/timebank/statement/", follow=True))
    assert f"{rosnah} (Kampung Seri Mawar) gave you 45 min" in page
    assert "Clearing account" not in page


def test_an_allocation_reads_as_received_from_the_pool(cast, people, login):
    pool = actions.pool_account(cast.community)
    actions.give_credits(
        by=cast.user("volunteer"),
        community=cast.community,
        to_account=pool,
        minutes=120,
        idempotency_key=key(),
    )
    tx = actions.allocate_from_pool(
        by=cast.user("coordinator"),
        community=cast.community,
        to_account=acct(people["resident"]),
        minutes=120,
        reason="Help after a fall",
        idempotency_key=key(),
    )
    client = login(cast.user("resident"))
    receipt = _text(client.get(f"{TB}transactions/{tx.pk}/"))
    assert "You received 2 h from the community pool" in receipt
    statement = _text(client.get(f"{TB}statement/", follow=True))
    assert "You received 2 h from the community pool" in statement
    home = _text(client.get(TB))
    assert "You received 2 h from the community pool" in home


def test_a_staff_view_of_someones_statement_names_them_not_you(cast, people, login):
    _gift_to_wendy(cast, people)
    number = acct(people["resident"]).number
    page = _text(login(cast.user("coordinator")).get(f"{TB}accounts/{number}/"))
    rosnah, wendy = people["resident"].display_name, people["wendy"].display_name
    assert f"{rosnah} gave 45 min to {wendy} (Woking East)" in page
    assert "You gave" not in page


def test_messages_after_actions_have_no_entry_numbers(cast, people, login):
    host, a, b = people["others"][:3]
    client = login(cast.user("coordinator"))
    response = client.post(
        f"{TB}sessions/",
        {
            "idempotency_key": key(),
            "title": "Chair yoga",
            "host": host.pk,
            "attendees": [a.pk, b.pk],
            "hours": "1",
            "minutes": "0",
            "basis": "per_host",
            "occurred_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    said = _messages(response)
    assert "Chair yoga" in said
    assert "entry" not in said.lower() and "#" not in said


# --- 2. Statements newest first, by the date the help happened ----------------------------


def _exchange_on(cast, people, day: dt.date, minutes: int, what: str) -> Exchange:
    e = actions.record_exchange(
        by=cast.user("resident"),
        community=cast.community,
        provider=people["resident"],
        receiver=people["volunteer"],
        minutes=minutes,
        description=what,
        occurred_on=day,
        idempotency_key=key(),
    )
    return e


def test_statement_is_newest_first_by_the_day_the_help_happened(cast, people, login):
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in (3, 25, 120, 60)]  # out of date order
    recorded = [
        _exchange_on(cast, people, day, 15 * (i + 1), f"Help number {i}")
        for i, day in enumerate(days)
    ]
    # Confirmed (and so posted) in yet another order.
    for e in (recorded[2], recorded[0], recorded[3], recorded[1]):
        actions.confirm_exchange(by=cast.user("volunteer"), exchange=e, idempotency_key=key())
    account = acct(people["resident"])
    lines = queries.statement_lines(account)
    dates = [line["date"] for line in lines]
    assert dates == sorted(dates, reverse=True)
    # The balance column still adds up, line by line, in the order shown.
    assert lines[0]["balance_after_minutes"] == account.balance
    for newer, older in zip(lines, lines[1:], strict=False):
        assert (
            newer["balance_after_minutes"]
            == older["balance_after_minutes"] + newer["amount_minutes"]
        )
    assert lines[-1]["balance_after_minutes"] == lines[-1]["amount_minutes"]
    # Oldest first (the CSV) is the same lines the other way round.
    assert list(queries.statement_lines(account, newest_first=False)) == list(reversed(lines))
    # And on the page, in that order.
    page = login(cast.user("resident")).get(f"{TB}accounts/{account.number}/").content.decode()
    shown = [page.index(f"Help number {i}") for i in (0, 1, 3, 2)]
    assert shown == sorted(shown)


# --- 3. Every confirm form has its own key; a stale one is answered kindly ----------------


def _keys_in(html: str) -> list[str]:
    return re.findall(r'name="idempotency_key" value="([^"]+)"', html)


def test_each_confirm_and_decline_form_carries_its_own_key(cast, people, login):
    for i in range(2):
        _exchange_on(cast, people, timezone.localdate(), 30, f"Errand {i}")
    html = login(cast.user("volunteer")).get(TB).content.decode()
    keys = _keys_in(html)
    assert len(keys) >= 4
    assert len(set(keys)) == len(keys)


def test_confirming_from_a_page_opened_before_says_it_was_already_confirmed(cast, people, login):
    e = _exchange_on(cast, people, timezone.localdate(), 30, "Fixed a tap")
    client = login(cast.user("volunteer"))
    stale = _keys_in(client.get(TB).content.decode())
    fresh = _keys_in(client.get(TB).content.decode())
    url = f"{TB}exchanges/{e.pk}/confirm/"
    before = balance(people["resident"])
    client.post(url, {"idempotency_key": fresh[0]})
    response = client.post(url, {"idempotency_key": stale[0]}, follow=True)
    said = _messages(response)
    assert "This was already confirmed" in said
    assert "idempotency" not in said.lower()
    assert balance(people["resident"]) == before + 30


def test_declining_from_a_stale_page_says_it_was_already_declined(cast, people, login):
    e = _exchange_on(cast, people, timezone.localdate(), 30, "Fixed a tap")
    client = login(cast.user("volunteer"))
    url = f"{TB}exchanges/{e.pk}/decline/"
    client.post(url, {"idempotency_key": key()})
    response = client.post(url, {"idempotency_key": key()}, follow=True)
    assert "This was already declined" in _messages(response)


def test_the_old_shared_key_mistake_is_answered_kindly_too(cast, people, login):
    """A page from before the fix: one key on both rows."""
    a = _exchange_on(cast, people, timezone.localdate(), 30, "Errand a")
    b = _exchange_on(cast, people, timezone.localdate(), 30, "Errand b")
    client = login(cast.user("volunteer"))
    shared = key()
    client.post(f"{TB}exchanges/{a.pk}/confirm/", {"idempotency_key": shared})
    response = client.post(
        f"{TB}exchanges/{b.pk}/confirm/", {"idempotency_key": shared}, follow=True
    )
    said = _messages(response)
    assert "idempotency" not in said.lower()
    assert "Please try again" in said
    assert Exchange.objects.get(pk=b.pk).status == Exchange.Status.PENDING


# --- 4. "Send 45 min to Wendy?" before anything moves -------------------------------------


def _give_form(number: str, k: str, **extra) -> dict:
    return {
        "idempotency_key": k,
        "to": "person",
        "to_account": number,
        "hours": "0",
        "minutes": "45",
        "note": "For your visits to Auntie",
        **extra,
    }


def test_giving_asks_first_then_sends_once(cast, people, login):
    wendy = people["wendy"].display_name
    number = acct(people["wendy"]).number
    client = login(cast.user("resident"))
    form_page = client.get(f"{TB}give/").content.decode()
    assert 'action="/c/kampung-seri-mawar/timebank/give/check/"' in form_page
    before = Transaction.objects.count()
    k = key()
    check = client.post(f"{TB}give/check/", _give_form(number, k))
    assert check.status_code == 200
    page = _text(check)
    assert f"Send 45 min to {wendy} (Woking East)?" in page
    assert "Change" in page and "Send" in page
    assert k in check.content.decode()  # the same key goes on to the send
    assert Transaction.objects.count() == before  # nothing moved yet
    sent = client.post(f"{TB}give/", _give_form(number, k))
    again = client.post(f"{TB}give/", _give_form(number, k))  # a double click
    assert sent.status_code == again.status_code == 302
    assert sent["Location"] == again["Location"]
    assert Transaction.objects.count() == before + 1
    receipt = _text(client.get(sent["Location"]))
    assert f"You gave 45 min to {wendy} (Woking East)" in receipt


def test_change_goes_back_to_the_form_filled_in(cast, people, login):
    number = acct(people["wendy"]).number
    client = login(cast.user("resident"))
    k = key()
    response = client.post(f"{TB}give/", _give_form(number, k, change="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{number}"' in html and "For your visits to Auntie" in html
    assert k in html
    assert "errorlist" not in html and "There is a problem" not in html


def test_the_check_step_does_not_reveal_a_strangers_closed_account(cast, people, login):
    wendy = acct(people["wendy"])
    Account.objects.filter(pk=wendy.pk).update(is_open=False)
    check = login(cast.user("resident")).post(f"{TB}give/check/", _give_form(wendy.number, key()))
    page = _text(check)
    assert people["wendy"].display_name not in page
    assert "closed" not in page.lower()
    assert "That account cannot receive credits" in page
    assert "Send 45 min" not in page


def test_the_check_step_refuses_an_unknown_number_on_the_form(cast, people, login):
    check = login(cast.user("resident")).post(f"{TB}give/check/", _give_form("ZZZZ-ZZZZ", key()))
    assert check.status_code == 200
    assert "Send 45 min" not in _text(check)
    assert check.context["form"].errors


def test_sending_to_the_pool_is_asked_in_words_too(cast, people, login):
    client = login(cast.user("resident"))
    check = client.post(
        f"{TB}give/check/", {"idempotency_key": key(), "to": "pool", "hours": "1", "minutes": "0"}
    )
    assert "Send 1 h to the community pool?" in _text(check)
    assert format_minutes(60) == "1 h"


def test_a_gift_without_a_note_is_said_once_not_twice(cast, people, login):
    actions.give_credits(
        by=cast.user("volunteer"),
        community=cast.community,
        to_account=actions.pool_account(cast.community),
        minutes=30,
        idempotency_key=key(),
    )
    page = _text(login(cast.user("volunteer")).get(f"{TB}statement/", follow=True))
    assert "You gave 30 min to the community pool" in page
    assert "Gift to the community pool" not in page
