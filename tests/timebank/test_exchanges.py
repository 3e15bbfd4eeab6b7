"""Exchanges: posted once both sides confirm, confirmed on someone's behalf, declined,
paid by an organisation, recorded from a match."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kampung.audit.models import AuditEvent
from kampung.timebank import actions
from kampung.timebank.models import (
    Account,
    Exchange,
)
from tests.timebank.helpers import _exchange, acct, balance, field_of, key


def test_it_posts_an_exchange_only_once_both_sides_confirm(cast, people):
    before_r, before_v = acct(people["resident"]).balance, acct(people["volunteer"]).balance
    exchange = _exchange(cast, people)
    assert exchange.status == Exchange.Status.PENDING
    assert exchange.provider_confirmed_at is not None and exchange.receiver_confirmed_at is None
    assert balance(people["resident"]) == before_r
    with pytest.raises(actions.LedgerError) as err:  # the recorder cannot confirm twice
        actions.confirm_exchange(by=cast.user("resident"), exchange=exchange, idempotency_key=key())
    assert field_of(err) == ["exchange"]
    done = actions.confirm_exchange(
        by=cast.user("volunteer"), exchange=exchange, idempotency_key=key()
    )
    assert done.status == Exchange.Status.POSTED
    assert balance(people["resident"]) == before_r + 90
    assert balance(people["volunteer"]) == before_v - 90
    assert sorted(done.transaction.postings.values_list("amount", flat=True)) == [-90, 90]


def test_only_the_two_people_can_confirm(cast, people):
    exchange = _exchange(cast, people)
    with pytest.raises(actions.NotAllowed):
        actions.confirm_exchange(by=cast.user("analyst"), exchange=exchange, idempotency_key=key())
    # A community developer may not confirm for someone who has a login of their own.
    with pytest.raises(PermissionDenied):
        actions.confirm_exchange(
            by=cast.user("coordinator"),
            exchange=exchange,
            on_behalf_of=people["volunteer"],
            idempotency_key=key(),
        )


def test_a_coordinator_confirms_for_someone_without_a_device_on_their_behalf(cast, people):
    nodevice = people["nodevice"]
    exchange = actions.record_exchange(
        by=cast.user("volunteer"),
        community=cast.community,
        provider=people["volunteer"],
        receiver=nodevice,
        minutes=60,
        description="Changed a light bulb",
        idempotency_key=key(),
    )
    done = actions.confirm_exchange(
        by=cast.user("coordinator"), exchange=exchange, on_behalf_of=nodevice, idempotency_key=key()
    )
    assert done.status == Exchange.Status.POSTED
    assert done.receiver_confirmed_by == cast.user("coordinator")
    assert done.transaction.on_behalf_of == nodevice
    event = AuditEvent.objects.filter(object_type="timebank.Exchange", object_id=str(done.pk))
    assert event.filter(on_behalf_of=nodevice, actor=cast.user("coordinator")).exists()


def test_declining_moves_nothing(cast, people):
    exchange = _exchange(cast, people)
    done = actions.decline_exchange(
        by=cast.user("volunteer"), exchange=exchange, idempotency_key=key()
    )
    assert done.status == Exchange.Status.DECLINED and done.transaction is None
    with pytest.raises(actions.LedgerError):
        actions.confirm_exchange(
            by=cast.user("volunteer"), exchange=exchange, idempotency_key=key()
        )


def test_an_organisation_pays_for_care_to_someone_who_cannot_reciprocate(cast, people):
    org = cast.community.organisations.order_by("pk").first()
    centre = actions.organisation_account(cast.community, org)
    centre_before = centre.balance  # the demo's lunch club was thanked with an hour
    cared_for = people["nodevice"]
    before = acct(cared_for).balance
    exchange = actions.record_exchange(
        by=cast.user("coordinator"),
        community=cast.community,
        provider=people["volunteer"],
        receiver=cared_for,
        minutes=120,
        description="Sat with Mdm Tan after her fall",
        paid_by=centre,
        idempotency_key=key(),
    )
    for party in (people["volunteer"], cared_for):
        user = cast.user("volunteer") if party.has_device else cast.user("coordinator")
        exchange = actions.confirm_exchange(
            by=user,
            exchange=exchange,
            on_behalf_of=None if party.has_device else party,
            idempotency_key=key(),
        )
    assert exchange.status == Exchange.Status.POSTED
    assert Account.objects.get(pk=centre.pk).balance == centre_before - 120
    assert balance(cared_for) == before


def test_a_resident_cannot_charge_an_organisation(cast, people):
    org = cast.community.organisations.exclude(pk=cast.members["partner"].organisation_id).first()
    with pytest.raises(PermissionDenied):
        actions.record_exchange(
            by=cast.user("resident"),
            community=cast.community,
            provider=people["resident"],
            receiver=people["volunteer"],
            minutes=30,
            description="x",
            paid_by=actions.organisation_account(cast.community, org),
            idempotency_key=key(),
        )


def test_a_completed_match_becomes_an_exchange_in_one_call(cast, people):
    from kampung.matching.models import Match, Need

    need = Need.objects.create(
        community=cast.community,
        member=people["others"][1],
        posted_by=cast.user("coordinator"),
        title="Gardening help",
        description="The back garden.",
    )
    match = Match.objects.create(
        need=need, helper=people["others"][0], proposed_by=cast.user("coordinator")
    )
    exchange = actions.record_exchange(
        by=cast.user("coordinator"),
        community=cast.community,
        provider=people["others"][0],
        receiver=people["others"][1],
        minutes=45,
        description="Matched: gardening help",
        match_id=match.pk,
        idempotency_key=f"match-{match.pk}",
    )
    again = actions.record_exchange(
        by=cast.user("coordinator"),
        community=cast.community,
        provider=people["others"][0],
        receiver=people["others"][1],
        minutes=45,
        description="Matched: gardening help",
        match_id=match.pk,
        idempotency_key=f"match-{match.pk}",
    )
    assert again.pk == exchange.pk and exchange.match_id == match.pk
