"""Group sessions, gifts (across communities through clearing) and the community pool."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kampung.people.models import Member
from kampung.timebank import actions, queries
from kampung.timebank.ledger import format_minutes, split_evenly
from kampung.timebank.models import (
    Account,
    GroupSession,
    Posting,
)
from tests.timebank.helpers import acct, balance, field_of, key


@pytest.mark.parametrize("basis,host_gets", [("per_attendee", 180), ("per_host", 60)])
def test_a_group_session_credits_the_host(cast, people, basis, host_gets):
    host, attendees = people["others"][0], people["others"][1:4]
    before = acct(host).balance
    session = actions.record_session(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Chair yoga",
        host=host,
        attendees=attendees,
        minutes=60,
        basis=basis,
        idempotency_key=key(),
    )
    assert isinstance(session, GroupSession)
    assert balance(host) == before + host_gets
    amounts = sorted(session.transaction.postings.values_list("amount", flat=True))
    assert sum(amounts) == 0 and len(amounts) == 4


def test_split_evenly_never_loses_a_minute():
    assert split_evenly(60, 7) == [9, 9, 9, 9, 8, 8, 8]
    assert sum(split_evenly(61, 3)) == 61
    assert format_minutes(95) == "1 h 35 min" and format_minutes(-30) == "−30 min"


def test_a_gift_to_a_relative_in_another_community_settles_through_clearing(cast, people):
    wendy = acct(people["wendy"])
    here = actions.clearing_account(cast.community)
    there = actions.clearing_account(cast.other)
    before = (balance(people["resident"]), wendy.balance, here.balance, there.balance)
    tx = actions.give_credits(
        by=cast.user("resident"),
        community=cast.community,
        to_account=wendy,
        minutes=30,
        note="For Auntie",
        idempotency_key=key(),
    )
    assert tx.postings.count() == 4
    after = (
        balance(people["resident"]),
        Account.objects.get(pk=wendy.pk).balance,
        Account.objects.get(pk=here.pk).balance,
        Account.objects.get(pk=there.pk).balance,
    )
    assert [a - b for a, b in zip(after, before, strict=True)] == [-30, 30, 30, -30]
    line = queries.statement_lines(Account.objects.get(pk=wendy.pk))[0]
    assert (
        line["counterparty"].startswith("Rosnah") and "Kampung Seri Mawar" in line["counterparty"]
    )


def test_without_a_clearing_path_the_gift_is_refused_and_nothing_posts(cast, people):
    from kampung.communities.models import Community

    third = Community.objects.create(
        slug="third", name="Third Place", centre_lat=0, centre_lng=0, timezone="UTC"
    )
    stranger = Member.objects.create(community=third, display_name="Someone far away")
    count = Posting.objects.count()
    with pytest.raises(actions.NoClearingPath) as err:
        actions.give_credits(
            by=cast.user("resident"),
            community=cast.community,
            to_account=acct(stranger),
            minutes=30,
            idempotency_key=key(),
        )
    assert field_of(err) == ["to_account"]
    assert Posting.objects.count() == count


def test_members_give_to_the_pool_and_coordinators_allocate_with_a_reason(cast, people):
    pool = actions.pool_account(cast.community)
    start = pool.balance
    actions.give_credits(
        by=cast.user("volunteer"),
        community=cast.community,
        to_account=pool,
        minutes=60,
        idempotency_key=key(),
    )
    with pytest.raises(actions.LedgerError) as err:
        actions.allocate_from_pool(
            by=cast.user("coordinator"),
            community=cast.community,
            to_account=acct(people["nodevice"]),
            minutes=30,
            reason=" ",
            idempotency_key=key(),
        )
    assert field_of(err) == ["reason"]
    tx = actions.allocate_from_pool(
        by=cast.user("coordinator"),
        community=cast.community,
        to_account=acct(people["nodevice"]),
        minutes=30,
        reason="Recovering from a fall",
        idempotency_key=key(),
    )
    assert tx.reason == "Recovering from a fall"
    assert Account.objects.get(pk=pool.pk).balance == start + 30
    with pytest.raises(PermissionDenied):
        actions.allocate_from_pool(
            by=cast.user("resident"),
            community=cast.community,
            to_account=acct(people["resident"]),
            minutes=10,
            reason="I want some",
            idempotency_key=key(),
        )
    with pytest.raises(actions.InsufficientCredits):  # the pool never goes below zero
        actions.allocate_from_pool(
            by=cast.user("coordinator"),
            community=cast.community,
            to_account=acct(people["nodevice"]),
            minutes=start + 31,
            reason="Too much",
            idempotency_key=key(),
        )
