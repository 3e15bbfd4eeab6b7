"""After a bulk load the planner's statistics are refreshed (kampung.db.analyze): on
PostgreSQL a never-analysed table is planned as if it held a handful of rows. The
helper runs on both engines; the seeder and a large spreadsheet import call it."""

from __future__ import annotations

import csv
import io

from django.db import connection

from kampung.assets import actions as asset_actions
from kampung.assets import importing
from kampung.assets.models import Asset
from kampung.db import analyze
from kampung.people.models import Member


def _extra_members(cast, n: int) -> None:
    Member.objects.bulk_create(
        Member(community=cast.community, display_name=f"Bulk {i:04d}") for i in range(n)
    )


def _planner_rows(table: str) -> int | None:
    """How many rows the planner believes the table holds (None: never measured)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            (rows,) = cursor.fetchone()
            return None if rows < 0 else int(rows)
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        stats = [int(row[0].split()[0]) for row in cursor.fetchall()]
        return max(stats) if stats else None


def test_it_measures_the_tables_on_this_engine(cast):
    # An odd number of new rows, so only an analyse made now can give this count.
    _extra_members(cast, 137)
    expected = Member.objects.count()
    assert _planner_rows("people_member") != expected
    assert analyze(Member, Member, Member.supported_by.through) == [
        "people_member",
        "people_member_supported_by",
    ]
    assert _planner_rows("people_member") == expected


def test_it_does_nothing_without_tables(db):
    assert analyze() == []


def test_the_seeder_analyses_what_it_loaded(empty_db, monkeypatch):
    from kampung import demo

    measured = []
    monkeypatch.setattr(demo, "analyze", lambda *models: measured.extend(models) or [])
    demo.seed_demo(members=30, seed=2)
    assert {Member, Asset, Member.supported_by.through} <= set(measured)
    # Seeding again creates nothing, and measures nothing again.
    measured.clear()
    demo.seed_demo(members=30, seed=2)
    assert measured == []


def test_the_seeded_tables_are_measured(empty_db):
    from kampung.demo import seed_demo

    seed_demo(members=30, seed=2)
    assert _planner_rows("people_member") == Member.objects.count()
    assert _planner_rows("assets_asset") == Asset.objects.count()


def _rows_csv(n: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Category", "Latitude", "Longitude"])
    for i in range(n):
        writer.writerow([f"Bulk place {i}", "place", f"{1.35 + i / 10000:.5f}", "103.94"])
    return out.getvalue().encode()


def _import(cast, n: int):
    return asset_actions.import_assets(
        by=cast.user("coordinator"),
        community=cast.community,
        rows=importing.read(_rows_csv(n), "bulk.csv"),
    )


def test_a_large_import_analyses_the_register_once_committed(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    measured = []
    monkeypatch.setattr(asset_actions, "analyze", lambda *models: measured.append(models))
    monkeypatch.setattr(asset_actions, "BULK_ROWS", 5)
    with django_capture_on_commit_callbacks(execute=True):
        plan = _import(cast, 6)
    assert plan.created == 6
    assert len(measured) == 1 and Asset in measured[0]


def test_a_small_import_leaves_it_to_autovacuum(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    measured = []
    monkeypatch.setattr(asset_actions, "analyze", lambda *models: measured.append(models))
    monkeypatch.setattr(asset_actions, "BULK_ROWS", 5)
    with django_capture_on_commit_callbacks(execute=True):
        _import(cast, 4)
    assert measured == []
