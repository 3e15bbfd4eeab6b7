"""Gift and take in the demo: a handful of items in Kampung Seri Mawar given by demo
members (some with a photo drawn here with Pillow), a Gift and Take shop in the register
with an item it holds for a donor, and one request waiting for its giver: Rosnah (the
resident demo login) has someone waiting for her item; Vijay (the volunteer) has asked
for nothing yet, so he can ask. Idempotent: once the community has listings, nothing
is added."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from django.utils import timezone

from kampung.assets.models import Asset, Category
from kampung.audit.context import acting
from kampung.communities.models import Community
from kampung.people.models import Member, Role, User
from kampung.sharing import actions
from kampung.sharing.models import Condition, GiftRequest, Listing
from kampung.sharing.queries import SHOP_SUBTYPE

SLUG = "kampung-seri-mawar"

# (title, category, condition, area, description, colour of its photo or None)
ITEMS = [
    (
        "Baby stroller, folds flat",
        "baby",
        Condition.GOOD,
        "Blk 123 Seri Mawar",
        "Light and easy to carry up the stairs.",
        (70, 130, 180),
    ),
    (
        "Children's story books (10)",
        "books",
        Condition.LIKE_NEW,
        "Mawar Gardens",
        "English and Malay, ages 4 to 8.",
        (200, 120, 60),
    ),
    (
        "Rice cooker, 1 litre",
        "kitchen",
        Condition.GOOD,
        "Blk 118 Seri Mawar",
        "Works well; the inner pot has a small scratch.",
        None,
    ),
    (
        "School uniforms, size 10",
        "clothes",
        Condition.GOOD,
        "Seri Mawar Market",
        "Two shirts and two pairs of shorts.",
        (90, 160, 90),
    ),
    (
        "Wooden toy train set",
        "toys",
        Condition.WORN,
        "Mawar Gardens",
        "All the pieces are there.",
        None,
    ),
]


def _picture(colour: tuple[int, int, int]) -> io.BytesIO:
    """A simple drawn picture standing in for a photo of the item."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), (245, 240, 230))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((160, 140, 640, 460), radius=40, fill=colour)
    draw.ellipse((250, 420, 350, 520), fill=(60, 60, 60))
    draw.ellipse((450, 420, 550, 520), fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    out.seek(0)
    out.name = "photo.jpg"
    return out


def seed_gifts() -> int:
    community = Community.objects.filter(slug=SLUG).first()
    if community is None or Listing.objects.filter(community=community).exists():
        return 0
    rosnah = Member.objects.filter(
        community=community, user__email="resident@demo.kampung.test"
    ).first()
    coordinator = User.objects.filter(email="coordinator@demo.kampung.test").first()
    if rosnah is None or coordinator is None:
        return 0
    rng = random.Random(16)
    neighbours = list(
        Member.objects.filter(
            community=community, user=None, is_active=True, role=Role.RESIDENT
        ).order_by("pk")[:12]
    )
    made = 0
    with acting(coordinator, via="cli"):
        # Rosnah's own item, listed as she would, with a photo and someone waiting for it.
        title, category, condition, area, description, colour = ITEMS[0]
        with acting(rosnah.user, via="cli"):
            mine = actions.list_item(
                by=rosnah.user,
                community=community,
                title=title,
                category=category,
                condition=condition,
                pickup_area=area,
                description=description,
                photos=[_picture(colour)],
            )
        made += 1
        if neighbours:
            GiftRequest.objects.create(
                listing=mine,
                member=neighbours[0],
                message="My grandson arrives next month. I can come on Saturday morning.",
            )
        # Neighbours' items (they have no login: written as the seeder, as they would list).
        for i, (title, category, condition, area, description, colour) in enumerate(ITEMS[1:]):
            if i + 1 >= len(neighbours):
                break
            listing = Listing.objects.create(
                community=community,
                title=title,
                category=category,
                condition=condition,
                pickup_area=area,
                area_key=area.lower(),
                description=description,
                giver=neighbours[i + 1],
                listed_by=coordinator,
                available_until=timezone.localdate() + timedelta(days=rng.randint(5, 14)),
                created_at=timezone.now() - timedelta(hours=rng.randint(1, 72)),
            )
            if colour is not None:
                cleaned = actions._clean_photos([_picture(colour)])
                actions._save_photos(listing, cleaned)
            made += 1
        # The Gift and Take shop, in the register, with an item it holds for a donor.
        shop = Asset.objects.filter(community=community, subtype=SHOP_SUBTYPE).first()
        if shop is None:
            shop = Asset.objects.create(
                community=community,
                name="Seri Mawar Gift and Take",
                category=Category.PLACE,
                subtype=SHOP_SUBTYPE,
                description="Drop off pre-loved things in good condition; take what you need.",
                lat=community.centre_lat + 0.001,
                lng=community.centre_lng - 0.001,
                contact="Open Tue to Sat, 10am to 4pm",
                source=Asset.Source.SEED,
                review_due=timezone.localdate() + timedelta(days=180),
            )
        actions.list_item(
            by=coordinator,
            community=community,
            shop=shop,
            title="Standing fan, three speeds",
            category="electronics",
            condition=Condition.GOOD,
            description="Donated by a neighbour moving house. Tested and working.",
            photos=[_picture((150, 150, 210))],
        )
        made += 1
    return made
