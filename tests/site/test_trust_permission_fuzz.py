"""Permission fuzz: every operation in the API's OpenAPI schema, called by every role on
the OTHER community's objects, is refused and writes nothing.

The operations are read from the schema itself, so a new endpoint is attacked the day it
is added. For each operation, role and target kind there is one request:

- ``their-slug``: the other community's slug, with its ids everywhere (path and body).
  Someone with no role there is told it does not exist: 404.
- ``their-ids-in-path``: the caller's own community, with the other community's ids in
  the path (member, asset, need, match, exchange, account, transaction, workshop...):
  403 or 404.
- ``their-id-in-body:<field>``: the caller's own community and own objects, except one
  field of the body naming the other community's object (an account number, a member
  id, a match id...): refused (403, 404 or 422), one field at a time.

Every refusal must be the one error body, must not name anyone or anything of the other
community, and must leave every table as it was (rows compared before and after).
Callers: each role in Kampung Seri Mawar against Woking East, and Woking East's
resident, community developer and administrator against Kampung Seri Mawar, plus a
login with no community at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from kampung.api import api
from kampung.assets.models import Asset
from kampung.communities.models import Community, Organisation
from kampung.matching.models import Match, Need
from kampung.people.actions import create_api_token
from kampung.people.models import Consent, ConsentPurpose, Member, Role, User
from kampung.timebank import actions as timebank
from kampung.timebank.models import Exchange, Transaction
from kampung.workshops import actions as workshops

SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path, op)
    for path, ops in SCHEMA["paths"].items()
    for method, op in ops.items()
    if method in {"get", "post", "put", "patch", "delete"}
]

# Body fields that name another object, and the kind of object they name.
BODY_REFS = {
    "member_id": "member",
    "host": "member",
    "giver": "member",
    "on_behalf_of": "member",
    "attendees": "members",
    "organisation_id": "organisation",
    "provider": "account",
    "receiver": "account2",
    "to_account": "account",
    "paid_by": "organisation_account",
    "match_id": "match",
    "items": "items",
    "others": "items",
    "keep": "item",
    "candidate_id": "candidate",
    "request_id": "gift_request",
    "shop_id": "shop",
}
# Path parameters and the object they name.
PATH_REFS = {
    "member_id": "member",
    "consent_id": "consent",
    "asset_id": "asset",
    "workshop_id": "workshop",
    "item_id": "item",
    "need_id": "need",
    "match_id": "match",
    "number": "account",
    "exchange_id": "exchange",
    "transaction_id": "transaction",
    "organisation_id": "organisation",
    "fridge_id": "fridge",
    "slot_id": "fridge_slot",
    "alert_id": "fridge_alert",
    "listing_id": "listing",
    "photo_id": "photo",
    "request_id": "gift_request",
    "session_id": "session",
    "signup_id": "signup",
}
# Where a refusal names a reference field under another name.
ERROR_FIELDS = {"keep": ("items",), "others": ("items",)}
# Free-text fields whose valid values the schema does not (yet) list.
PLAUSIBLE = {"status": "accepted", "kind": "skill", "mode": "in_person", "category": "place"}
# Naming another community's object is allowed here, by design.
ACROSS_BY_DESIGN = {
    # Credits can be given to a person in another community through both communities'
    # clearing accounts (kampung.timebank.actions.give_credits).
    ("POST", "/api/v1/communities/{slug}/timebank/gifts", "to_account"),
}
# Tables a refused request may touch: the caller's own login session and token use.
NOT_COMPARED = {"django_session", "people_apitoken"}


@dataclass
class Objects:
    """One of each kind of object a request can name, in one community."""

    community: Community
    ids: dict = field(default_factory=dict)
    secrets: set = field(default_factory=set)  # names and contacts that must not leak


def _ensure_objects(community: Community, staff: User) -> Objects:
    """Find one object of every kind in `community`, creating what the seed lacks."""
    today = dt.date.today()
    people = list(
        Member.objects.filter(community=community, user=None, is_active=True).order_by("pk")[:3]
    )
    member, second, helper = people
    organisation = Organisation.objects.create(
        name=f"{community.name} fuzz lunch club", kind=Organisation.Kind.INFORMAL_GROUP
    )
    organisation.communities.add(community)
    consent = Consent.objects.filter(member=member).first() or Consent.objects.create(
        member=member, purpose=ConsentPurpose.PROFILE_VISIBLE, wording_version="v1"
    )
    asset = Asset.objects.filter(community=community).order_by("pk").first()
    need = Need.objects.create(
        community=community, member=member, posted_by=staff, title="Fuzz need", description="x"
    )
    match = Match.objects.create(need=need, helper=helper, proposed_by=staff)
    workshop = workshops.open_workshop(
        by=staff, community=community, title=f"{community.name} fuzz workshop", held_on=today
    )
    item = workshops.add_item(
        workshop=workshop,
        participant="fuzzfuzz",
        name="Fuzz bench",
        category="place",
        address="Hall",
    )
    account = timebank.account_for_member(member)
    account2 = timebank.account_for_member(second)
    org_account = timebank.open_organisation_account(
        by=staff, community=community, organisation=organisation
    )
    exchange = Exchange.objects.filter(community=community).order_by("pk").first()
    if exchange is None:
        exchange = timebank.record_exchange(
            by=staff,
            community=community,
            provider=helper,
            receiver=member,
            minutes=30,
            description="Fuzz exchange",
            idempotency_key=f"fuzz-{community.pk}",
        )
    transaction = Transaction.objects.filter(community=community).order_by("pk").first()
    if transaction is None:
        transaction = timebank.give_credits(
            by=staff,
            community=community,
            to_account=account2,
            minutes=10,
            note="Fuzz gift",
            giver=member,
            idempotency_key=f"fuzz-gift-{community.pk}",
        )
    fridge, fridge_slot, fridge_alert = _fridge_objects(community, staff)
    gift = _gift_objects(community, staff, member)
    session, signup = _a_session(community, staff, member)
    token, _secret = create_api_token(user=staff, name="fuzz")
    ids = {
        "fridge": fridge.pk,
        "fridge_slot": fridge_slot.pk,
        "fridge_alert": fridge_alert.pk,
        "slug": community.slug,
        "token_prefix": token.prefix,
        "member": member.pk,
        "members": [member.pk, second.pk],
        "organisation": organisation.pk,
        "consent": consent.pk,
        "asset": asset.pk,
        "need": need.pk,
        "match": match.pk,
        "workshop": workshop.pk,
        "item": item.pk,
        "items": [item.pk],
        "account": account.number,
        "account2": account2.number,
        "organisation_account": org_account.number,
        "exchange": exchange.pk,
        "transaction": transaction.pk,
        "candidate": f"profile:{helper.pk}",
        **gift,
        "session": session.pk,
        "signup": signup.pk,
    }
    secrets = set()
    for m in Member.objects.filter(community=community):
        secrets |= {m.display_name, m.email, m.phone}
    secrets |= set(Asset.objects.filter(community=community).values_list("name", flat=True))
    secrets |= set(Need.objects.filter(community=community).values_list("title", flat=True))
    secrets |= {workshop.title, organisation.name, f"{community.name} fuzz kettle"}
    secrets |= {session.title}
    return Objects(community, ids, {s for s in secrets if s and len(s) >= 6})


def _fridge_objects(community: Community, staff: User):
    """A community fridge with a rota day and an alert (the demo has them only in Kampung
    Seri Mawar)."""
    from kampung.fridges import actions as fridges
    from kampung.fridges.models import Alert, Fridge, Slot

    fridge = Fridge.objects.filter(community=community).order_by("pk").first()
    if fridge is None:
        fridge = fridges.add_fridge(
            by=staff,
            community=community,
            name=f"{community.name} fuzz fridge",
            lat=community.centre_lat,
            lng=community.centre_lng,
        )
    slot = Slot.objects.filter(fridge=fridge).order_by("pk").first() or Slot.objects.create(
        community=community, fridge=fridge, day=dt.date.today()
    )
    alert = Alert.objects.filter(fridge=fridge).order_by("pk").first() or fridges.raise_alert(
        fridge=fridge, kind="warm", key=f"fuzz-warm:{fridge.pk}", text="Fuzz warm reading"
    )
    return fridge, slot, alert


def _gift_objects(community: Community, staff: User, member: Member) -> dict:
    """Gift and take: an item with a photo and someone's request, and a shop."""
    import io

    from PIL import Image

    from kampung.sharing import actions as gifts
    from kampung.sharing.models import GiftRequest
    from kampung.sharing.queries import SHOP_SUBTYPE

    picture = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(picture, format="PNG")
    picture.seek(0)
    listing = gifts.list_item(
        by=staff,
        community=community,
        title=f"{community.name} fuzz kettle",
        category="kitchen",
        pickup_area="Fuzz block",
        photos=[picture],
    )
    request = GiftRequest.objects.create(listing=listing, member=member)
    shop = Asset.objects.create(
        community=community,
        name=f"{community.name} fuzz shop",
        category="place",
        subtype=SHOP_SUBTYPE,
    )
    return {
        "listing": listing.pk,
        "photo": listing.photos.get().pk,
        "gift_request": request.pk,
        "shop": shop.pk,
    }


