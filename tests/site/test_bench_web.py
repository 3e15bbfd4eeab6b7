"""The web benchmark's pieces (bench/web*.py) at a tiny scale: its seed writes what the
app itself would keep (offers its own rules accept, their personal assets in step, a
ledger that verifies), its login cookie opens the pages it loads, its offer change goes
through the app's action, the bare view answers 2 KB, and the client reads answers and
percentiles right. `make bench BENCH=web` itself runs gunicorn on PostgreSQL."""

from __future__ import annotations

import json

import pytest

from bench.web import percentile, seed_params
from bench.web_load import parse_response
from kampung.assets.models import Category
from kampung.people.models import ConsentPurpose

MEMBERS, OFFERS, ASSETS, POSTINGS = 80, 300, 40, 200


@pytest.fixture
def seeded(db):
    from bench import web_seed

    counts = web_seed.seed(MEMBERS, OFFERS, ASSETS, POSTINGS)
    return counts, web_seed.marker()


def test_it_seeds_offers_the_app_would_accept_with_their_assets_in_step(seeded):
    from kampung.matching.actions import _validate_offer
    from kampung.matching.models import Offer
    from kampung.people.models import Consent

    counts, info = seeded
    assert counts["n_offers"] == OFFERS
    assert counts["n_members"] == MEMBERS + 1  # and the community developer
    assert counts["n_shared_assets"] == ASSETS
    assert counts["n_assets"] == ASSETS + OFFERS
    showing = set(
        Consent.objects.filter(
            purpose=ConsentPurpose.PROFILE_VISIBLE, withdrawn_at__isnull=True
        ).values_list("member_id", flat=True)
    )
    offers = (
        Offer.objects.filter(community__slug=info["slug"])
        .select_related("asset")
        .prefetch_related("tags", "asset__tags")
    )
    for offer in offers:
        _validate_offer(offer)  # raises if the app would refuse it
        asset = offer.asset
        assert asset.category == Category.PERSONAL
        assert asset.steward_member_id == offer.member_id
        assert (asset.name, asset.description) == (offer.title, offer.description)
        assert (asset.lat, asset.lng, asset.location_kind) == (
            offer.lat,
            offer.lng,
            offer.location_kind,
        )
        assert (asset.status, asset.languages) == (offer.status, offer.languages)
        assert {t.code for t in asset.tags.all()} == {t.code for t in offer.tags.all()}
        assert any(t.scheme == "skill" for t in offer.tags.all())
        assert asset.visibility == ("members" if offer.member_id in showing else "private")


def test_its_ledger_verifies_and_the_statement_has_every_posting(seeded):
    from kampung.timebank.models import Account
    from kampung.timebank.queries import statement_lines
    from kampung.timebank.verify import verify

    counts, info = seeded
    assert verify()["problems"] == []
    account = Account.objects.get(number=info["account_number"])
    lines = statement_lines(account)
    assert len(lines) == counts["n_statement_postings"] == POSTINGS
    assert lines[0]["balance_after_minutes"] == account.balance


def test_the_candidates_request_has_candidates(seeded):
    from kampung.matching import kept
    from kampung.matching.candidates import reference_rank
    from kampung.matching.models import Need
    from kampung.people.models import User

    _counts, info = seeded
    need = Need.objects.get(pk=info["need_id"])
    coordinator = User.objects.get(email=info["coordinator_email"])
    ranked = kept.rank_need(coordinator, need).matches
    assert len(ranked) == 10
    assert ranked == reference_rank(coordinator, need)[0]


def test_its_login_cookie_opens_every_page_it_loads(seeded, client):
    from bench import web_seed

    _counts, info = seeded
    name, _eq, value = web_seed.prepare()["cookie"].partition("=")
    client.cookies[name] = value
    slug = info["slug"]
    for url in (
        f"/c/{slug}/",
        f"/c/{slug}/people/",
        f"/c/{slug}/needs/{info['need_id']}/",
        f"/api/v1/communities/{slug}/needs/{info['need_id']}/candidates",
        f"/c/{slug}/timebank/accounts/{info['account_number']}/",
        f"/api/v1/communities/{slug}/assets/map?bbox=103.7,1.25,104.0,1.45&zoom=11",
    ):
        assert client.get(url).status_code == 200, url


def test_touch_changes_one_offer_through_the_action(seeded):
    from bench import web_seed
    from kampung.matching.models import Offer

    _counts, info = seeded
    before = Offer.objects.get(pk=info["touch_offer_id"]).travel_km
    changed = web_seed.touch()
    offer = Offer.objects.select_related("asset").get(pk=info["touch_offer_id"])
    assert offer.travel_km == changed["travel_km"] != before
    assert offer.asset.name == offer.title


def test_the_marker_names_this_seed(seeded):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT params FROM bench_web_seed")
        params = json.loads(cursor.fetchone()[0])
    assert params == seed_params(MEMBERS, OFFERS, ASSETS, POSTINGS)


@pytest.mark.urls("bench.web_urls")
def test_the_bare_view_answers_2kb_of_json(client):
    response = client.get("/bench/bare/")
    assert response.status_code == 200
    assert len(response.content) == 2048
    assert json.loads(response.content)["items"]


def test_the_client_reads_whole_answers_only():
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
    assert parse_response(ok) == (200, "")
    assert parse_response(ok[:-2]) == (200, "body cut off: 3 of 5 bytes")
    assert parse_response(b"HTTP/1.1 302 Found\r\nLocation: /login/\r\n\r\n") == (
        302,
        "status 302",
    )
    assert parse_response(b"")[0] is None
    assert parse_response(b"garbage\r\n\r\n")[0] is None


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 95) is None
