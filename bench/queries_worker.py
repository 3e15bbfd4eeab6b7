"""Runs inside the seeded database (see bench/queries.py): walk a community developer's
pages recording every statement (each page once warm, with the cache emptied), then
time the heaviest page queries and EXPLAIN them. Prints one JSON line."""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import date

COMMUNITY = "kampung-seri-mawar"
COORDINATOR = "coordinator@demo.kampung.test"
# What someone types to find "Mei Ling Tan": a surname fragment (the demo has only 300
# distinct names, so this matches 1 member in 15: a worst case) and the whole name.
SEARCH = "tan"
SEARCH_FULL = "mei ling tan"
BIG_TABLE_ROWS = 10_000  # a sequential scan over more rows than this is worth a note


def _statements(fn):
    """(result, [(ms, sql)]) for one call of fn."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return result, [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]


def _readable(sql: str) -> str:
    """The statement without a server-side cursor's DECLARE (.iterator() on PostgreSQL)."""
    head = sql.lstrip()
    if head.upper().startswith("DECLARE") and " FOR " in head:
        return head.split(" FOR ", 1)[1]
    return head


def _plan_notes(sql: str) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement, in a few words: every scan with its
    table, index and rows, and the times."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + _readable(sql))
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    scans, notes = [], []

    def walk(node):
        kind = node["Node Type"]
        if "Scan" in kind:
            rows = int(node.get("Actual Rows", 0) * node.get("Actual Loops", 1))
            text = f"{kind} on {node.get('Relation Name', '?')}"
            if node.get("Index Name"):
                text += f" using {node['Index Name']}"
            text += f" ({rows:,} rows)"
            scans.append(text)
            if kind == "Seq Scan" and rows + node.get("Rows Removed by Filter", 0) > BIG_TABLE_ROWS:
                notes.append(f"sequential scan of {node.get('Relation Name')}")
        if kind == "Sort" and node.get("Sort Space Type") == "Disk":
            notes.append("sort spilled to disk")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return {
        "scans": scans,
        "notes": notes,
        "planning_ms": round(plan.get("Planning Time", 0), 2),
        "execution_ms": round(plan.get("Execution Time", 0), 2),
        "shared_hit_blocks": plan["Plan"].get("Shared Hit Blocks", 0),
        "shared_read_blocks": plan["Plan"].get("Shared Read Blocks", 0),
    }


def _time(fn, repeats: int) -> dict:
    fn()  # warm: connection, caches, the planner's statistics
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    _result, statements = _statements(fn)
    slowest_ms, slowest = max(statements)
    return {
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "statements": len(statements),
        "slowest_statement_ms": round(slowest_ms, 2),
        "slowest_statement": " ".join(_readable(slowest).split())[:400],
        "explain": _plan_notes(slowest),
    }


def main(repeats: int) -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.paginator import Paginator
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kampung import policy
    from kampung.assets import geo
    from kampung.assets.queries import AssetFilters, cells_in, filtered
    from kampung.communities.models import Community
    from kampung.people.models import Member, User
    from kampung.people.queries import named
    from kampung.views import _compute_stats, joined_per_month, members_and_counted

    setup_test_environment()
    community = Community.objects.get(slug=COMMUNITY)
    user = User.objects.get(email=COORDINATOR)
    slug = community.slug

    # 1. Every statement of a community developer's pages, once each (cold caches).
    client = Client()
    client.force_login(user)
    d = 0.03
    box = (
        f"{community.centre_lng - d},{community.centre_lat - d},"
        f"{community.centre_lng + d},{community.centre_lat + d}"
    )
    pages = [
        f"/c/{slug}/",
        f"/c/{slug}/people/",
        f"/c/{slug}/people/?q={SEARCH}",
        f"/c/{slug}/people/?page=200",
        f"/c/{slug}/assets/",
        f"/api/v1/communities/{slug}/assets/map?bbox={box}&zoom=13",
        f"/api/v1/communities/{slug}/assets/map?bbox={box}&zoom=13&tag=driving",
        f"/c/{slug}/assets/gaps/",
        f"/c/{slug}/needs/",
        f"/c/{slug}/offers/",
        f"/c/{slug}/timebank/",
        f"/c/{slug}/timebank/reports/",
    ]
    for path in pages:  # warm: imports, templates, URL resolving
        client.get(path)
    walked, page_ms = [], {}
    for path in pages:
        cache.clear()
        started = time.perf_counter()
        response, statements = _statements(lambda path=path: client.get(path))
        page_ms[path] = {
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "statements": len(statements),
        }
        walked += [(ms, path, sql) for ms, sql in statements]
    walked.sort(reverse=True)
    heaviest_statements = [
        {"ms": round(ms, 2), "page": path, "sql": " ".join(_readable(sql).split())[:300]}
        for ms, path, sql in walked[:12]
    ]

    # 2. The heaviest page queries, timed as the pages run them.
    members = policy.visible_members(user, community)
    _members, counted = members_and_counted(community)
    today = date.today()
    year, month = (today.year - 1, today.month + 1) if today.month < 12 else (today.year, 1)
    since = date(year, month, 1)
    tag_filter = AssetFilters(tag="driving")
    map_box = geo.Box.parse(box)

    def people_page(q: str = ""):
        qs = named(members, q) if q else members  # as the people page does
        page = Paginator(qs.only("id", "display_name", "role", "joined_on"), 25).get_page(1)
        return page.paginator.count, list(page.object_list)

    queries = {
        "people_list_first_page": people_page,
        "dashboard_figures": lambda: _compute_stats.__wrapped__(community),
        "member_search_by_name": lambda: people_page(SEARCH),
        "member_search_by_full_name": lambda: people_page(SEARCH_FULL),
        "members_by_month": lambda: joined_per_month(counted, since=since),
        "asset_map_count_by_cell": lambda: cells_in(
            filtered(user, community, tag_filter).exclude(lat=None), map_box, 13
        ),
    }
    timed = {name: _time(fn, repeats) for name, fn in queries.items()}
    print(
        json.dumps(
            {
                "repeats": repeats,
                "members_in_community": Member.objects.filter(community=community).count(),
                "counted_members": counted.count(),
                "queries": timed,
                "pages": page_ms,
                "heaviest_statements_on_pages": heaviest_statements,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
