"""Finding 6: every staff view of personal data is audit-logged. This walks every page
URL pattern and every GET operation of the API, fills path parameters with real ids
around one seeded member with a distinctive email, phone and balance, requests each as
a community developer and as an administrator, and wherever the response shows one of
those values, requires an AuditEvent(action="view") naming that member written by that
request. A new page that renders personal fields without logging fails here."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kampung.api import api
from kampung.audit.models import AuditEvent
from kampung.matching.models import Match, Need, Offer
from kampung.people.models import Consent, ConsentPurpose, Member, User
from kampung.timebank import actions as timebank
from kampung.timebank.ledger import format_minutes
from kampung.timebank.models import Exchange

EMAIL = "tess.target.7391@example.org"
PHONE = "+65 9137 4426"
BALANCE = 437  # minutes: shown as "7 h 17 min"
SKIP_PREFIXES = ("admin/", "api/v1/", "i18n/", "login/", "logout/", "w/")


def _page_routes(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _page_routes(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route


def _api_routes():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, operations in schema["paths"].items():
        if "get" in operations:
            yield path


@pytest.fixture
def target(cast):
    """Tess: a member with a login, a request matched with the volunteer (both sharing
    everything), a consent, an exchange and a balance of 437 minutes."""
    community, coordinator = cast.community, cast.user("coordinator")
    user = User.objects.create_user(EMAIL, "x-unused-1", display_name="Tess Target")
    tess = Member.objects.create(
        community=community, user=user, display_name="Tess Target", email=EMAIL, phone=PHONE
    )
    consent = Consent.objects.create(
        member=tess, purpose=ConsentPurpose.CONTACT_SHARING, wording_version="t",
        recorded_by=user,
    )  # fmt: skip
    need = Need.objects.create(
        community=community, member=tess, posted_by=user, title="Tess needs a lift",
        description="To the clinic on Monday",
    )  # fmt: skip
    volunteer = cast.members["volunteer"]
    match = Match.objects.create(
        need=need, helper=volunteer, offer=Offer.objects.filter(member=volunteer).first(),
        proposed_by=coordinator, status=Match.Status.COMPLETED, minutes_given=30,
        helper_shares="both", asker_shares="both",
    )  # fmt: skip
    account = timebank.account_for_member(tess)
    # The pool needs credits to allocate: the coordinator gives some first.
    timebank.give_credits(
        by=cast.user("resident"), community=community,
        to_account=timebank.pool_account(community), minutes=BALANCE,
        idempotency_key=uuid.uuid4().hex,
    )  # fmt: skip
    txn = timebank.allocate_from_pool(
        by=coordinator, community=community, to_account=account, minutes=BALANCE,
        reason="Welcome", idempotency_key=uuid.uuid4().hex,
    )  # fmt: skip
    exchange = timebank.record_exchange(
        by=user, community=community, provider=tess, receiver=volunteer, minutes=15,
        description="Watered plants", idempotency_key=uuid.uuid4().hex,
    )  # fmt: skip
    account.refresh_from_db()
    assert account.balance == BALANCE
    from kampung.people.actions import record_check

    check = record_check(
        by=coordinator, member=tess, level=2, checked_on=date.today() - timedelta(days=400),
        expires_on=date.today() + timedelta(days=20), checked_by="Woking Borough Council",
    )  # fmt: skip
    ids = {
        "slug": community.slug, "member_id": tess.pk, "need_id": need.pk,
        "match_id": match.pk, "consent_id": consent.pk, "number": account.number,
        "transaction_id": txn.pk, "exchange_id": exchange.pk,
        "offer_id": match.offer_id or 0,
        "organisation_id": community.organisations.order_by("pk").first().pk,
        "asset_id": community.assets.order_by("pk").first().pk,
        "workshop_id": 0, "item_id": 0, "upload": "none", "token": "none",
        "uidb64": "MQ", "prefix": "none", "session_id": 0, "check_id": check.pk,
        "email_id": 0,
        "fridge_id": _first_fridge(community),
        "report_id": 0, "alert_id": 0, "slot_id": 0,
        "listing_id": _first_listing(community), "key": "none", "request_id": 0,
        "signup_id": 0, "secret": "none", "photo_id": 0, "shop_id": 0,
    }  # fmt: skip
    assert Exchange.objects.filter(pk=exchange.pk).exists()
    return tess, ids


def _first_listing(community) -> int:
    from kampung.sharing.models import Listing

    return Listing.objects.filter(community=community).order_by("pk").first().pk


def _first_fridge(community) -> int:
    from kampung.fridges.models import Fridge

    return Fridge.objects.filter(community=community).order_by("pk").first().pk


def _fill(route: str, ids: dict) -> str:
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)
    return "/" + re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), route).lstrip("/")


def _shows(body: str) -> bool:
    if EMAIL in body or PHONE in body or format_minutes(BALANCE) in body:
        return True
    return bool(re.search(r'"balance(?:_minutes)?"\s*:\s*' + str(BALANCE) + r"\b", body))


def _urls(ids):
    pages = [r for r in _page_routes() if not r.startswith(SKIP_PREFIXES)]
    return [_fill(r, ids) for r in pages] + [_fill(r, ids) for r in _api_routes()]


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_every_staff_view_showing_personal_fields_is_logged(cast, client, target, role):
    tess, ids = target
    client.force_login(cast.user(role))
    showing, unlogged = [], []
    for url in _urls(ids):
        before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(url)
        body = response.content.decode(errors="replace")
        if response.get("Content-Type", "").startswith("application/json"):
            body = body + json.dumps(response.json()) if body else body
        if not _shows(body):
            continue
        showing.append(url)
        logged = AuditEvent.objects.filter(
            id__gt=before, action="view", object_type="people.Member", object_id=str(tess.pk)
        ).exists()
        if not logged:
            unlogged.append(url)
    assert unlogged == [], f"shown without an audit event naming the member: {unlogged}"
    # The walk is not vacuous: these pages do show Tess's details to staff.
    slug = cast.community.slug
    for expected in (
        f"/c/{slug}/people/{tess.pk}/",
        # (Not the edit form: Tess has a login, so staff are not shown her email and
        # phone there, only the fields they may change.)
        f"/c/{slug}/matches/{ids['match_id']}/",
        f"/api/v1/communities/{slug}/members/{tess.pk}",
        f"/api/v1/communities/{slug}/matches/{ids['match_id']}",
        f"/c/{slug}/timebank/accounts/",
    ):
        assert expected in showing, f"{expected} no longer shows the member's details?"
