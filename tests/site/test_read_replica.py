"""The read replica (kampung.dbrouter): only reads inside `reports()` go there — the
dashboard's figures, the time bank's reports, the gap analysis — and only outside a
transaction on the primary; every write and migration goes to the primary. In the
test settings the replica is a TEST MIRROR of the test database, so the same rows are
read through a second connection."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext

from kampung import dbrouter
from kampung.dbrouter import REPLICA, PrimaryReplicaRouter
from kampung.people.models import Member
from kampung.views import _compute_stats

router = PrimaryReplicaRouter()
both = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


@pytest.fixture
def replica_for_reports(settings):
    settings.KAMPUNG_REPORTS_DATABASE = REPLICA


class _Saved:
    def __init__(self, db):
        self._state = type("State", (), {"db": db})()


def test_reads_go_to_the_primary_unless_a_report_asks(replica_for_reports):
    assert router.db_for_read(Member) == DEFAULT_DB_ALIAS
    with dbrouter.reports():
        assert router.db_for_read(Member) == REPLICA
    assert router.db_for_read(Member) == DEFAULT_DB_ALIAS


def test_an_object_read_from_the_replica_loads_its_relations_from_the_primary_later(
    replica_for_reports,
):
    assert router.db_for_read(Member, instance=_Saved(REPLICA)) == DEFAULT_DB_ALIAS


def test_writes_always_go_to_the_primary(replica_for_reports):
    with dbrouter.reports():
        assert router.db_for_write(Member) == DEFAULT_DB_ALIAS
        assert router.db_for_write(Member, instance=_Saved(REPLICA)) == DEFAULT_DB_ALIAS


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "people", "member") is True
    assert router.allow_migrate(REPLICA, "people", "member") is False


def test_rows_from_the_primary_and_the_replica_may_be_related():
    assert router.allow_relation(_Saved(DEFAULT_DB_ALIAS), _Saved(REPLICA)) is True
    assert router.allow_relation(_Saved(REPLICA), _Saved(REPLICA)) is True
    assert router.allow_relation(_Saved(DEFAULT_DB_ALIAS), _Saved("elsewhere")) is None


def test_without_a_replica_reports_read_the_primary(settings):
    settings.KAMPUNG_REPORTS_DATABASE = DEFAULT_DB_ALIAS
    with dbrouter.reports():
        assert router.db_for_read(Member) == DEFAULT_DB_ALIAS
    # Nor when the setting names an alias that is not configured.
    settings.KAMPUNG_REPORTS_DATABASE = "nowhere"
    with dbrouter.reports():
        assert router.db_for_read(Member) == DEFAULT_DB_ALIAS


def test_inside_a_transaction_on_the_primary_reports_read_the_primary(db, replica_for_reports):
    """What the transaction wrote is not on the replica yet."""
    with transaction.atomic(), dbrouter.reports():
        assert router.db_for_read(Member) == DEFAULT_DB_ALIAS


def _selects_only(queries) -> bool:
    """Every query only reads (on PostgreSQL .iterator() reads through a DECLARE'd
    server-side cursor)."""
    for query in queries:
        sql = query["sql"].lstrip().upper()
        if sql.startswith("DECLARE") and " CURSOR " in sql:
            sql = sql.split(" FOR ", 1)[1]
        if not sql.startswith(("SELECT", "WITH")):
            return False
    return True


@both
def test_the_dashboard_figures_are_read_from_the_replica(cast, login, replica_for_reports):
    expected = _compute_stats.__wrapped__(cast.community)  # on the primary
    client = login(cast.user("coordinator"))  # staff: the figures unsuppressed
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        page = client.get(f"/c/{cast.community.slug}/")
    assert page.status_code == 200
    assert page.context["stats"] == expected
    assert len(on_replica) >= 4 and _selects_only(on_replica)

    def by_month(queries):  # the "new members by month" figure's query
        return [q for q in queries if "GROUP BY" in q["sql"] and "joined_on" in q["sql"]]

    assert by_month(on_replica) and not by_month(on_primary)
    assert _compute_stats(cast.community) == expected  # the same rows, read through the replica


@both
def test_the_time_bank_report_is_read_from_the_replica(cast, login, replica_for_reports):
    client = login(cast.user("analyst"))
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        answer = client.get(f"/api/v1/communities/{cast.community.slug}/timebank/reports")
    assert answer.status_code == 200, answer.content
    assert any("timebank_posting" in q["sql"] for q in on_replica)
    assert _selects_only(on_replica)


@both
def test_the_gap_analysis_is_read_from_the_replica(cast, login, replica_for_reports):
    client = login(cast.user("coordinator"))
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = client.get(f"/c/{cast.community.slug}/assets/gaps/")
    assert page.status_code == 200
    assert any("assets_asset" in q["sql"] for q in on_replica)
    assert _selects_only(on_replica)


@both
def test_pages_that_are_not_reports_never_touch_the_replica(cast, login, replica_for_reports):
    client = login(cast.user("coordinator"))
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        for path in ("people/", "assets/", "needs/", "offers/"):
            assert client.get(f"/c/{cast.community.slug}/{path}").status_code == 200
    assert len(on_replica) == 0
