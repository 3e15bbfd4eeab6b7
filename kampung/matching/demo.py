"""Demo needs, offers and strengths: the volunteer login offers phone help, the resident
login has asked for it, and a few neighbours offer and ask for other things; at the far
east end several older neighbours ask for lifts that nothing there offers (the gap map's
story)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from kampung.audit.context import acting
from kampung.communities.models import Community
from kampung.matching import actions
from kampung.matching.models import Clearance, Need, Urgency
from kampung.people import actions as people_actions
from kampung.people.models import Member, Role

TUE_THU_AFTERNOON = [
    {"day": 1, "opens": "14:00", "closes": "18:00"},
    {"day": 3, "opens": "14:00", "closes": "18:00"},
]
OFFERS = [
    ("skill", "Lifts to clinic appointments", "I drive and can take you to the polyclinic "
     "or hospital and wait.", "driving", Clearance.BASIC),
    ("time", "Cooking an extra portion", "I cook every evening and can make a plate for "
     "a neighbour who can't cook right now.", "cooking", Clearance.NONE),
    ("time", "A cup of tea and a chat", "Happy to visit an older neighbour once a week "
     "for company.", "befriending", Clearance.ENHANCED),
    ("skill", "Homework help for primary school", "Maths and English, after school.",
     "tutoring", Clearance.ENHANCED),
    ("skill", "Small repairs at home", "Leaking taps, shelves, loose door handles.",
     "diy-repairs", Clearance.BASIC),
    ("skill", "Sewing and alterations", "Hems, buttons, school uniforms.", "sewing",
     Clearance.NONE),
]  # fmt: skip
NEEDS = [
    ("A lift to the polyclinic", "I have a check-up on Tuesday morning and my knee is bad; "
     "I can't take the bus.", Urgency.SOON, Clearance.BASIC, "driving"),
    ("Company for my father", "My father lives alone since my mother passed. He would "
     "enjoy someone to talk to in the afternoons.", Urgency.NORMAL, Clearance.ENHANCED,
     "befriending"),
    ("Hot meals for a few days", "Just out of hospital and can't stand long enough to cook.",
     Urgency.URGENT, Clearance.NONE, "cooking"),
    ("My son needs help with maths", "Primary 5, struggling with fractions.",
     Urgency.NORMAL, Clearance.ENHANCED, "tutoring"),
    ("Fix a dripping kitchen tap", "It drips all night.", Urgency.WHENEVER, Clearance.BASIC,
     "diy-repairs"),
]  # fmt: skip


# The gap map's story: at the far east end of the neighbourhood, since the bus route
# changed, older neighbours ask for lifts and help getting about, and almost nothing
# there offers it. Several requests in one spot, so the area counts them (3 or more).
FAR_END = (0.0, 0.0105)  # degrees from the centre: about 1.1 km east
FAR_END_NEEDS = [
    ("A lift to the eye clinic", "Since the 27 bus stopped coming up our road I can't get "
     "to my appointments.", Urgency.SOON, "driving"),
    ("Lifts to dialysis on Mondays", "Three hours each time; my daughter works.",
     Urgency.URGENT, "driving"),
    ("Someone to take my mother to the market", "She is 84 and wants to choose her own "
     "vegetables.", Urgency.NORMAL, "driving"),
    ("Help carrying groceries upstairs", "The lift in our block is often broken.",
     Urgency.NORMAL, "eldercare"),
    ("A lift to the Thursday lunch club", "I used to take the bus.", Urgency.NORMAL,
     "driving"),
]  # fmt: skip


def _seed_far_end(by, community, people, rng: random.Random) -> None:
    lat0 = community.centre_lat + FAR_END[0]
    lng0 = community.centre_lng + FAR_END[1]
    for (title, text, urgency, kind), person in zip(FAR_END_NEEDS, people, strict=False):
        actions.post_need(
            by=by,
            community=community,
            member=person,
            title=title,
            description=text,
            urgency=urgency,
            languages=person.languages,
            tags=[kind],
            # Within about 20 m of each other, so they fall in one area at every size.
            lat=round(lat0 + rng.uniform(-0.0002, 0.0002), 5),
            lng=round(lng0 + rng.uniform(-0.0002, 0.0002), 5),
        )


def _record_check(by, member: Member, level: int, rng: random.Random) -> None:
    """A demo background check: done some months ago, valid for three years; one in
    four runs out within the month, so the renewals list has something to show."""
    if level == Clearance.NONE:
        return
    today = timezone.localdate()
    if rng.random() < 0.25:
        expires = today + timedelta(days=rng.randrange(3, 28))
        checked = expires - timedelta(days=3 * 365)
    else:
        checked = today - timedelta(days=rng.randrange(30, 400))
        expires = checked + timedelta(days=3 * 365)
    people_actions.record_check(
        by=by,
        member=member,
        level=level,
        kind="Police record check" if level == Clearance.BASIC else "Enhanced check",
        checked_on=checked,
        expires_on=expires,
        checked_by="Community Safeguarding Office",
        reference=f"DEMO-{rng.randrange(10000, 99999)}",
    )


def seed_matching(seed: int = 1) -> None:
    rng = random.Random(seed)
    # Its own stream, so the checks do not change who asks and offers what.
    checks_rng = random.Random(seed + 1)
    for community in Community.objects.filter(slug__in=["kampung-seri-mawar", "woking-east"]):
        coordinator = (
            Member.objects.filter(community=community, role__in=[Role.COORDINATOR, Role.ADMIN])
            .exclude(user=None)
            .select_related("user")
            .first()
        )
        if coordinator is None or Need.objects.filter(community=community).exists():
            continue
        by = coordinator.user
        people = list(
            Member.objects.filter(community=community, user=None, is_active=True)
            .exclude(area_lat=None)
            .order_by("pk")[:40]
        )
        rng.shuffle(people)
        with acting(by, via="cli"):
            volunteer = (
                Member.objects.filter(community=community, role=Role.VOLUNTEER)
                .exclude(user=None)
                .first()
            )
            if volunteer is not None:
                if volunteer.area_lat is None:
                    volunteer.area_lat = community.centre_lat + 0.002
                    volunteer.area_lng = community.centre_lng + 0.001
                    volunteer.phone = volunteer.phone or "+65 8123 4567"
                    volunteer.save()
                actions.save_strengths(
                    by=by,
                    member=volunteer,
                    availability=TUE_THU_AFTERNOON,
                    travel_km=3.0,
                    open_to_requests=True,
                    interests="Technology, teaching older people to use their phones",
                )
                _record_check(by, volunteer, Clearance.BASIC, checks_rng)
                actions.post_offer(
                    by=by,
                    community=community,
                    member=volunteer,
                    kind="skill",
                    title="Help with phones, tablets and video calls",
                    description="Setting up a new smartphone, WhatsApp, video calls with "
                    "family, the HealthHub app.",
                    tags=["it-help"],
                    location_kind="comes_to_you",
                    travel_km=3.0,
                    availability=TUE_THU_AFTERNOON,
                    languages=["en", "ta"],
                    capacity=2,
                )
            for (kind, title, text, skill, clearance), person in zip(OFFERS, people, strict=False):
                actions.save_strengths(by=by, member=person, open_to_requests=True, travel_km=2.0)
                _record_check(by, person, clearance, checks_rng)
                actions.post_offer(
                    by=by,
                    community=community,
                    member=person,
                    kind=kind,
                    title=title,
                    description=text,
                    tags=[skill],
                    location_kind="comes_to_you",
                    travel_km=2.0,
                    languages=person.languages,
                )
            resident = (
                Member.objects.filter(community=community, role=Role.RESIDENT)
                .exclude(user=None)
                .first()
            )
            if resident is not None:
                if resident.area_lat is None:
                    resident.area_lat = community.centre_lat - 0.001
                    resident.area_lng = community.centre_lng + 0.002
                    resident.phone = resident.phone or "+65 9876 5432"
                    resident.save()
                actions.post_need(
                    by=by,
                    community=community,
                    member=resident,
                    title="Help setting up my new phone",
                    description="My grandson gave me a smartphone. I would like to make "
                    "video calls to my family and use WhatsApp.",
                    urgency=Urgency.NORMAL,
                    languages=["en", "ms"],
                    tags=["it-help"],
                )
            for (title, text, urgency, clearance, kind), person in zip(
                NEEDS, people[len(OFFERS) :], strict=False
            ):
                actions.post_need(
                    by=by,
                    community=community,
                    member=person,
                    title=title,
                    description=text,
                    urgency=urgency,
                    safeguarding=clearance,
                    languages=person.languages,
                    tags=[kind],
                )
            _seed_far_end(by, community, people[len(OFFERS) + len(NEEDS) :], rng)
        # An organisation asks too: the partner login's organisation needs drivers.
        partner = (
            Member.objects.filter(community=community, role=Role.PARTNER)
            .exclude(user=None)
            .exclude(organisation=None)
            .select_related("user", "organisation")
            .first()
        )
        if partner is not None:
            with acting(partner.user, via="cli"):
                actions.post_need(
                    by=partner.user,
                    community=community,
                    organisation=partner.organisation,
                    title="Volunteer drivers for our Thursday lunch club",
                    description="Picking up four older members who can't take the bus "
                    "and driving them home after lunch, 11:30 to 14:00.",
                    urgency=Urgency.SOON,
                    safeguarding=Clearance.BASIC,
                    tags=["driving"],
                )
