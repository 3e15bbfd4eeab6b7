"""The time bank: exchanges confirmed by both sides, gifts across communities, the pool,
group sessions, reversals, idempotency, limits, an append-only ledger, `ledger verify`,
statements, reports, pages and the API."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from kampung.audit.models import AuditEvent
from kampung.people.models import Member
from kampung.timebank import actions, queries
from kampung.timebank.ledger import format_minutes, split_evenly
from kampung.timebank.models import (
    Account,
    Exchange,
    GroupSession,
    ImmutableError,
    Posting,
    Transaction,
)

SLUG = "kampung-seri-mawar"


def key() -> str:
    return uuid.uuid4().hex


def acct(member) -> Account:
    return actions.account_for_member(member)


def balance(member) -> int:
    return Account.objects.get(member=member).balance


def field_of(exc_info) -> list[str]:
    return list(exc_info.value.message_dict)


@pytest.fixture
def people(cast, resident_without_login):
    others = list(
        Member.objects.filter(community=cast.community, user__isnull=True)
        .exclude(pk=resident_without_login.pk)
        .order_by("-pk")[:4]
    )
    return {
        "resident": cast.members["resident"],
        "volunteer": cast.members["volunteer"],
        "coordinator": cast.members["coordinator"],
        "nodevice": resident_without_login,
        "others": others,
        "wendy": cast.members["outsider"],
    }


def _exchange(cast, people, minutes=90, by="resident"):
    return actions.record_exchange(
        by=cast.user(by),
        community=cast.community,
        provider=people["resident"],
        receiver=people["volunteer"],
        minutes=minutes,
        description="Helped move a wardrobe",
        idempotency_key=key(),
    )


# --- Exchanges -------------------------------------------------------------------------------


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
    assert Account.objects.get(pk=centre.pk).balance == -120
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


# --- Sessions, gifts, the pool ---------------------------------------------------------------


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


# --- Reversals and idempotency -----------------------------------------------------------------


def _gift(cast, people, minutes=20, k=None):
    return actions.give_credits(
        by=cast.user("resident"),
        community=cast.community,
        to_account=acct(people["volunteer"]),
        minutes=minutes,
        idempotency_key=k or key(),
    )


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


# --- The ledger cannot be rewritten ----------------------------------------------------------


def test_postings_and_transactions_cannot_be_changed_or_deleted(cast, people):
    tx = _gift(cast, people)
    posting = tx.postings.first()
    posting.amount = 999
    for attempt in (posting.save, posting.delete, tx.delete, tx.save):
        with pytest.raises(ImmutableError):
            attempt()
    with pytest.raises(ImmutableError):
        Posting.objects.filter(pk=posting.pk).update(amount=1)
    with pytest.raises(ImmutableError):
        Transaction.objects.filter(pk=tx.pk).delete()
    for sql in (
        "UPDATE timebank_posting SET amount = 1 WHERE id = %s",
        "DELETE FROM timebank_posting WHERE id = %s",
        "UPDATE timebank_transaction SET description = 'x' WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [posting.pk if "posting" in sql else tx.pk])


def test_a_stored_balance_outside_its_limits_is_refused_by_the_database(cast, people):
    account = acct(people["resident"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=account.lower_limit - 1)
    with pytest.raises(ImmutableError):
        account.save()


def test_the_admin_is_read_only(cast, client):
    client.force_login(cast.user("admin"))
    cast.user("admin").is_staff = cast.user("admin").is_superuser = True
    cast.user("admin").save()
    tx = Transaction.objects.first()
    assert client.get(f"/admin/timebank/transaction/{tx.pk}/delete/").status_code == 403
    assert client.get("/admin/timebank/posting/add/").status_code == 403


def test_ledger_verify_is_clean_and_reports_tampering(cast, people, capsys, monkeypatch):
    # `kampung` runs the command through run_from_argv, which closes every connection
    # when it finishes; keep the test's own open.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    _gift(cast, people)
    call_command("ledger", "verify")
    assert "no problems found" in capsys.readouterr().out
    from kampung.cli import main

    main(["ledger", "verify"])  # the `kampung` command
    account = acct(people["volunteer"])
    Account.objects.filter(pk=account.pk).update(balance=account.balance + 7)
    with pytest.raises(CommandError):
        call_command("ledger", "verify")
    assert "balance differs from the sum of its postings" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        main(["ledger", "verify"])
    assert exited.value.code == 1


# --- Statements and reports -------------------------------------------------------------------


def test_the_statement_has_running_balances_and_exports_csv(cast, people, login):
    _gift(cast, people, 20)
    account = acct(people["resident"])
    lines = queries.statement_lines(account, newest_first=False)
    running = 0
    for line in lines:
        running += line["amount_minutes"]
        assert line["balance_after_minutes"] == running
    assert running == account.balance
    client = login(cast.user("resident"))
    response = client.get(f"/c/{SLUG}/timebank/accounts/{account.number}/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(lines)
    assert int(rows[-1]["balance_minutes"]) == account.balance
    other = acct(people["volunteer"])
    assert client.get(f"/c/{SLUG}/timebank/accounts/{other.number}/").status_code == 404
    staff = login(cast.user("coordinator"))
    assert staff.get(f"/c/{SLUG}/timebank/accounts/{other.number}/").status_code == 200


def test_the_report_counts_older_people_as_givers(cast):
    report = queries.community_report(cast.community)
    assert report["minutes_exchanged"] > 0
    assert report["minutes_given_by_older"] > 0
    assert report["reciprocal"] <= min(report["givers"], report["receivers"])


# --- Pages ------------------------------------------------------------------------------------


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


# --- API --------------------------------------------------------------------------------------

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
