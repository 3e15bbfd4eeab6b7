"""No CSV Kampung writes can run a formula in a spreadsheet (CSV injection): names that
anonymous workshop participants type, notes on gifts, and everything else a person
writes come out as text, while numbers (negative ones too) stay numbers."""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal

import pytest

from kampung.assets.models import Asset
from kampung.exports import csv_text, safe_cell
from kampung.timebank import actions as timebank
from kampung.workshops import actions as workshop_actions
from kampung.workshops.models import WorkshopItem

HOSTILE = '=HYPERLINK("http://x","click")'


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _inert(cell: str) -> bool:
    return not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    "value,written",
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Block 12 void deck", "Block 12 void deck"),
        ("-45", "-45"),
        ("-0.548", "-0.548"),
        (-45, -45),
        (-0.548, -0.548),
        (Decimal("-1.5"), Decimal("-1.5")),
        (None, ""),
        (["en", "ms"], "en; ms"),
    ],
)
def test_each_cell_is_text_or_a_number(value, written):
    assert safe_cell(value) == written


def test_a_written_file_parses_back_with_the_formulas_inert():
    text = csv_text(["name", "minutes"], [[HOSTILE, -45], ["@SUM(A1)", 30]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "minutes"], ["'" + HOSTILE, "-45"], ["'@SUM(A1)", "30"]]


def test_an_asset_named_by_an_anonymous_participant_exports_as_text(cast, client, login):
    """The attack: someone at a workshop, without an account, names an item with a
    formula; the facilitator publishes it; a community developer exports the map."""
    workshop = workshop_actions.open_workshop(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Asset mapping at the void deck",
        held_on="2026-11-20",
    )
    join = f"/w/{workshop.token}/"
    assert client.get(join).status_code == 200  # anonymous: no login
    for name in (HOSTILE, "@SUM(A1)"):
        response = client.post(
            join,
            {
                "name": name,
                "category": "place",
                "location_kind": "point",
                "lat": "1.3531",
                "lng": "103.9442",
                "contact": "",
                "offered_by": "-2+3",
            },
        )
        assert response.status_code == 302, response.content
    items = list(workshop.items.all())
    assert {i.name for i in items} == {HOSTILE, "@SUM(A1)"}
    assert all(i.added_by_user is None for i in items)
    workshop_actions.mark_items(
        by=cast.user("coordinator"),
        workshop=workshop,
        item_ids=[i.pk for i in items],
        status=WorkshopItem.Status.ACCEPTED,
    )
    workshop_actions.publish_items(by=cast.user("coordinator"), workshop=workshop)
    assert Asset.objects.filter(name=HOSTILE).exists()

    staff = login(cast.user("coordinator"))
    content = staff.get(f"/api/v1/communities/{cast.community.slug}/assets.csv").content
    rows = _rows(content)
    header, body = rows[0], rows[1:]
    names = [row[header.index("name")] for row in body]
    assert "'" + HOSTILE in names and "'@SUM(A1)" in names
    for row in body:
        assert all(_inert(cell) or cell.lstrip("-").replace(".", "", 1).isdigit() for cell in row)
    # Numbers are still numbers: coordinates parse as floats.
    lats = [row[header.index("lat")] for row in body if row[header.index("lat")]]
    assert lats and all(float(v) for v in lats)


def test_time_bank_statements_and_the_ledger_export_are_inert(cast, login):
    resident, volunteer = cast.members["resident"], cast.members["volunteer"]
    to = timebank.account_for_member(volunteer)
    for note in ("=HYPERLINK(1)", "\tcmd", "\r=1", "@me"):
        timebank.give_credits(
            by=cast.user("resident"),
            community=cast.community,
            to_account=to,
            minutes=5,
            note=note,
            idempotency_key=uuid.uuid4().hex,
        )
    account = timebank.account_for_member(resident)
    me = login(cast.user("resident"))
    statement = _rows(
        b"".join(
            me.get(
                f"/c/{cast.community.slug}/timebank/accounts/{account.number}/?format=csv"
            ).streaming_content
        )
    )
    staff = login(cast.user("coordinator"))
    ledger = _rows(
        b"".join(
            staff.get(f"/c/{cast.community.slug}/timebank/ledger/?format=csv").streaming_content
        )
    )
    for rows in (statement, ledger):
        header, body = rows[0], rows[1:]
        assert body
        for row in body:
            for name, cell in zip(header, row, strict=True):
                if name in ("minutes", "balance_minutes", "balance_after_minutes") and cell:
                    int(cell)  # numbers stay numbers, negative ones too
                elif name != "amount":  # "+20 min", "−5 min": a minus sign, not "-"
                    assert _inert(cell), (name, cell)
    descriptions = [row[rows[0].index("description")] for row in ledger[1:]]
    # Notes are stripped of surrounding space when given; what is left is still inert.
    assert {"'=HYPERLINK(1)", "'=1", "'@me"} <= set(descriptions)
