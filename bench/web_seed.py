"""The web benchmark's data (see bench/web.py), written with the benchmark's production
settings into its own fresh database:

    python -m bench.web_seed seed MEMBERS OFFERS ASSETS POSTINGS   one JSON line: counts
    python -m bench.web_seed prepare     one JSON line: a login cookie, slug, ids
    python -m bench.web_seed touch       change one offer through matching.actions

`seed` builds one community ("Bench Town": a 20 km city of 30 neighbourhoods, the
matching benchmark's geography and wording) in bulk, as kampung.demo does, in one
transaction:

- MEMBERS members (consents in the demo's proportions), a community developer with a
  login, organisations, background checks (a few due for renewal), strengths profiles
- OFFERS skill offers by members, each with its personal asset kept as
  matching.actions._mirror_to_asset keeps it (same name, description, place, languages,
  status, steward and tags; shown to members only while the member shows their
  profile), tagged with skills and sometimes an Open Eligibility service type
- ASSETS shared assets (places, groups, institutions, connections: assets.demo)
- 420 requests (300 open) with matches in step with them, and the request the
  candidates endpoints read: befriending, which many offers could help with
- one member with POSTINGS time bank postings: as many exchanges with 50 neighbours,
  each a balanced transaction, with the running balances and account balances that
  posting.post writes, within every account's limits (`ledger verify` must pass)

Nothing here sends signals (bulk inserts), so the asset map's version is bumped and one
audit summary is written, as the demo seeder does. The marker table bench_web_seed
(seed version, sizes, ids, counts, seconds) is what bench/web.py checks to keep the
database for the next run."""

# The Django imports below need the settings loaded first when this runs as a command;
# imported by the tests, Django is already set up.
# ruff: noqa: E402
from __future__ import annotations

if __name__ == "__main__":
    import django

    django.setup()

import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from bench.matching import CENTRE, CITY_KM, LANG_WEIGHTS, LANGS, _hours, _phrases, _point
from bench.web import SEED, SEED_VERSION, SLUG, make_hubs, seed_params
from kampung.assets.demo import seed_assets
from kampung.assets.models import REVIEW_EVERY, Asset, Category, Tag
from kampung.assets.signals import bump
from kampung.audit import log
from kampung.audit.context import acting
from kampung.audit.models import AuditEvent
from kampung.communities.models import Community, Organisation
from kampung.demo import FIRST, LAST, ORG_KINDS
from kampung.matching import actions as matching_actions
from kampung.matching.core.synonyms import SKILL_LABELS
from kampung.matching.models import Match, Mode, Need, Offer, StrengthsProfile
from kampung.people.models import (
    BackgroundCheck,
    Clearance,
    Consent,
    ConsentPurpose,
    Member,
    Role,
    User,
)
from kampung.people.system import system_user
from kampung.timebank.accounts import MEMBER_LOWER_LIMIT
from kampung.timebank.demo import KINDS_OF_HELP
from kampung.timebank.models import (
    Account,
    Exchange,
    Posting,
    Transaction,
    TransactionKind,
    new_account_number,
)
from kampung.timebank.verify import verify

COORDINATOR_EMAIL = "bench-coordinator@example.org"
BATCH = 5000
CHUNK = 10_000  # offers (and their assets) built and inserted at a time
N_COUNTERPARTIES = 50
N_NEEDS = 420  # 5 in 7 open, 1 in 7 with a helper, 1 in 7 met (fewer in a small town)
BUSY_NEED_TITLE = "Someone to chat with my father and walk with him"
WHERE = ["come to you", "meet at the void deck", "meet at the library"]
OPENERS = [
    "Looking for someone to help with",
    "Need help with",
    "Can anyone help me with",
    "My mother needs",
    "Please help, we need",
]


@dataclass
class Town:
    """What the steps of the seed share."""

    community: Community
    by: User  # the community developer, who records everything here
    rng: random.Random
    hubs: list
    today: date
    by_skill: dict
    by_oe: dict
    tag_ids: dict
    members: list = field(default_factory=list)
    shows_profile: set = field(default_factory=set)

    @property
    def skills(self) -> list[str]:
        return sorted(self.by_skill)

    def point(self) -> tuple[float, float]:
        return _point(self.rng, self.hubs)


