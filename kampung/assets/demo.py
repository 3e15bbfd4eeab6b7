"""Demo assets for the demo neighbourhood: every category, realistic names, inside the
community's area, some of them overdue for review. Deterministic for a given rng."""

from __future__ import annotations

import random
from datetime import date, timedelta

from kampung.assets.models import REVIEW_EVERY, Asset, Category, Tag

PLACES = [
    ("Community Centre hall", "community centre", ["103", "106"]),
    ("Void deck at Block {n}", "void deck", []),
    ("Neighbourhood library", "library", ["105"]),
    ("Pocket park", "park", []),
    ("Community kitchen", "kitchen", ["102-05"]),
    ("Community fridge at Block {n}", "community fridge", ["102-04"]),
    ("Residents' WhatsApp group", "online space", []),
    ("Rooftop garden", "garden", ["102-01"]),
]
ASSOCIATIONS = [
    ("Youth volunteer group", "volunteer group"),
    ("Mental health recovery circle", "peer support group"),
    ("Line dancing seniors", "interest group"),
    ("Block {n} residents' committee", "residents' group"),
    ("Carers' coffee morning", "peer support group"),
    ("Repair café", "skill sharing"),
]
CONNECTIONS = [
    ("Befriending pairs for older neighbours", "peer network"),
    ("School–seniors reading buddies", "relationship"),
    ("Parents' walking bus", "peer network"),
]
OPENING = [
    [{"day": d, "opens": "09:00", "closes": "17:00"} for d in range(5)],
    [{"day": d, "opens": "07:00", "closes": "22:00"} for d in range(7)],
    [{"day": 5, "opens": "10:00", "closes": "13:00"}],
    [],
]
ACCESS = ["step_free", "wheelchair", "accessible_toilet", "hearing_loop", "quiet_space"]


def seed_assets(
    community,
    *,
    count: int,
    rng: random.Random,
    point,
    members=(),
    organisations=(),
    today: date | None = None,
) -> int:
    """Bulk-create `count` assets (no signals: the seeder writes one audit summary).
    `point(rng)` returns a (lat, lng) inside the community."""
    today = today or date(2026, 11, 1)
    tag_ids = dict(Tag.objects.values_list("code", "id"))
    members = list(members)
    organisations = list(organisations)
    langs = community.languages or ["en"]
    rows, tag_links = [], []
    for _ in range(count):
        roll = rng.random()
        n = rng.randint(100, 999)
        lat, lng = point(rng)
        steward_member = steward_org = None
        visibility = Asset.Visibility.MEMBERS
        location_kind = Asset.LocationKind.POINT
        tags: list[str] = []
        if roll < 0.35 and members:
            member = rng.choice(members)
            skill = rng.choice(member.skills) if member.skills else "befriending"
            category, subtype = Category.PERSONAL, "skill"
            name = f"{member.display_name.split()[0]} — {skill.replace('-', ' ')}"
            steward_member, tags = member, [skill]
            visibility = (
                Asset.Visibility.MEMBERS if rng.random() < 0.6 else Asset.Visibility.PRIVATE
            )
            location_kind = rng.choice([Asset.LocationKind.POINT, Asset.LocationKind.COMES_TO_YOU])
        elif roll < 0.65:
            label, subtype, tags = rng.choice(PLACES)
            category, name = Category.PLACE, label.format(n=n)
            if subtype == "online space":
                location_kind = Asset.LocationKind.ONLINE
            visibility = Asset.Visibility.PUBLIC
            steward_org = rng.choice(organisations) if organisations else None
        elif roll < 0.82:
            label, subtype = rng.choice(ASSOCIATIONS)
            category, name = Category.ASSOCIATION, label.format(n=n)
            if "{n}" not in label:
                name = f"{label}, Block {n}"
            steward_member = rng.choice(members) if members else None
        elif roll < 0.94 and organisations:
            org = rng.choice(organisations)
            category, subtype, name = Category.INSTITUTION, org.get_kind_display(), org.name
            steward_org, visibility = org, Asset.Visibility.PUBLIC
        else:
            label, subtype = rng.choice(CONNECTIONS)
            category, name = Category.CONNECTION, f"{label}, Block {n}"
        verified = today - timedelta(days=rng.randint(0, 240))
        rows.append(
            Asset(
                community=community,
                name=name[:200],
                category=category,
                subtype=subtype,
                description="",
                steward_member=steward_member,
                steward_organisation=steward_org,
                location_kind=location_kind,
                lat=lat if location_kind == Asset.LocationKind.POINT else None,
                lng=lng if location_kind == Asset.LocationKind.POINT else None,
                opening_hours=rng.choice(OPENING) if category == Category.PLACE else [],
                capacity=rng.choice([None, 10, 20, 40, 80]),
                accessibility=rng.sample(ACCESS, rng.randint(0, 3)),
                languages=sorted(set(rng.sample(langs, rng.randint(1, min(2, len(langs)))))),
                cost=rng.choice(
                    [Asset.Cost.FREE, Asset.Cost.FREE, Asset.Cost.DONATION, Asset.Cost.FEE]
                ),
                visibility=visibility,
                status=Asset.Status.ACTIVE if rng.random() < 0.95 else Asset.Status.PAUSED,
                source=Asset.Source.SEED,
                review_due=verified + REVIEW_EVERY,
            )
        )
        tag_links.append(tags)
    created = Asset.objects.bulk_create(rows, batch_size=5000)
    from kampung.assets.signals import bump

    bump(community.pk)  # bulk_create sends no signals; the map's counts must still refresh
    Through = Asset.tags.through
    Through.objects.bulk_create(
        [
            Through(asset_id=a.pk, tag_id=tag_ids[code], community_id=community.pk)
            for a, codes in zip(created, tag_links, strict=True)
            for code in codes
            if code in tag_ids
        ],
        batch_size=5000,
    )
    return len(created)


def a_place_due_a_check_for_the_volunteer() -> None:
    """The demo's reminder story: the volunteer login (Vijay) looks after the community
    hall's noticeboard, which was due a check three days ago, so the worker's first round
    reminds him (in Messages, and by email on the console). Idempotent."""
    from django.utils import timezone

    from kampung.people.models import Member

    vijay = Member.objects.filter(user__email="volunteer@demo.kampung.test").first()
    if (
        vijay is None
        or Asset.objects.filter(steward_member=vijay, source=Asset.Source.SEED).exists()
    ):
        return
    place = (
        Asset.objects.filter(
            community=vijay.community,
            category=Category.PLACE,
            status=Asset.Status.ACTIVE,
            source=Asset.Source.SEED,
            steward_member=None,
        )
        .order_by("pk")
        .first()
    )
    if place is not None:
        Asset.objects.filter(pk=place.pk).update(
            steward_member=vijay, review_due=timezone.localdate() - timedelta(days=3)
        )