def _a_session(community: Community, staff: User, member: Member):
    """A skill-sharing session with one sign-up (of a member without a login)."""
    from kampung.skillshare.models import Session, SignUp

    session = Session.objects.create(
        community=community,
        title=f"{community.name} fuzz session",
        host=member,
        capacity=4,
        starts_on=dt.date.today(),
        start_time=dt.time(10, 0),
        minutes=60,
        repeat="weekly",
        rrule="FREQ=WEEKLY",
        created_by=staff,
    )
    signup = SignUp.objects.create(session=session, member=member, state="booked")
    return session, signup


def _staff(community: Community, role: str, email: str) -> User:
    user = User.objects.create_user(email, "fuzz-password-1", display_name=f"Fuzz {role}")
    Member.objects.create(community=community, user=user, display_name=f"Fuzz {role}", role=role)
    return user


# --- Requests from the schema -------------------------------------------------------------


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


class Keys:
    n = 0

    @classmethod
    def next(cls) -> str:
        cls.n += 1
        return f"fuzz-key-{cls.n}"


def _value(schema: dict, name: str = ""):
    """A plausible valid value for `schema`, so a refusal is about permission and not a
    badly formed request."""
    schema = _resolve(schema)
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _value(option, name)
    if "enum" in schema:
        return schema["enum"][0]
    if name in PLAUSIBLE:
        return PLAUSIBLE[name]
    kind = schema.get("type")
    if kind == "object":
        required = set(schema.get("required", []))
        return {
            key: _value(prop, key)
            for key, prop in schema.get("properties", {}).items()
            if key in required
        }
    if kind == "array":
        return [_value(schema["items"], name)] * schema.get("minItems", 0)
    if kind == "integer":
        low, high = schema.get("minimum", 1), schema.get("maximum", 10**6)
        return min(max(60, low), high)
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return dt.date.today().isoformat()
    if schema.get("format") == "binary":
        return SimpleUploadedFile("assets.csv", b"name,category\nFuzz hall,place\n", "text/csv")
    if "pattern" in schema and ":" in schema["pattern"]:
        return "10:00"
    if name == "idempotency_key":
        return Keys.next()
    text = "fuzz-attack-text"
    return text[: schema.get("maxLength", len(text))]