def _slots(hours) -> list[dict]:
    """The matching benchmark's (day, start, end) minutes as the app stores them."""

    def hhmm(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    return [
        {"day": day, "opens": hhmm(start), "closes": hhmm(end)}
        for day, start, end in sorted(set(hours))
    ]


def _boundary(half_km: float) -> dict:
    import math

    lat0, lng0 = CENTRE
    dlat = half_km / 111.32
    dlng = half_km / (111.32 * math.cos(math.radians(lat0)))
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)]
    ring = [[round(lng0 + x * dlng, 6), round(lat0 + y * dlat, 6)] for x, y in corners]
    return {"type": "Polygon", "coordinates": [ring]}


def seed(n_members: int, n_offers: int, n_assets: int, n_postings: int) -> dict:
    started = time.perf_counter()
    rng = random.Random(SEED)
    hubs = make_hubs(rng)  # the first draws: bench/web.py draws the same for its boxes
    by_skill, by_oe = _phrases()
    tag_ids = dict(Tag.objects.values_list("code", "id"))
    missing = sorted((set(by_skill) | set(by_oe)) - set(tag_ids))
    if missing:
        raise SystemExit(f"tags missing from the database: {missing}")
    with transaction.atomic(), acting(system_user(), via="cli"):
        community = Community.objects.create(
            slug=SLUG,
            name="Bench Town",
            centre_lat=CENTRE[0],
            centre_lng=CENTRE[1],
            boundary=_boundary(CITY_KM / 2 + 3),
            timezone="Asia/Singapore",
            languages=["en", "zh", "ms", "ta"],
        )
        by = User.objects.create_user(COORDINATOR_EMAIL, None, display_name="Chen Hui Tan")
        Member.objects.create(
            community=community,
            user=by,
            display_name="Chen Hui Tan",
            email=COORDINATOR_EMAIL,
            role=Role.COORDINATOR,
            languages=["en", "zh"],
        )
        town = Town(community, by, rng, hubs, timezone.localdate(), by_skill, by_oe, tag_ids)
        orgs = _organisations(town, n_members)
        _members(town, n_members, orgs)
        _checks(town)
        seed_assets(
            community,
            count=n_assets,
            rng=rng,
            point=lambda r: _point(r, hubs),
            organisations=orgs,
            today=town.today,
        )
        offers = _offers(town, n_offers)
        bump(community.pk)  # bulk inserts send no signals; the map must still refresh
        _profiles(town)
        need = _needs_and_matches(town, offers)
        account = _statement(town, n_postings)
        log.record(
            AuditEvent.Action.CREATE,
            community,
            summary=f"Seeded the web benchmark: {n_members} members, {n_offers} offers, "
            f"{n_assets} shared assets, {n_postings} postings",
        )
    problems = verify()["problems"]
    if problems:
        raise SystemExit(f"the seeded ledger does not verify: {problems[:5]}")
    befriending = tag_ids["befriending"]
    info = {
        "slug": SLUG,
        "coordinator_email": COORDINATOR_EMAIL,
        "need_id": need.pk,
        "account_number": account.number,
        # The offer `touch` changes: an open befriending offer, so it is a candidate.
        "touch_offer_id": next(
            o.pk for o, tags in offers if o.status == Offer.Status.ACTIVE and befriending in tags
        ),
    }
    counts = count(community, account)
    seconds = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_web_seed")
        cursor.execute(
            "CREATE TABLE bench_web_seed (version integer, params text, info text, "
            "counts text, seed_seconds double precision)"
        )
        cursor.execute(
            "INSERT INTO bench_web_seed VALUES (%s, %s, %s, %s, %s)",
            [
                SEED_VERSION,
                json.dumps(seed_params(n_members, n_offers, n_assets, n_postings), sort_keys=True),
                json.dumps(info),
                json.dumps(counts),
                seconds,
            ],
        )
    return {**counts, "seed_seconds": seconds}


