"""The dashboard and the list pages cost the same number of queries with a few rows or
many: each reads a page (and counts no further than the cap), and nothing is read per
row. Measured with 5 and with 50 more members, offers, assets, log entries and ledger
entries than the demo has (the dashboard with its figures computed afresh each time),
and for the lists with 55 and 100 more: a list that fits on one page knows its length
without counting, so it makes one query fewer than a longer one, and no more after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kampung.assets.models import Asset, Category
from kampung.audit.models import AuditEvent
from kampung.matching.models import Need, Offer
from kampung.pagination import CappedPaginator
from kampung.people.models import Consent, ConsentPurpose, Member
from kampung.people.system import system_user
from kampung.timebank import actions as timebank
from kampung.timebank.models import Account, new_account_number
from kampung.timebank.posting import post


def _more_rows(cast, n: int, start: int) -> None:
    """`n` more of everything the pages list or count, as bulk inserts."""
    community = cast.community
    members = Member.objects.bulk_create(
        Member(community=community, display_name=f"Extra {start + i:04d}", skills=["it-help"])
        for i in range(n)
    )
    partner = cast.members["partner"]
    Member.supported_by.through.objects.bulk_create(
        Member.supported_by.through(member_id=m.pk, organisation_id=partner.organisation_id)
        for m in members
    )
    system = system_user()
    Consent.objects.bulk_create(
        Consent(
            member=m,
            purpose=purpose,
            wording_version="2026-11",
            given_at=timezone.now(),
            recorded_by=system,
        )
        for m in members
        for purpose in (ConsentPurpose.AGGREGATE_RESEARCH, ConsentPurpose.PARTNER_SHARING)
    )
    Offer.objects.bulk_create(
        Offer(community=community, member=m, kind="time", title="A hand") for m in members
    )
    Need.objects.bulk_create(
        Need(community=community, member=m, posted_by=system, title="A lift to the clinic")
        for m in members
    )
    overdue = timezone.localdate() - dt.timedelta(days=3)
    Asset.objects.bulk_create(
        Asset(
            community=community,
            name=f"Extra place {start + i}",
            category=Category.PLACE,
            lat=1.35,
            lng=103.94,
            review_due=overdue,
        )
        for i in range(n)
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            community_id=community.pk,
            action=AuditEvent.Action.VIEW,
            object_type="people.Member",
            object_id=str(m.pk),
            summary="Looked",
            changes={},
        )
        for m in members
    )
    accounts = Account.objects.bulk_create(
        Account(
            community=community, kind=Account.Kind.MEMBER, member=m, number=new_account_number()
        )
        for m in members
    )
    pool = timebank.pool_account(community)
    Account.objects.filter(pk=pool.pk).update(lower_limit=None)
    for account in accounts:
        post(
            community=community,
            kind="allocation",
            lines=[(pool, -10, "x"), (account, 10, "x")],
            by=cast.user("coordinator"),
        )


def _queries(client, url: str) -> int:
    cache.clear()  # the dashboard's figures are computed again, every time
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


PAGES = [
    ("coordinator", "dashboard"),
    ("admin", "dashboard"),
    ("partner", "dashboard"),
    ("resident", "dashboard"),
    ("coordinator", "member_list"),
    ("partner", "member_list"),
    ("coordinator", "asset_map"),
    ("admin", "audit_log"),
    ("coordinator", "organisation_list"),
    ("coordinator", "timebank_ledger"),
    ("coordinator", "timebank_accounts"),
    ("coordinator", "need_list"),
]


@pytest.mark.parametrize("role,page", PAGES)
def test_a_page_costs_the_same_queries_with_5_or_50_more_rows(cast, client, role, page):
    client.force_login(cast.user(role))
    url = reverse(page, args=[cast.community.slug])
    _more_rows(cast, 5, 0)
    few = _queries(client, url)
    _more_rows(cast, 45, 5)
    many = _queries(client, url)
    if page == "dashboard":
        assert few == many
    else:
        assert many - few in (0, 1)  # the count, once the list runs past one page
        _more_rows(cast, 50, 50)
        assert _queries(client, url) == many


def test_pages_past_the_first_cost_the_same_too(cast, client):
    client.force_login(cast.user("coordinator"))
    _more_rows(cast, 50, 0)
    url = reverse("member_list", args=[cast.community.slug])
    assert _queries(client, url) == _queries(client, url + "?page=3")


def test_a_long_list_counts_up_to_the_cap_and_says_more_than(cast, client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "__init__", _capped_at(20))
    _more_rows(cast, 50, 0)
    client.force_login(cast.user("coordinator"))
    response = client.get(reverse("member_list", args=[cast.community.slug]), {"page": 2})
    html = response.content.decode()
    assert "More than 20 people" in html
    assert "Page 2" in html and "Page 2 of" not in html
    assert "page=1" in html and "page=3" in html
    assets = client.get(reverse("asset_map", args=[cast.community.slug])).content.decode()
    assert "More than 20 assets" in assets


def _capped_at(cap: int):
    original = CappedPaginator.__init__

    def __init__(self, object_list, per_page, *, cap_=cap, **kwargs):
        original(self, object_list, per_page, cap=cap_)

    return __init__
