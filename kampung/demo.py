"""The demo neighbourhood: a deterministic fictional community at any scale.

`seed_demo(members=N, seed=S)` is what `kampung seed`, `make demo`, the tests and the
benchmarks use. The same N and S always give the same people, organisations and
places. Running it again on a seeded database changes nothing.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kampung.assets.demo import seed_assets
from kampung.audit import log
from kampung.audit.context import acting
from kampung.audit.models import AuditEvent
from kampung.communities.models import Community, Organisation
from kampung.db import analyze
from kampung.people.models import Consent, ConsentPurpose, Member, Role, User
from kampung.people.skills import SKILLS
from kampung.people.system import system_user

# Two fictional communities on one installation, placed in real-looking areas.
COMMUNITIES = [
    {
        "slug": "kampung-seri-mawar",
        "name": "Kampung Seri Mawar",
        "centre": (1.3530, 103.9440),
        "radius_km": 1.6,
        "timezone": "Asia/Singapore",
        "languages": ["en", "zh", "ms", "ta"],
        "org_prefix": "SG-ACRA",
    },
    {
        "slug": "woking-east",
        "name": "Woking East",
        "centre": (51.3190, -0.5480),
        "radius_km": 1.4,
        "timezone": "Europe/London",
        "languages": ["en", "ur", "pl", "pa"],
        "org_prefix": "GB-CHC",
    },
]

FIRST = {
    "kampung-seri-mawar": [
        "Mei Ling",
        "Wei Jie",
        "Siti",
        "Nurul",
        "Ahmad",
        "Farid",
        "Priya",
        "Ravi",
        "Kavitha",
        "Hui Min",
        "Jun Hao",
        "Aisyah",
        "Daniel",
        "Rachel",
        "Muthu",
        "Lakshmi",
        "Zul",
        "Grace",
        "Ah Kow",
        "Fatimah",
    ],
    "woking-east": [
        "Margaret",
        "John",
        "Aisha",
        "Imran",
        "Agnieszka",
        "Piotr",
        "Harpreet",
        "Gurpreet",
        "Susan",
        "David",
        "Emily",
        "Tom",
        "Fatima",
        "Bilal",
        "Joan",
        "Peter",
        "Zofia",
        "Kamal",
        "Olivia",
        "George",
    ],
}
LAST = {
    "kampung-seri-mawar": [
        "Tan",
        "Lim",
        "Ng",
        "Wong",
        "binte Rahman",
        "bin Ismail",
        "Kumar",
        "Pillai",
        "Goh",
        "Chua",
        "Nair",
        "Lee",
        "Teo",
        "Abdullah",
        "Raj",
    ],
    "woking-east": [
        "Smith",
        "Jones",
        "Khan",
        "Hussain",
        "Kowalski",
        "Nowak",
        "Singh",
        "Kaur",
        "Taylor",
        "Brown",
        "Patel",
        "Wilson",
        "Ahmed",
        "Evans",
        "Wright",
    ],
}
ORG_KINDS = [
    ("Community Club", Organisation.Kind.COUNCIL),
    ("Family Service Centre", Organisation.Kind.SOCIAL_PURPOSE),
    ("Primary School", Organisation.Kind.SCHOOL),
    ("Seniors Activity Centre", Organisation.Kind.SOCIAL_PURPOSE),
    ("Youth Volunteers", Organisation.Kind.INFORMAL_GROUP),
    ("Provision Shop", Organisation.Kind.BUSINESS),
    ("Polyclinic", Organisation.Kind.HEALTH),
    ("Residents' Network", Organisation.Kind.INFORMAL_GROUP),
    ("Befrienders", Organisation.Kind.SOCIAL_PURPOSE),
    ("Library", Organisation.Kind.COUNCIL),
]

DEMO_LOGINS = [
    # (email, display name, role, community slug)
    ("resident@demo.kampung.test", "Rosnah", Role.RESIDENT, "kampung-seri-mawar"),
    ("volunteer@demo.kampung.test", "Vijay", Role.VOLUNTEER, "kampung-seri-mawar"),
    (
        "coordinator@demo.kampung.test",
        "Chen Hui",
        Role.COORDINATOR,
        "kampung-seri-mawar",
    ),
    ("partner@demo.kampung.test", "Patricia", Role.PARTNER, "kampung-seri-mawar"),
    ("analyst@demo.kampung.test", "Arif", Role.ANALYST, "kampung-seri-mawar"),
    ("admin@demo.kampung.test", "Aminah", Role.ADMIN, "kampung-seri-mawar"),
    ("woking@demo.kampung.test", "Wendy", Role.RESIDENT, "woking-east"),
]
BATCH = 5000


@dataclass
class SeedReport:
    community: str
    created: bool
    members: int
    organisations: int
    consents: int


def random_point(rng: random.Random, centre, radius_km: float, decimals: int = 5):
    """A point uniformly inside a circle around `centre`."""
    lat0, lng0 = centre
    r = radius_km * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    dlat = (r * math.cos(theta)) / 111.32
    dlng = (r * math.sin(theta)) / (111.32 * math.cos(math.radians(lat0)))
    return round(lat0 + dlat, decimals), round(lng0 + dlng, decimals)


def _boundary(centre, radius_km: float) -> dict:
    lat0, lng0 = centre
    ring = []
    for i in range(13):
        theta = 2 * math.pi * (i % 12) / 12
        dlat = radius_km * 1.05 * math.cos(theta) / 111.32
        dlng = radius_km * 1.05 * math.sin(theta) / (111.32 * math.cos(math.radians(lat0)))
        ring.append([round(lng0 + dlng, 6), round(lat0 + dlat, 6)])
    return {"type": "Polygon", "coordinates": [ring]}


def seed_community(spec: dict, *, members: int, seed: int) -> SeedReport:
    existing = Community.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return SeedReport(
            spec["slug"], False, existing.members.count(), existing.organisations.count(), 0
        )
    rng = random.Random(f"{seed}:{spec['slug']}")
    system = system_user()
    today = date(2026, 11, 1)
    with transaction.atomic(), acting(system, via="cli"):
        community = Community.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            centre_lat=spec["centre"][0],
            centre_lng=spec["centre"][1],
            boundary=_boundary(spec["centre"], spec["radius_km"]),
            timezone=spec["timezone"],
            languages=spec["languages"],
        )
        n_orgs = max(len(ORG_KINDS), members // 400)
        orgs = []
        for i in range(n_orgs):
            label, kind = ORG_KINDS[i % len(ORG_KINDS)]
            lat, lng = random_point(rng, spec["centre"], spec["radius_km"])
            number = 1 + i // len(ORG_KINDS)
            orgs.append(
                Organisation(
                    name=f"{spec['name']} {label}" + (f" {number}" if number > 1 else ""),
                    kind=kind,
                    identifier=f"{spec['org_prefix']}-{seed:04d}{i:06d}",
                    lat=lat,
                    lng=lng,
                )
            )
        orgs = Organisation.objects.bulk_create(orgs, batch_size=BATCH)
        community.organisations.add(*orgs)

        skill_slugs = list(SKILLS)
        langs = spec["languages"]
        first, last = FIRST[spec["slug"]], LAST[spec["slug"]]
        rows = []
        for i in range(members):
            name = f"{rng.choice(first)} {rng.choice(last)}"
            lat, lng = random_point(rng, spec["centre"], spec["radius_km"], decimals=3)
            spoken = sorted({langs[0], *rng.sample(langs, rng.randint(0, 2))})
            has_email = rng.random() < 0.7
            rows.append(
                Member(
                    community=community,
                    display_name=name,
                    email=f"member{i}@{spec['slug']}.example" if has_email else "",
                    phone=f"+00 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
                    if rng.random() < 0.6
                    else "",
                    languages=spoken,
                    skills=rng.sample(skill_slugs, rng.randint(0, 4)),
                    role=Role.VOLUNTEER if rng.random() < 0.15 else Role.RESIDENT,
                    birth_year=rng.randint(1935, 2008),
                    area_lat=lat,
                    area_lng=lng,
                    joined_on=today - timedelta(days=rng.randint(0, 5 * 365)),
                )
            )
        created = Member.objects.bulk_create(rows, batch_size=BATCH)
        now = timezone.now()
        consents, links = [], []
        Through = Member.supported_by.through
        for member in created:
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
                            community=community,  # bulk_create: no save() to fill it
                            purpose=purpose,
                            wording_version="2026-11",
                            given_at=now,
                            recorded_by=system,
                            recorded_on_behalf=True,
                        )
                    )
            if rng.random() < 0.2:
                links.append(
                    Through(
                        member_id=member.pk,
                        organisation_id=rng.choice(orgs).pk,
                        community_id=community.pk,
                    )
                )
        Consent.objects.bulk_create(consents, batch_size=BATCH)
        Through.objects.bulk_create(links, batch_size=BATCH)
        n_assets = seed_assets(
            community,
            count=60 + members // 4,
            rng=rng,
            point=lambda r: random_point(r, spec["centre"], spec["radius_km"]),
            members=[m for m in created if m.skills],
            organisations=orgs,
        )
        log.record(
            AuditEvent.Action.CREATE,
            community,
            summary=f"Seeded demo data: {members} members, {len(orgs)} organisations, "
            f"{n_assets} assets (seed {seed})",
        )
    return SeedReport(spec["slug"], True, members, len(orgs), len(consents))


def ensure_demo_logins() -> list[tuple[str, str, str]]:
    """One login per role (and one in the second community). Idempotent."""
    password = settings.KAMPUNG_DEMO_PASSWORD
    out = []
    with acting(system_user(), via="cli"):
        for email, name, role, slug in DEMO_LOGINS:
            community = Community.objects.get(slug=slug)
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, password, display_name=name)
            member, _ = Member.objects.get_or_create(
                community=community,
                user=user,
                defaults={
                    "display_name": name,
                    "email": email,
                    "role": role,
                    "languages": ["en"],
                    "skills": ["it-help"] if role == Role.VOLUNTEER else [],
                },
            )
            if role == Role.PARTNER and member.organisation_id is None:
                member.organisation = community.organisations.order_by("pk").first()
                member.save(update_fields=["organisation"])
            out.append((email, str(Role(role).label), community.name))
    return out


def seed_demo(*, members: int = 300, seed: int = 1) -> list[SeedReport]:
    from kampung.assets.models import Tag
    from kampung.assets.taxonomy import load_tags

    load_tags(Tag)  # normally loaded by migration; a flushed database needs them again
    reports = [
        seed_community(spec, members=members if i == 0 else max(members // 5, 20), seed=seed)
        for i, spec in enumerate(COMMUNITIES)
    ]
    ensure_demo_logins()
    from kampung.matching.demo import seed_matching

    seed_matching(seed)
    from kampung.timebank.demo import seed_timebank

    seed_timebank()
    from kampung.assets.demo import a_place_due_a_check_for_the_volunteer

    a_place_due_a_check_for_the_volunteer()
    from kampung.fridges.demo import seed_fridges

    seed_fridges()
    from kampung.sharing.demo import seed_gifts

    seed_gifts()
    from kampung.skillshare.demo import seed_sessions

    seed_sessions()
    if any(r.created for r in reports):
        analyze_seeded_tables()
    return reports


def analyze_seeded_tables() -> list[str]:
    """The planner's statistics for every table the seeder fills in bulk: without them
    PostgreSQL plans a 20,000-member table as if it held 20 rows."""
    from kampung.assets.models import Asset
    from kampung.matching.models import Match, Need, Offer, StrengthsProfile
    from kampung.timebank.models import Account, Exchange, Posting, Transaction

    return analyze(
        Community,
        Organisation,
        Organisation.communities.through,
        Member,
        Member.supported_by.through,
        Consent,
        User,
        Asset,
        Asset.tags.through,
        AuditEvent,
        Need,
        Offer,
        Match,
        StrengthsProfile,
        Account,
        Transaction,
        Posting,
        Exchange,
    )