def count(community: Community, account: Account) -> dict:
    assets = Asset.objects.filter(community=community)
    needs = Need.objects.filter(community=community)
    return {
        "n_members": Member.objects.filter(community=community).count(),
        "n_offers": Offer.objects.filter(community=community).count(),
        "n_assets": assets.count(),
        "n_shared_assets": assets.exclude(category=Category.PERSONAL).count(),
        "n_needs": needs.count(),
        "n_open_needs": needs.filter(status=Need.Status.OPEN).count(),
        "n_matches": Match.objects.filter(need__community=community).count(),
        "n_profiles": StrengthsProfile.objects.filter(member__community=community).count(),
        "n_statement_postings": Posting.objects.filter(account=account).count(),
    }


def _organisations(town: Town, n_members: int) -> list[Organisation]:
    """One per 400 members, as kampung.demo makes them."""
    orgs = []
    for i in range(max(len(ORG_KINDS), n_members // 400)):
        label, kind = ORG_KINDS[i % len(ORG_KINDS)]
        lat, lng = town.point()
        number = 1 + i // len(ORG_KINDS)
        orgs.append(
            Organisation(
                name=f"Bench Town {label}" + (f" {number}" if number > 1 else ""),
                kind=kind,
                identifier=f"SG-ACRA-BENCH{i:06d}",
                lat=lat,
                lng=lng,
            )
        )
    orgs = Organisation.objects.bulk_create(orgs, batch_size=BATCH)
    town.community.organisations.add(*orgs)
    return orgs


def _members(town: Town, n: int, orgs: list[Organisation]) -> None:
    """Members with the matching benchmark's languages and places, and the demo's
    consents (half of them show their profile to members)."""
    rng, today = town.rng, town.today
    first, last = FIRST["kampung-seri-mawar"], LAST["kampung-seri-mawar"]
    rows = []
    for i in range(n):
        lat, lng = town.point()
        rows.append(
            Member(
                community=town.community,
                display_name=f"{rng.choice(first)} {rng.choice(last)}",
                email=f"member{i}@bench-town.example" if rng.random() < 0.7 else "",
                phone=f"+65 {rng.randint(8000, 9999)} {rng.randint(1000, 9999)}"
                if rng.random() < 0.6
                else "",
                languages=sorted(set(rng.choices(LANGS, LANG_WEIGHTS, k=rng.choice([1, 2])))),
                skills=rng.sample(town.skills, rng.choice([0, 1, 1, 2, 3])),
                role=Role.VOLUNTEER if rng.random() < 0.15 else Role.RESIDENT,
                birth_year=rng.randint(1935, 2008),
                # Coarse, as the app keeps a member's area (about 100 m).
                area_lat=round(lat, 3),
                area_lng=round(lng, 3),
                joined_on=today - timedelta(days=rng.randint(0, 5 * 365)),
            )
        )
    town.members = Member.objects.bulk_create(rows, batch_size=BATCH)
    now = timezone.now()
    consents, links = [], []
    Through = Member.supported_by.through
    for member in town.members:
        for purpose, share in (
            (ConsentPurpose.AGGREGATE_RESEARCH, 0.8),
            (ConsentPurpose.PROFILE_VISIBLE, 0.5),
            (ConsentPurpose.PARTNER_SHARING, 0.3),
            (ConsentPurpose.CONTACT_SHARING, 0.4),
        ):
            if rng.random() < share:
                consents.append(
                    Consent(
                        member=member,
                        purpose=purpose,
                        wording_version="2026-11",
                        given_at=now,
                        recorded_by=town.by,
                        recorded_on_behalf=True,
                    )
                )
                if purpose == ConsentPurpose.PROFILE_VISIBLE:
                    town.shows_profile.add(member.pk)
        if rng.random() < 0.2:
            links.append(Through(member_id=member.pk, organisation_id=rng.choice(orgs).pk))
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    Through.objects.bulk_create(links, batch_size=BATCH)


def _checks(town: Town) -> None:
    """Background checks for one member in ten: most valid, some expired, a few running
    out this month (the people page's "checks due for renewal")."""
    rng, today = town.rng, town.today
    checks = []
    for member in rng.sample(town.members, len(town.members) // 10):
        level = rng.choice([Clearance.BASIC, Clearance.BASIC, Clearance.ENHANCED])
        roll = rng.random()
        if roll < 0.03:
            expires = today + timedelta(days=rng.randrange(3, 28))
        elif roll < 0.15:
            expires = today - timedelta(days=rng.randrange(1, 400))
        else:
            expires = today + timedelta(days=rng.randrange(30, 3 * 365))
        checks.append(
            BackgroundCheck(
                member=member,
                level=level,
                kind="Police record check" if level == Clearance.BASIC else "Enhanced check",
                checked_on=expires - timedelta(days=3 * 365),
                expires_on=expires,
                checked_by="Community Safeguarding Office",
                reference=f"BENCH-{rng.randrange(10000, 99999)}",
                recorded_by=town.by,
            )
        )
    BackgroundCheck.objects.bulk_create(checks, batch_size=BATCH)


def _offer(town: Town, member: Member) -> tuple[Offer, list[str]]:
    """One skill offer in the matching benchmark's words, and its tag codes."""
    rng = town.rng
    pool = member.skills or town.skills
    own = rng.sample(pool, min(len(pool), rng.choice([1, 1, 1, 2])))
    cats = rng.sample(sorted(town.by_oe), 1) if rng.random() < 0.2 else []
    words = [rng.choice(town.by_skill[s]) for s in own for _ in range(2)]
    words += [rng.choice(town.by_oe[c]) for c in cats]
    label = SKILL_LABELS[own[0]]
    template = rng.choice(["{}", "Help with {}", "Happy to help: {}"])
    location_kind = rng.choices(
        [Asset.LocationKind.COMES_TO_YOU, Asset.LocationKind.POINT, Asset.LocationKind.ONLINE],
        [60, 25, 15],
    )[0]
    lat = lng = None
    if location_kind == Asset.LocationKind.POINT:
        lat = round(member.area_lat + rng.gauss(0, 0.002), 6)
        lng = round(member.area_lng + rng.gauss(0, 0.002), 6)
    offer = Offer(
        community=town.community,
        member=member,
        kind=Offer.Kind.SKILL,
        title=label if template == "{}" else template.format(label[0].lower() + label[1:]),
        description=f"I can help with {', '.join(words[:-1])} and {words[-1]}. "
        f"{rng.choice(['Happy to', 'Glad to', 'Can'])} {rng.choice(WHERE)}.",
        location_kind=location_kind,
        lat=lat,
        lng=lng,
        travel_km=rng.choice([0.5, 1, 1, 2, 2, 3, 5, 10]),
        availability=_slots(_hours(rng, rng.choice([0, 1, 2, 3, 4]))),
        languages=list(member.languages),
        capacity=rng.choice([1, 1, 2, 3]),
        status=Offer.Status.PAUSED if rng.random() < 0.05 else Offer.Status.ACTIVE,
    )
    return offer, own + cats


def _personal_asset(town: Town, offer: Offer, now) -> Asset:
    """The offer's personal asset, as matching.actions._mirror_to_asset makes it."""
    return Asset(
        community=town.community,
        source=Asset.Source.MANUAL,
        name=offer.title,
        category=Category.PERSONAL,
        description=offer.description,
        location_kind=offer.location_kind,  # a point always has its place here
        lat=offer.lat,
        lng=offer.lng,
        languages=offer.languages,
        accessibility=offer.accessibility,
        status=str(offer.status),
        steward_member=offer.member,
        visibility=Asset.Visibility.MEMBERS
        if offer.member_id in town.shows_profile
        else Asset.Visibility.PRIVATE,
        last_verified_at=now,
        last_verified_by=town.by,
        review_due=town.today + REVIEW_EVERY,
    )


def _offers(town: Town, n: int) -> list[tuple[Offer, set[int]]]:
    """n offers by six members in ten, each with its personal asset and both tagged
    alike. Returns (offer, tag ids) pairs."""
    offerers = town.rng.sample(town.members, max(1, int(len(town.members) * 0.6)))
    now = timezone.now()
    OfferTags, AssetTags = Offer.tags.through, Asset.tags.through
    out: list[tuple[Offer, set[int]]] = []
    while len(out) < n:
        chunk = [_offer(town, town.rng.choice(offerers)) for _ in range(min(CHUNK, n - len(out)))]
        assets = Asset.objects.bulk_create(
            [_personal_asset(town, offer, now) for offer, _codes in chunk], batch_size=BATCH
        )
        for (offer, _codes), asset in zip(chunk, assets, strict=True):
            offer.asset = asset
        offers = Offer.objects.bulk_create([offer for offer, _codes in chunk], batch_size=BATCH)
        tag_sets = [{town.tag_ids[c] for c in codes} for _offer, codes in chunk]
        tagged = list(zip(offers, tag_sets, strict=True))
        OfferTags.objects.bulk_create(
            [OfferTags(offer_id=o.pk, tag_id=t) for o, ts in tagged for t in ts], batch_size=BATCH
        )
        AssetTags.objects.bulk_create(
            [AssetTags(asset_id=o.asset_id, tag_id=t) for o, ts in tagged for t in ts],
            batch_size=BATCH,
        )
        out.extend(tagged)
    return out


def _profiles(town: Town) -> None:
    """Strengths profiles for one member in five (some of whom offer nothing)."""
    rng = town.rng
    profiles = []
    for member in rng.sample(town.members, len(town.members) // 5):
        own = member.skills or rng.sample(town.skills, 1)
        profiles.append(
            StrengthsProfile(
                member=member,
                interests=", ".join(rng.choice(town.by_skill[s]) for s in own).capitalize(),
                lived_experience=rng.choice(
                    ["", "", "Cared for my mother for ten years.", "Raised three children."]
                ),
                availability=_slots(_hours(rng, rng.choice([0, 1, 2]))),
                travel_km=rng.choice([0.5, 1, 2, 3]),
                open_to_requests=rng.random() < 0.6,
                max_at_once=rng.choice([1, 2, 2, 3]),
            )
        )
    StrengthsProfile.objects.bulk_create(profiles, batch_size=BATCH)


def _needs_and_matches(town: Town, offers: list[tuple[Offer, set[int]]]) -> Need:
    """Requests (open, with a helper, met) with matches in step with their status, and
    the request the candidates endpoints read, which is returned."""
    rng, by = town.rng, town.by
    n_needs = min(N_NEEDS, len(town.members) // 2)
    n_open, n_matched = n_needs * 5 // 7, n_needs // 7
    asking = rng.sample(town.members, n_needs + 1)
    needs = []
    for i, member in enumerate(asking[:n_needs]):
        skill = rng.choice(town.skills)
        words = [rng.choice(town.by_skill[skill]) for _ in range(rng.choice([1, 2]))]
        mode = rng.choices([Mode.IN_PERSON, Mode.ONLINE, Mode.EITHER], [75, 10, 15])[0]
        online = mode == Mode.ONLINE
        if i < n_open:
            status = Need.Status.OPEN
        elif i < n_open + n_matched:
            status = Need.Status.MATCHED
        else:
            status = Need.Status.MET
        needs.append(
            Need(
                community=town.community,
                member=member,
                posted_by=by,
                title=f"{rng.choice(OPENERS)} {' and '.join(words)}"[:200],
                description=rng.choice(["", "Any day after 4pm.", "It is quite urgent."]),
                mode=mode,
                lat=None if online else member.area_lat,
                lng=None if online else member.area_lng,
                times=_slots(_hours(rng, 1)) if rng.random() < 0.5 else [],
                urgency=rng.choices([0, 1, 2, 3], [20, 50, 20, 10])[0],
                languages=[rng.choices(LANGS, LANG_WEIGHTS)[0]] if rng.random() < 0.6 else [],
                safeguarding=rng.choices([0, 1, 2], [70, 20, 10])[0],
                status=status,
            )
        )
    # Befriending in the middle of the first neighbourhood, in person or online, no
    # check needed, any time, in English: many offers could help.
    lat, lng = _point(random.Random(1), town.hubs[:1])
    needs.append(
        Need(
            community=town.community,
            member=asking[-1],
            posted_by=by,
            title=BUSY_NEED_TITLE,
            description="My father lives alone since my mother passed. He would enjoy "
            "someone to talk to, and a walk in the park in the afternoons.",
            mode=Mode.EITHER,
            lat=lat,
            lng=lng,
            languages=["en"],
            safeguarding=Clearance.NONE,
        )
    )
    needs = Need.objects.bulk_create(needs, batch_size=BATCH)
    NeedTags = Need.tags.through
    links = [NeedTags(need_id=needs[-1].pk, tag_id=town.tag_ids["befriending"])]
    for need in needs[:-1]:
        if rng.random() < 0.7:
            links.append(NeedTags(need_id=need.pk, tag_id=town.tag_ids[rng.choice(town.skills)]))
    NeedTags.objects.bulk_create(links, batch_size=BATCH)

    active = [o for o, _tags in offers if o.status == Offer.Status.ACTIVE]
    now = timezone.now()
    S = Match.Status
    matches = []
    for need in needs[:-1]:
        if need.status == Need.Status.OPEN:
            if rng.random() < 0.5:
                continue
            statuses = [rng.choice([S.PROPOSED, S.PROPOSED, S.DECLINED])]
        elif need.status == Need.Status.MATCHED:
            statuses = [rng.choice([S.ACCEPTED, S.IN_PROGRESS])]
            if rng.random() < 0.3:
                statuses.append(S.DECLINED)
        else:
            statuses = [S.COMPLETED]
        for status in statuses:
            offer = rng.choice(active)
            if offer.member_id == need.member_id:
                continue  # nobody helps with their own request
            matches.append(
                Match(
                    need=need,
                    offer=offer,
                    helper_id=offer.member_id,
                    proposed_by=by,
                    status=status,
                    score=round(rng.uniform(0.3, 0.95), 3),
                    factors=[],
                    answered_at=None if status == S.PROPOSED else now,
                    minutes_given=rng.choice([60, 90, 120]) if status == S.COMPLETED else None,
                    finished_at=now if status in (S.COMPLETED, S.DECLINED) else None,
                )
            )
    matches = Match.objects.bulk_create(matches, batch_size=BATCH)
    # Some suggestions nobody answered for days (the home page's "waiting" count).
    stale = [m.pk for m in matches if m.status == S.PROPOSED and rng.random() < 0.3]
    Match.objects.filter(pk__in=stale).update(proposed_at=now - timedelta(days=5))
    return needs[-1]


def _statement(town: Town, n: int) -> Account:
    """n exchanges between one member and 50 neighbours over the last three years, each
    a balanced transaction of two postings written as posting.post writes them: the
    running balance on each posting (in posting order) and the account's balance the
    last of them; no balance ever below its account's lower limit. Returns the
    member's account."""
    rng, by = town.rng, town.by
    askers = set(Need.objects.filter(community=town.community).values_list("member", flat=True))
    member = rng.choice([m for m in town.members if m.pk not in askers])
    others = [m for m in town.members if m.pk != member.pk]
    people = [member, *rng.sample(others, min(N_COUNTERPARTIES, len(others)))]
    numbers: set[str] = set(Account.objects.values_list("number", flat=True))
    fresh: list[str] = []
    while len(fresh) < len(people):
        number = new_account_number()
        if number not in numbers:
            numbers.add(number)
            fresh.append(number)
    accounts = Account.objects.bulk_create(
        [
            Account(
                community=town.community,
                kind=Account.Kind.MEMBER,
                member=person,
                number=number,
                lower_limit=MEMBER_LOWER_LIMIT,
            )
            for person, number in zip(people, fresh, strict=True)
        ]
    )
    own, others = accounts[0], accounts[1:]
    balance = {a.pk: 0 for a in accounts}

    def can_pay(account: Account, minutes: int) -> bool:
        return balance[account.pk] - minutes >= MEMBER_LOWER_LIMIT

    plan = []  # (provider's account, receiver's account, minutes, description, day)
    start = town.today - timedelta(days=3 * 365)
    while len(plan) < n:
        minutes = rng.choice([30, 45, 60, 60, 75, 90, 120])
        other = rng.choice(others)
        provider, receiver = (own, other) if rng.random() < 0.5 else (other, own)
        if not can_pay(receiver, minutes):
            provider, receiver = receiver, provider
        if not can_pay(receiver, minutes):
            continue  # neither can pay: another neighbour next time
        balance[provider.pk] += minutes
        balance[receiver.pk] -= minutes
        day = start + timedelta(days=(3 * 365 * len(plan)) // n)
        plan.append((provider, receiver, minutes, rng.choice(KINDS_OF_HELP)[0], day))
    now = timezone.now()
    txs = Transaction.objects.bulk_create(
        [
            Transaction(
                community=town.community,
                kind=TransactionKind.EXCHANGE,
                description=description,
                occurred_on=day,
                created_at=now,
                created_by=by,
            )
            for _p, _r, _m, description, day in plan
        ],
        batch_size=BATCH,
    )
    running = {a.pk: 0 for a in accounts}
    postings = []
    for tx, (provider, receiver, minutes, _d, _day) in zip(txs, plan, strict=True):
        # In account id order, as posting.post writes a transaction's lines.
        for account, amount in sorted([(provider, minutes), (receiver, -minutes)], key=_pk):
            running[account.pk] += amount
            postings.append(
                Posting(
                    community=town.community,
                    transaction=tx,
                    account=account,
                    amount=amount,
                    balance_after=running[account.pk],
                )
            )
    Posting.objects.bulk_create(postings, batch_size=BATCH)
    for account in accounts:
        Account.objects.filter(pk=account.pk).update(balance=running[account.pk])
    Exchange.objects.bulk_create(
        [
            Exchange(
                community=town.community,
                provider=provider.member,
                receiver=receiver.member,
                minutes=minutes,
                description=description,
                occurred_on=day,
                status=Exchange.Status.POSTED,
                provider_confirmed_at=now,
                provider_confirmed_by=by,
                receiver_confirmed_at=now,
                receiver_confirmed_by=by,
                recorded_by=by,
                transaction=tx,
            )
            for tx, (provider, receiver, minutes, description, day) in zip(txs, plan, strict=True)
        ],
        batch_size=BATCH,
    )
    return own


def _pk(line):
    return line[0].pk


def marker() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT info FROM bench_web_seed")
        return json.loads(cursor.fetchone()[0])


def prepare() -> dict:
    """A logged-in session for the community developer (the load generator's cookie),
    and what the endpoints' URLs need."""
    from django.conf import settings
    from django.test import Client

    info = marker()
    client = Client()
    client.force_login(
        User.objects.get(email=info["coordinator_email"]),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    name = settings.SESSION_COOKIE_NAME
    return {**info, "cookie": f"{name}={client.cookies[name].value}"}


def touch() -> dict:
    """Change one offer as a community developer would: matching.actions.change_offer
    (validation, the save and its signals, the personal asset kept in step)."""
    info = marker()
    by = User.objects.get(email=info["coordinator_email"])
    offer = Offer.objects.select_related("community", "member", "asset").get(
        pk=info["touch_offer_id"]
    )
    travel_km = 3.0 if offer.travel_km != 3.0 else 2.0
    with acting(by, via="web"):
        matching_actions.change_offer(by=by, offer=offer, travel_km=travel_km)
    return {"offer_id": offer.pk, "travel_km": travel_km}


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "seed":
        out = seed(*(int(a) for a in args))
    elif command == "prepare":
        out = prepare()
    elif command == "touch":
        out = touch()
    else:
        raise SystemExit(f"unknown command {command!r}: seed, prepare or touch")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
