"""Statements with running balances and CSV, and the community report."""

from __future__ import annotations

import csv
import io

from kampung.timebank import queries
from tests.timebank.helpers import SLUG, _gift, acct


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
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
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
