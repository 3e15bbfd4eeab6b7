"""The list pages' paginator: a page reads its rows and one more, the total is counted
only up to the cap, and odd page numbers land on a real page (as Django's get_page)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kampung.pagination import CappedPaginator, count_up_to
from kampung.people.models import Member


def test_it_pages_a_list_like_djangos_paginator():
    paginator = CappedPaginator(list(range(23)), 10)
    first, last = paginator.get_page(1), paginator.get_page(3)
    assert first.object_list == list(range(10)) and first.has_next()
    assert not first.has_previous() and first.has_other_pages()
    assert last.object_list == [20, 21, 22] and not last.has_next()
    assert last.previous_page_number() == 2 and last.start_index() == 21
    assert paginator.count == 23 and paginator.num_pages == 3 and paginator.count_is_exact


def test_odd_page_numbers_land_on_a_real_page():
    paginator = CappedPaginator(list(range(23)), 10)
    for asked, shown in (("abc", 1), (None, 1), ("0", 1), ("-4", 1), ("99", 3), (10**30, 3)):
        assert paginator.get_page(asked).number == shown
    assert CappedPaginator([], 10).get_page(5).number == 1
    assert not CappedPaginator([], 10).get_page(1).has_other_pages()


def test_past_the_cap_the_count_says_more_than():
    paginator = CappedPaginator(list(range(50)), 10, cap=20)
    page = paginator.get_page(2)
    assert page.has_next() and page.has_previous()
    assert paginator.count == 21 and not paginator.count_is_exact
    assert paginator.num_pages is None
    exact = CappedPaginator(list(range(50)), 10, cap=None)
    exact.get_page(2)
    assert exact.count == 50 and exact.count_is_exact and exact.num_pages == 5


def test_a_queryset_page_is_one_query_and_the_count_is_capped_in_sql(cast):
    members = Member.objects.filter(community=cast.community)
    total = members.count()
    assert total > 12
    paginator = CappedPaginator(members, 5, cap=12)
    with CaptureQueriesContext(connection) as ctx:
        page = paginator.get_page(2)
    assert len(ctx.captured_queries) == 1 and len(page) == 5 and page.has_next()
    assert [m.pk for m in page] == list(members.values_list("pk", flat=True)[5:10])
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count == 13
    (query,) = ctx.captured_queries
    assert "LIMIT 13" in query["sql"] and "ORDER BY" not in query["sql"]
    assert count_up_to(members, cap=None) == total
    # The last page knows the total without counting.
    last = CappedPaginator(members, 5)
    with CaptureQueriesContext(connection) as ctx:
        last.get_page(-(-total // 5))
        assert last.count == total
    assert len(ctx.captured_queries) == 1
