"""The ledger cannot be rewritten: the model, the database and the admin refuse, and
`ledger verify` reports tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from kampung.timebank.models import (
    Account,
    ImmutableError,
    Posting,
    Transaction,
)
from tests.timebank.helpers import _gift, acct


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
