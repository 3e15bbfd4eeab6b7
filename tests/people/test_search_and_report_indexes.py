"""The indexes the borough-scale measurements asked for (bench/queries.py): a trigram
index the search by name can use on PostgreSQL, and members by date joined for the
dashboard's "new members by month"."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from kampung.people.models import Member


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_member")  # the cast's few rows, counted
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres_only
def test_the_search_by_name_can_use_the_trigram_index(cast):
    """Django's icontains is UPPER(display_name::text) LIKE UPPER(...): the index is on
    that very expression, so the planner may use it (it does, from a few thousand
    members up: tens of thousands of seeded members are searched through it). With the
    cast's few rows a full pass over the people list's (community, name, id) index looks
    cheaper still, so that index is set aside (inside a savepoint, put back after) to
    ask only whether the trigram index can serve the search."""
    members = Member.objects.filter(display_name__icontains="mei ling")
    sql, params = members.order_by().values("id").query.sql_with_params()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX member_by_name")
        plan = _plan(sql, params)
        transaction.set_rollback(True)
    assert "member_name_trigram" in plan


@pytest.mark.postgres_only
def test_new_members_by_month_read_the_index_by_date_joined(cast):
    members = Member.objects.filter(community=cast.community, joined_on__gte="2026-01-01")
    sql, params = members.order_by().values("joined_on").query.sql_with_params()
    assert "member_joined" in _plan(sql, params)


def test_the_index_by_date_joined_exists_on_every_database(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "people_member")
    assert constraints["member_joined"]["columns"] == ["community_id", "joined_on"]