def _body(op: dict, refs: dict[str, object], victim_field: str = "") -> tuple[dict | None, str]:
    """The request body: required fields filled in, required references from `refs`, and
    `victim_field` (if any) from the other community's objects, set by the caller."""
    content = op.get("requestBody", {}).get("content", {})
    if not content:
        return None, ""
    media, spec = next(iter(content.items()))
    schema = _resolve(spec["schema"])
    body = _value(schema)
    for key in schema.get("properties", {}):
        if key in BODY_REFS and (key in body or key == victim_field):
            body[key] = refs[BODY_REFS[key]]
    return body, media


def _body_ref_fields(op: dict) -> list[str]:
    content = op.get("requestBody", {}).get("content", {})
    if not content:
        return []
    schema = _resolve(next(iter(content.values()))["schema"])
    return [key for key in schema.get("properties", {}) if key in BODY_REFS]


def _path_params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _url(path: str, op: dict, path_refs: dict) -> str:
    url = path
    for name in _path_params(path):
        value = path_refs["slug"] if name == "slug" else path_refs.get(PATH_REFS.get(name), 1)
        url = url.replace("{" + name + "}", str(value))
    query = {
        p["name"]: _value(p["schema"], p["name"])
        for p in op.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
    if "status" in query:
        query["status"] = "closed"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _send(client, method: str, url: str, body, media: str):
    if body is None:
        return client.generic(method, url)
    if media == "multipart/form-data":
        return client.post(url, data=body)
    return client.generic(method, url, data=_json(body), content_type="application/json")


def _json(body) -> str:
    import json

    return json.dumps(body)


# --- What a refused request may not change --------------------------------------------------


def _tables() -> list[str]:
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    existing = set(connection.introspection.table_names())
    return sorted((names & existing) - NOT_COMPARED)


def _changes() -> int:
    """A counter the database moves on every row inserted, updated or deleted (also ones
    later rolled back): cheap enough to read around every request."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables WHERE relname <> ALL(%s)",
                [sorted(NOT_COMPARED)],
            )
        return int(cursor.fetchone()[0])


def _checksums(tables: list[str]) -> dict[str, str]:
    out = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


class Ledger:
    """Compares every table before and after each request. The change counter is read
    around every request; the full comparison runs only when it moved."""

    def __init__(self):
        self.tables = _tables()
        self.start = _checksums(self.tables)
        self.last = dict(self.start)
        self.counter = _changes()

    def written_by_last_request(self) -> list[str]:
        counter = _changes()
        if counter == self.counter:
            return []
        self.counter = counter
        now = _checksums(self.tables)
        changed = [t for t in self.tables if now[t] != self.last[t]]
        self.last = now
        self.counter = _changes()
        return changed


# --- The attack -----------------------------------------------------------------------------


@dataclass
class Attempt:
    kind: str
    method: str
    path: str
    url: str
    body: object
    media: str
    allowed: tuple[int, ...]


def _attempts(home: Objects, victim: Objects) -> list[Attempt]:
    out = []
    for method, path, op in OPERATIONS:
        params = _path_params(path)
        if "slug" in params:
            body, media = _body(op, victim.ids)
            for name in _body_ref_fields(op):
                body[name] = victim.ids[BODY_REFS[name]]
            out.append(
                Attempt("their-slug", method, path, _url(path, op, victim.ids), body, media, (404,))
            )
        id_params = [p for p in params if p in PATH_REFS]
        if "slug" in params and id_params:
            body, media = _body(op, home.ids)
            path_refs = {**victim.ids, "slug": home.ids["slug"]}
            url = _url(path, op, path_refs)
            # Organisations are installation-wide (one can work in several communities):
            # naming one that does not work here is refused naming the field (422).
            refusals = (403, 404, 422) if "organisation_id" in id_params else (403, 404)
            out.append(Attempt("their-ids-in-path", method, path, url, body, media, refusals))
        if "slug" in params:
            for name in _body_ref_fields(op):
                if (method, path, name) in ACROSS_BY_DESIGN:
                    continue
                refs = {**home.ids, BODY_REFS[name]: victim.ids[BODY_REFS[name]]}
                body, media = _body(op, refs, name)
                url = _url(path, op, home.ids)
                kind = f"their-id-in-body:{name}"
                out.append(Attempt(kind, method, path, url, body, media, (403, 404, 422)))
        if "prefix" in params:  # someone else's API token: not found, never revoked
            url = path.replace("{prefix}", victim.ids["token_prefix"])
            body, media = _body(op, victim.ids)
            out.append(Attempt("their-token", method, path, url, body, media, (404,)))
        if "token" in params:  # a workshop's link is its only credential: guessing fails
            url = path.replace("{token}", str(victim.ids["workshop"]))
            body, media = _body(op, victim.ids)
            out.append(Attempt("guessed-token", method, path, url, body, media, (404,)))
    return out


def _problems(response, attempt: Attempt, victim: Objects) -> list[str]:
    problems = []
    if response.status_code not in attempt.allowed:
        problems.append(f"answered {response.status_code}: {response.content[:300]!r}")
        return problems
    try:
        body = response.json()
    except ValueError:
        return [f"{response.status_code} without the JSON error body: {response.content[:200]!r}"]
    error = body.get("error") if isinstance(body, dict) else None
    if (
        not isinstance(error, dict)
        or set(body) != {"error"}
        or not isinstance(error.get("code"), str)
        or not isinstance(error.get("message"), str)
        or set(error) - {"code", "message", "fields"}
    ):
        problems.append(f"not the one error body: {body!r}")
    if response.status_code == 422 and attempt.kind.startswith("their-id-in-body:"):
        # Refused for naming the other community's object, not for anything else (a
        # badly formed request would hide a missing permission check).
        name = attempt.kind.split(":")[1]
        fields = set((error or {}).get("fields", {}))
        if not fields or not fields <= {
            name,
            name.removesuffix("_id"),
            *ERROR_FIELDS.get(name, ()),
        }:
            problems.append(f"refused for something else: {body!r}")
    text = response.content.decode(errors="replace")
    leaked = sorted(s for s in victim.secrets if s in text)
    if leaked:
        problems.append(f"names the other community's {leaked[:3]!r}")
    return problems


def _attack(client, user, home: Objects, victim: Objects, tried: Counter, failures: list):
    client.force_login(user)
    ledger = Ledger()
    for attempt in _attempts(home, victim):
        response = _send(client, attempt.method, attempt.url, attempt.body, attempt.media)
        tried[attempt.kind.split(":")[0]] += 1
        problems = _problems(response, attempt, victim)
        written = ledger.written_by_last_request()
        if written:
            problems.append(f"wrote to {written}")
        for problem in problems:
            failures.append(
                f"{user.email} {attempt.kind} {attempt.method} {attempt.url}: {problem}"
            )
    # Belt and braces: every compared table is exactly as it was before the attack.
    assert _checksums(ledger.tables) == ledger.last
    for method, url in (("GET", "/api/v1/me"), ("GET", "/api/v1/communities")):
        response = client.generic(method, url)
        tried["own-lists"] += 1
        if victim.community.slug in response.content.decode():
            failures.append(f"{user.email} {url} lists {victim.community.slug}")
    client.logout()


@pytest.fixture
def world(cast):
    ksm_staff, woking = cast.user("coordinator"), cast.other
    woking_staff = _staff(woking, Role.COORDINATOR, "fuzz-coordinator@woking.test")
    woking_admin = _staff(woking, Role.ADMIN, "fuzz-admin@woking.test")
    return {
        "ksm": _ensure_objects(cast.community, ksm_staff),
        "woking": _ensure_objects(woking, woking_staff),
        "woking_users": [cast.user("outsider"), woking_staff, woking_admin],
        "stranger": User.objects.create_user("fuzz-stranger@nowhere.test", "fuzz-password-1"),
    }


ROLES = ["resident", "volunteer", "partner", "analyst", "coordinator", "admin"]


def test_it_refuses_every_operation_on_the_other_communitys_objects(client, cast, world, capsys):
    tried: Counter = Counter()
    failures: list[str] = []
    callers = 0
    for role in ROLES:  # Kampung Seri Mawar against Woking East
        _attack(client, cast.user(role), world["ksm"], world["woking"], tried, failures)
        callers += 1
    for user in world["woking_users"]:  # and Woking East against Kampung Seri Mawar
        _attack(client, user, world["woking"], world["ksm"], tried, failures)
        callers += 1
    # A login with no role anywhere: every community is "not found".
    for victim in (world["woking"], world["ksm"]):
        _attack(client, world["stranger"], world["ksm"], victim, Counter(), failures)
    with capsys.disabled():
        print(
            f"\npermission fuzz: {len(OPERATIONS)} operations x {callers} callers "
            f"(+1 with no community): {sum(tried.values())} requests "
            f"({', '.join(f'{k} {v}' for k, v in sorted(tried.items()))}), all refused"
            if not failures
            else f"\npermission fuzz: {len(failures)} problems"
        )
    assert not failures, "\n".join(failures)


def test_the_fuzz_covers_every_operation_in_the_schema():
    """Every operation is attacked by at least one target kind; one that is not (no
    community in its path, no workshop token) must be added here on purpose."""
    no_community = {path for _m, path, _op in OPERATIONS if "{slug}" not in path}
    assert no_community == {
        "/api/v1/me",
        "/api/v1/communities",
        "/api/v1/workshops/{token}/items",
        "/api/v1/workshops/{token}/participants",
        # A person's own API tokens; someone else's are attacked by their prefix.
        "/api/v1/tokens",
        "/api/v1/tokens/{prefix}",
        "/api/v1/tokens/{prefix}/revoke",
    }
    assert len(OPERATIONS) >= 59


def test_the_fuzz_sends_well_formed_bodies(cast):
    """If the fuzz's bodies were refused as malformed, a missing permission check would go
    unnoticed: each body it sends validates against its operation's schema."""
    import jsonschema_rs  # comes with schemathesis

    home = {**{k: 1 for k in set(BODY_REFS.values())}, "members": [1], "items": [1]}
    home.update(account="A", account2="B", organisation_account="C", candidate="offer:1")
    for _method, _path, op in OPERATIONS:
        body, media = _body(op, home)
        if body is None or media != "application/json":
            continue
        spec = next(iter(op["requestBody"]["content"].values()))["schema"]
        jsonschema_rs.validate({**spec, "components": SCHEMA["components"]}, body)
