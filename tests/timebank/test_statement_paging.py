"""A statement is read a page at a time from the database, its running balances from
one sum there, and shows exactly the lines, words and balances the whole-history
computation it replaced showed: on every page, newest first and oldest first, to the
holder ("You gave …") and to staff ("Rosnah gave …"). The page, the API and the CSV
read the same lines; a page costs the same queries however long the history is."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kampung.pagination import CappedPaginator
from kampung.timebank import actions, queries
from kampung.timebank.models import Account, Posting, TransactionKind
from kampung.timebank.posting import post
from tests.timebank.helpers import SLUG, acct, key

API = f"/api/v1/communities/{SLUG}/timebank"


def whole_history_statement(account: Account, *, newest_first: bool = True, you: bool = True):
    """The computation the paged statement replaced, kept here as the reference: every
    posting read and sorted in Python, then the running balance added up line by line."""
    postings = sorted(
        Posting.objects.filter(account=account).select_related("transaction"),
        key=lambda p: (p.transaction.occurred_on, p.transaction_id, p.pk),
    )
    lines = queries._lines(account, postings, you)
    running = 0
    for line in lines:
        running += line["amount_minutes"]
        line["balance_after_minutes"] = running
    return lines[::-1] if newest_first else lines


def _history(cast, people, n: int, *, seed: int = 1) -> Account:
    """`n` movements on the resident's account, posted out of date order (several on the
    same day), of every kind and with every sort of other side: people here, the pool,
    two people at once, a relative in another community, and corrections."""
    rng = random.Random(seed)
    me = acct(people["resident"])
    others = [acct(m) for m in people["others"]] + [acct(people["volunteer"])]
    pool = actions.pool_account(cast.community)
    by = cast.user("coordinator")
    # No limits in the way: this history is about reading, not about refusals.
    Account.objects.filter(pk__in=[me.pk, pool.pk, *(a.pk for a in others)]).update(
        lower_limit=None, upper_limit=None
    )
    start = dt.date.today() - dt.timedelta(days=400)
    kinds = [TransactionKind.EXCHANGE, TransactionKind.GIFT, TransactionKind.SESSION]
    posted = []
    for i in range(n):
        day = start + dt.timedelta(days=rng.randint(0, 40))  # many lines share a day
        minutes = rng.randint(5, 120)
        kind = rng.choice(kinds)
        if i % 17 == 5:
            lines = [(pool, -minutes, "x"), (me, minutes, "x")]
            kind = TransactionKind.ALLOCATION
        elif i % 13 == 7:
            a, b = rng.sample(others, 2)
            lines = [(me, -2 * minutes, "x"), (a, minutes, "x"), (b, minutes, "x")]
        else:
            sign = 1 if rng.random() < 0.6 else -1
            other = rng.choice(others)
            lines = [(me, sign * minutes, "x"), (other, -sign * minutes, "x")]
        with transaction.atomic():
            posted.append(
                post(
                    community=cast.community,
                    kind=kind,
                    lines=lines,
                    by=by,
                    description=f"Line {i}" if i % 3 else "",
                    occurred_on=day,
                )
            )
    actions.give_credits(
        by=cast.user("resident"),
        community=cast.community,
        to_account=acct(people["wendy"]),
        minutes=15,
        note="For Auntie",
        idempotency_key=key(),
    )
    for tx in posted[3:5]:
        actions.reverse_transaction(
            by=by, original=tx, reason="Entered twice", idempotency_key=key()
        )
    return Account.objects.select_related("member").get(pk=me.pk)


@pytest.mark.parametrize("newest_first", [True, False])
@pytest.mark.parametrize("you", [True, False])
def test_every_page_shows_what_the_whole_history_showed(cast, people, newest_first, you):
    account = _history(cast, people, 120)
    expected = whole_history_statement(account, newest_first=newest_first, you=you)
    statement = queries.statement_lines(account, newest_first=newest_first, you=you)
    assert len(statement) == len(expected) > 120
    # Page boundaries of the site (50) and an API-sized odd page (37), past the end too.
    for size in (50, 37):
        for start in range(0, len(expected) + size, size):
            assert statement[start : start + size] == expected[start : start + size]
    assert statement[0] == expected[0] and statement[-1] == expected[-1]
    assert statement[-3:] == expected[-3:]
    assert list(statement) == expected
    assert list(reversed(statement)) == expected[::-1]
    if newest_first:
        assert expected[0]["balance_after_minutes"] == account.balance
    words = " ".join(line["what"] for line in expected)
    assert ("You " in words) is you and ("Rosnah " in words) is not you


def test_reading_in_chunks_crosses_chunk_boundaries(cast, people, monkeypatch):
    account = _history(cast, people, 30, seed=2)
    monkeypatch.setattr(queries, "STATEMENT_CHUNK", 7)
    for newest_first in (False, True):
        assert list(queries.statement_lines(account, newest_first=newest_first)) == (
            whole_history_statement(account, newest_first=newest_first)
        )


def test_the_paginator_pages_the_statement(cast, people):
    account = _history(cast, people, 110, seed=3)
    expected = whole_history_statement(account)
    paginator = CappedPaginator(queries.statement_lines(account), 50)
    pages = [paginator.get_page(n) for n in (1, 2, 3)]
    assert [line for page in pages for line in page.object_list] == expected
    assert [p.has_next() for p in pages] == [True, True, False]
    assert paginator.count == len(expected) and paginator.num_pages == 3
    assert paginator.get_page(99).number == 3  # past the end: the last page


def _queries_for_a_page(account) -> int:
    with CaptureQueriesContext(connection) as ctx:
        lines = queries.statement_lines(account)[50:100]
    assert len(lines) == 50
    return len(ctx.captured_queries)


def test_a_page_costs_the_same_queries_however_long_the_history(cast, people):
    short = _queries_for_a_page(_history(cast, people, 100, seed=4))
    long = _queries_for_a_page(_history(cast, people, 300, seed=5))  # 400 in all
    assert short == long == 3  # the page, the sum before it, and the other sides
    # Every kind of other side at once (people, the pool, another community): no query
    # per line for a name left out of the page's read.
    account = acct(people["resident"])
    with CaptureQueriesContext(connection) as ctx:
        lines = queries.statement_lines(account)[0:1000]
    assert len(lines) > 400 and len(ctx.captured_queries) == 3
    assert any("Woking East" in line["counterparty"] for line in lines)
    assert any("community pool" in line["what"] for line in lines)


def test_the_statement_page_shows_balances_and_page_links(cast, people, login):
    account = _history(cast, people, 120, seed=6)
    expected = whole_history_statement(account)
    client = login(cast.user("resident"))
    url = f"/c/{SLUG}/timebank/accounts/{account.number}/"
    first = client.get(url)
    assert first.context["page"].object_list == expected[:50]
    html = first.content.decode()
    assert "page=2" in html and "Page 1 of 3" in html and "Previous" not in html
    last = client.get(url, {"page": 3}).content.decode()
    assert "Page 3 of 3" in last and "page=2" in last and "Next" not in last
    from kampung.timebank.templatetags.timebank import minutes

    assert minutes(expected[100]["balance_after_minutes"]) in last


def test_the_api_pages_with_limit_and_offset(cast, people, login):
    account = _history(cast, people, 80, seed=7)
    expected = whole_history_statement(account)
    client = login(cast.user("resident"))
    body = client.get(f"{API}/accounts/{account.number}/statement", {"offset": 40, "limit": 25})
    assert body.status_code == 200
    data = body.json()
    assert data["count"] == len(expected)
    assert [i["transaction_id"] for i in data["items"]] == [
        line["transaction_id"] for line in expected[40:65]
    ]
    assert [i["balance_after_minutes"] for i in data["items"]] == [
        line["balance_after_minutes"] for line in expected[40:65]
    ]
    default = client.get(f"{API}/accounts/{account.number}/statement").json()
    assert len(default["items"]) == 50
    too_many = client.get(f"{API}/accounts/{account.number}/statement", {"limit": 501})
    assert too_many.status_code == 422


def test_the_csv_streams_every_line_oldest_first(cast, people, login, monkeypatch):
    account = _history(cast, people, 40, seed=8)
    monkeypatch.setattr(queries, "STATEMENT_CHUNK", 9)
    expected = whole_history_statement(account, newest_first=False)
    client = login(cast.user("resident"))
    response = client.get(f"/c/{SLUG}/timebank/accounts/{account.number}/?format=csv")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(r["transaction"]) for r in rows] == [line["transaction_id"] for line in expected]
    assert [int(r["balance_minutes"]) for r in rows] == [
        line["balance_after_minutes"] for line in expected
    ]
    assert int(rows[-1]["balance_minutes"]) == account.balance
