"""From the database to the matching core's plain data: needs, offers, strengths
profiles and assets become core.Need / core.Candidate values."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kampung import policy
from kampung.assets.models import Asset, Category
from kampung.matching import core
from kampung.matching.core.types import CLEARANCE_NONE, Slot
from kampung.matching.models import Match, Need, Offer, StrengthsProfile
from kampung.people import queries as people_queries
from kampung.people.models import Member, Role

OPEN_MATCHES = (Match.Status.PROPOSED, Match.Status.ACCEPTED, Match.Status.IN_PROGRESS)
# Requests at once for a person who has not said (their strengths profile holds their own).
PERSON_CAPACITY = 2
FAIRNESS_DAYS = 30


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def slots(value) -> tuple[Slot, ...]:
    """[{"day": 0, "opens": "09:00", "closes": "12:00"}] -> ((0, 540, 720),)"""
    return tuple((int(s["day"]), minutes(s["opens"]), minutes(s["closes"])) for s in value or ())


def local_now(community) -> datetime:
    """Now, on the community's clock: weekly free times and "from/by" dates are the
    community's local days and hours, so "today" must be too."""
    return timezone.now().astimezone(ZoneInfo(community.timezone))


def need_to_core(need: Need, tz: ZoneInfo | None = None) -> core.Need:
    occasions = ()
    if need.needed_from or need.needed_by:
        tz = tz or ZoneInfo(need.community.timezone)
        start = need.needed_from or timezone.now().astimezone(tz).date()
        end = need.needed_by or start + timedelta(days=28)
        occasions = (
            (
                datetime.combine(start, time(0, 0), tz),
                datetime.combine(end, time(23, 59), tz),
            ),
        )
    # A kind Kampung guessed from the words is no more certain than the words, which
    # the core reads itself: only a kind a person chose counts as a category.
    codes = frozenset() if need.kind_guessed else frozenset(t.code for t in need.tags.all())
    return core.Need(
        id=need.pk,
        text=f"{need.title}. {need.description}",
        categories=codes,
        lat=need.lat,
        lng=need.lng,
        mode=need.mode,
        travel_km=0.0,
        times=slots(need.times),
        occasions=occasions if not need.times else (),
        urgency=need.urgency,
        languages=frozenset(need.languages),
        accessibility=frozenset(need.accessibility),
        safeguarding=need.safeguarding,
        requester_id=_requester(need),
    )


def _requester(need: Need) -> str | None:
    """Who must never be suggested to help with their own request: the person asking,
    or for an organisation's request whoever posted it."""
    if need.member_id:
        return f"member:{need.member_id}"
    if need.organisation_id:
        poster = (
            Member.objects.filter(community_id=need.community_id, user_id=need.posted_by_id)
            .values_list("pk", flat=True)
            .first()
        )
        return f"member:{poster}" if poster else None
    return None


def _asks(community, helpers=None) -> dict[int, int]:
    since = timezone.now() - timedelta(days=FAIRNESS_DAYS)
    rows = Match.objects.filter(community=community, proposed_at__gte=since, helper__isnull=False)
    if helpers is not None:
        rows = rows.filter(helper_id__in=helpers)
    return {r["helper"]: r["n"] for r in rows.values("helper").annotate(n=Count("id")).order_by()}


def _open_counts(community, offers=None, helpers=None) -> tuple[dict[int, int], dict[int, int]]:
    """Open matches per offer, and per helper across everything they offer."""
    rows = Match.objects.filter(community=community, status__in=OPEN_MATCHES)
    by_offer_rows = rows.exclude(offer=None)
    by_helper_rows = rows.exclude(helper=None)
    if offers is not None or helpers is not None:
        by_offer_rows = by_offer_rows.filter(
            Q(offer_id__in=offers or ()) | Q(offer__member_id__in=helpers or ())
        )
        by_helper_rows = by_helper_rows.filter(helper_id__in=helpers or ())
    by_offer = dict(by_offer_rows.values_list("offer").annotate(n=Count("id")).order_by())
    by_helper = dict(by_helper_rows.values_list("helper").annotate(n=Count("id")).order_by())
    return by_offer, by_helper


def candidates_for(user, community) -> list[core.Candidate]:
    """Every offer, willing strengths profile and shared asset `user` may suggest."""
    out = read_candidates(community)
    # Nobody is offered themself: a community developer never suggests their own offer
    # or strengths (a colleague may). Places they look after stay: a place is not them.
    me = policy.membership(user, community)
    if me is not None:
        own = f"member:{me.pk}"
        out = [c for c in out if c.kind == "asset" or c.owner_id != own]
    return out


def read_candidates(community, *, offers=None, members=None, assets=None) -> list[core.Candidate]:
    """Every offer, willing strengths profile and shared asset (places, groups,
    organisations) in the community, as the matching core's candidates — or, when any
    of ``offers``, ``members`` and ``assets`` (ids) is given, only those offers, those
    members' offers, profiles and the places they look after, and those assets."""
    partial = offers is not None or members is not None or assets is not None
    offers, members, assets = set(offers or ()), set(members or ()), set(assets or ())
    asks = _asks(community, members | _offer_members(offers) if partial else None)
    by_offer, by_helper = (
        _open_counts(community, offers, members | _offer_members(offers))
        if partial
        else _open_counts(community)
    )
    # Each person's best valid, unexpired background check, today on the community's
    # clock (an expired or withdrawn check counts for nothing).
    cleared = people_queries.clearances(community)
    out: list[core.Candidate] = []
    # Plain rows, not model instances: at 100,000 offers building instances was most
    # of the time (kampung.matching.kept reads them all once per process).
    offer_rows = Offer.objects.filter(community=community).exclude(status=Offer.Status.CLOSED)
    if partial:
        offer_rows = offer_rows.filter(Q(pk__in=offers) | Q(member_id__in=members))
    columns = (
        "pk", "member_id", "organisation_id", "title", "description", "lat", "lng",
        "location_kind", "travel_km", "availability", "languages", "accessibility",
        "capacity", "status", "member__area_lat", "member__area_lng", "member__languages",
        "member__strengths__max_at_once",
    )  # fmt: skip
    offer_rows = list(offer_rows.order_by("pk").values_list(*columns))
    tags: dict[int, list[tuple[str, str]]] = {}
    through = Offer.tags.through.objects.filter(offer__community=community)
    if partial:
        through = through.filter(offer_id__in=[row[0] for row in offer_rows])
    for offer_id, code, scheme in through.values_list("offer_id", "tag__code", "tag__scheme"):
        tags.setdefault(offer_id, []).append((code, scheme))

    def left_for(member_id: int | None, limit: int | None) -> int | None:
        """What is left of a person's own limit (their profile's, or the default)."""
        if member_id is None:
            return None
        limit = limit if limit is not None else PERSON_CAPACITY
        return max(0, limit - by_helper.get(member_id, 0))

    comes, online = Asset.LocationKind.COMES_TO_YOU, Asset.LocationKind.ONLINE
    for (
        pk, member_id, org_id, title, description, lat, lng, where, travel_km, availability,
        languages, accessibility, capacity, status, area_lat, area_lng, member_languages,
        max_at_once,
    ) in offer_rows:  # fmt: skip
        own_tags = tags.get(pk, ())
        out.append(
            core.Candidate(
                id=f"offer:{pk}",
                kind="offer",
                owner_id=f"member:{member_id}" if member_id else f"org:{org_id}",
                name=title,
                categories=frozenset(code for code, scheme in own_tags if scheme != "skill"),
                # An offer is about what it offers, not everything its author can do
                # (their other skills are in their strengths profile).
                skills=frozenset(code for code, scheme in own_tags if scheme == "skill"),
                text=description,
                lat=lat if lat is not None else (area_lat if member_id else None),
                lng=lng if lng is not None else (area_lng if member_id else None),
                online=where == online,
                comes_to_you=where == comes,
                travel_km=travel_km,
                availability=slots(availability),
                languages=frozenset(languages or (member_languages if member_id else ())),
                accessibility=frozenset(accessibility),
                clearance=cleared.get(member_id, CLEARANCE_NONE) if member_id else CLEARANCE_NONE,
                capacity=max(0, capacity - by_offer.get(pk, 0)),
                owner_capacity=left_for(member_id, max_at_once),
                paused=status == Offer.Status.PAUSED,
                consent=True,  # posting an offer is asking to be matched
                recent_asks=asks.get(member_id, 0) if member_id else 0,
            )
        )
    # A person with an open offer is suggested through it; their strengths profile is
    # a candidate only while they have none.
    with_offers = Offer.objects.filter(community=community, member__isnull=False).exclude(
        status=Offer.Status.CLOSED
    )
    profiles = (
        StrengthsProfile.objects.filter(member__community=community, member__is_active=True)
        .exclude(member_id__in=with_offers.values("member_id"))
        .select_related("member")
        .order_by("member_id")
    )
    if partial:
        profiles = profiles.filter(member_id__in=members)
    for p in profiles:
        m = p.member
        out.append(
            core.Candidate(
                id=f"profile:{m.pk}",
                kind="profile",
                owner_id=f"member:{m.pk}",
                name=m.display_name,
                skills=frozenset(m.skills),
                text=f"{p.interests}\n{p.lived_experience}",
                lat=m.area_lat,
                lng=m.area_lng,
                comes_to_you=True,
                travel_km=p.travel_km,
                availability=slots(p.availability),
                languages=frozenset(m.languages),
                clearance=cleared.get(m.pk, CLEARANCE_NONE),
                capacity=left_for(m.pk, p.max_at_once),
                owner_capacity=left_for(m.pk, p.max_at_once),
                consent=p.open_to_requests,
                recent_asks=asks.get(m.pk, 0),
            )
        )
    asset_rows = (
        Asset.objects.filter(community=community)
        .exclude(category=Category.PERSONAL)  # people are matched through offers and profiles
        # Only what members may see: a suggestion is shown to the person asking.
        .filter(visibility__in=[Asset.Visibility.PUBLIC, Asset.Visibility.MEMBERS])
        .filter(status__in=[Asset.Status.ACTIVE, Asset.Status.PAUSED])
        .select_related("steward_member__strengths")
        .prefetch_related("tags")
        .order_by("pk")
    )
    if partial:
        asset_rows = asset_rows.filter(Q(pk__in=assets) | Q(steward_member_id__in=members))
    for a in asset_rows:
        steward = a.steward_member
        # A steward is asked when their asset is suggested (they become the helper), so
        # it counts against their own limit like their offers do.
        profile = getattr(steward, "strengths", None) if steward else None
        steward_left = (
            left_for(steward.pk, profile.max_at_once if profile else None) if steward else None
        )
        tags = a.tags.all()
        out.append(
            core.Candidate(
                id=f"asset:{a.pk}",
                kind="asset",
                owner_id=f"member:{a.steward_member_id}" if a.steward_member_id else None,
                name=a.name,
                categories=frozenset(t.code for t in tags if t.scheme != "skill"),
                skills=frozenset(t.code for t in tags if t.scheme == "skill"),
                text=f"{a.subtype}\n{a.description}",
                lat=a.lat,
                lng=a.lng,
                online=a.location_kind == Asset.LocationKind.ONLINE,
                comes_to_you=a.location_kind == Asset.LocationKind.COMES_TO_YOU,
                availability=slots(a.opening_hours),
                languages=frozenset(a.languages),
                accessibility=frozenset(a.accessibility),
                capacity=None,
                owner_capacity=steward_left,
                paused=a.status == Asset.Status.PAUSED,
            )
        )
    return out


def _offer_members(offer_ids) -> set[int]:
    if not offer_ids:
        return set()
    return set(
        Offer.objects.filter(pk__in=offer_ids, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )


def resolve(candidate_id: str) -> tuple[str, int]:
    """ "offer:12" -> ("offer", 12). Only plain ASCII digits, no leading zero, and a
    number a database id can be (a huge one is unknown, not an overflow)."""
    from kampung.api_types import MAX_ID

    kind, _sep, pk = str(candidate_id).partition(":")
    plain_number = pk.isascii() and pk.isdigit() and not (len(pk) > 1 and pk[0] == "0")
    if kind not in ("offer", "profile", "asset") or not plain_number or int(pk) > MAX_ID:
        raise ValueError(candidate_id)
    return kind, int(pk)


def needs_of(user, community):
    """Needs `user` may see: their own (and their household's); all for staff."""
    qs = Need.objects.filter(community=community)
    if policy.can(user, "need.view_all", community):
        return qs
    me = policy.membership(user, community)
    if me is None:
        return qs.none()
    mine = Q(member=me) | Q(posted_by=user)
    if me.role == Role.PARTNER and me.organisation_id is not None:
        mine |= Q(organisation_id=me.organisation_id)
    return qs.filter(mine)


STALE_SUGGESTION_DAYS = 3


def unmatched_needs(community):
    """Open requests with no suggestion under way (nobody asked, nobody helping)."""
    return Need.objects.filter(community=community, status=Need.Status.OPEN).exclude(
        Exists(Match.objects.filter(need=OuterRef("pk"), status__in=OPEN_MATCHES))
    )


def needs_waiting_for_an_answer(community):
    """Open requests with a suggestion the helper has not answered for 3 days."""
    cutoff = timezone.now() - timedelta(days=STALE_SUGGESTION_DAYS)
    return Need.objects.filter(community=community, status=Need.Status.OPEN).filter(
        Exists(
            Match.objects.filter(
                need=OuterRef("pk"), status=Match.Status.PROPOSED, proposed_at__lt=cutoff
            )
        )
    )


def headings(cands: list[core.Candidate]) -> dict[str, tuple[str, str]]:
    """candidate id -> (who, what they offer), for the candidates' headings: the person
    (or organisation) first, then the offer ("Vijay", "Help with phones and tablets").
    A volunteer's strengths read "what they can do"; a place is its own name."""
    offer_ids = [resolve(c.id)[1] for c in cands if c.kind == "offer"]
    offers = {
        o.pk: o
        for o in Offer.objects.filter(pk__in=offer_ids).select_related("member", "organisation")
    }
    out: dict[str, tuple[str, str]] = {}
    for c in cands:
        kind, pk = resolve(c.id)
        if kind == "offer" and pk in offers:
            o = offers[pk]
            who = o.member.display_name if o.member_id else str(o.organisation)
            out[str(c.id)] = (who, o.title)
        elif kind == "profile":
            from kampung.people.skills import SKILLS

            skills = [str(SKILLS.get(s, s)) for s in sorted(c.skills)][:3]
            out[str(c.id)] = (c.name, ", ".join(skills) or _("Volunteer's strengths"))
        else:
            out[str(c.id)] = (c.name, _("A place or group"))
    return out


def _too_far_sentences(need: Need, people: int, places: int, summary) -> list[str]:
    """Who is too far, grouped by what limits them: places stay put (the nearest of them
    says how far they are), and people by how far they said they travel ("too far for
    them to travel to (they said up to 2 km)") — never one distance for everyone, which
    read as "more than 0.1 km away" when the nearest was a place round the corner."""
    out = []
    if places:
        # Each is further away than the nearest of them, rounded down (never "0 km").
        near = summary.nearest_far_place_km
        km = int(near * 10) / 10 if near is not None else 0.0
        n = places
        if km > 0:
            text = ngettext(
                "%(n)s place is more than %(km)s km away, and places cannot come to "
                "the person asking",
                "%(n)s places are more than %(km)s km away, and places cannot come to "
                "the person asking",
                n,
            )
        else:
            text = ngettext(
                "%(n)s place is not where the person asking is, and places cannot come to them",
                "%(n)s places are not where the person asking is, and places cannot come to them",
                n,
            )
        out.append(text % {"n": n, "km": f"{km:g}"})
    by_reach = summary.far_people
    for reach in sorted(by_reach, key=lambda r: (r == 0, r)):
        n = by_reach[reach]
        if reach > 0:
            text = ngettext(
                "%(n)s person is too far for them to travel to (they said up to %(km)s km)",
                "%(n)s people are too far for them to travel to (they said up to %(km)s km)",
                n,
            )
        else:
            text = ngettext(
                "%(n)s person only helps at their own place, too far for the person asking",
                "%(n)s people only help at their own place, too far for the person asking",
                n,
            )
        out.append(text % {"n": n, "km": f"{reach:g}"})
    return out


# The order the "not suggested" groups are shown in.
NOT_SUGGESTED_ORDER = (
    "own", "safeguarding", "access", "distance", "online", "time", "capacity", "paused",
    "consent", "poor_fit",
)  # fmt: skip


def not_suggested_sentences(need: Need, summary) -> list[str]:
    """The "not suggested" groups (a core NotSuggested: who offers something relevant
    but is left out, and why) as sentences: "2 people are too far for them to travel
    to (they said up to 2 km)", "3 people are paused"."""
    from kampung.matching.core.score import MUST_HAVE_ACCESS
    from kampung.matching.core.synonyms import ACCESSIBILITY_NAMES

    def who(people: int, places: int) -> str:
        if not people:
            return ngettext("place", "places", places)
        if places:
            return _("people and places")
        return ngettext("person", "people", people)

    order = NOT_SUGGESTED_ORDER
    out = []
    for code in sorted(summary.counts, key=lambda k: (order.index(k) if k in order else 99, k)):
        people, places = summary.counts[code]
        n = people + places
        v = {"n": n, "who": who(people, places)}
        if code == "own":
            text = _("The person asking is not suggested to help themselves")
        elif code == "safeguarding":
            v["check"] = need.get_safeguarding_display().lower()
            text = ngettext(
                "%(n)s %(who)s does not have a valid %(check)s",
                "%(n)s %(who)s do not have a valid %(check)s",
                n,
            )
        elif code == "access":
            wanted = sorted(set(need.accessibility) & MUST_HAVE_ACCESS)
            v["access"] = _(" and ").join(ACCESSIBILITY_NAMES.get(a, a) for a in wanted)
            text = ngettext(
                "%(n)s %(who)s does not have %(access)s",
                "%(n)s %(who)s do not have %(access)s",
                n,
            )
        elif code == "distance":
            out.extend(_too_far_sentences(need, people, places, summary))
            continue
        elif code == "online":
            text = (
                ngettext(
                    "%(n)s %(who)s does not help online", "%(n)s %(who)s do not help online", n
                )
                if need.mode == "online"
                else ngettext(
                    "%(n)s %(who)s only helps online", "%(n)s %(who)s only help online", n
                )
            )
        elif code == "time":
            text = ngettext(
                "%(n)s %(who)s is not free at the times asked",
                "%(n)s %(who)s are not free at the times asked",
                n,
            )
        elif code == "capacity":
            text = ngettext(
                "%(n)s %(who)s is already helping as much as they can",
                "%(n)s %(who)s are already helping as much as they can",
                n,
            )
        elif code == "paused":
            text = ngettext("%(n)s %(who)s is paused", "%(n)s %(who)s are paused", n)
        elif code == "consent":
            text = ngettext(
                "%(n)s %(who)s has not agreed to be suggested",
                "%(n)s %(who)s have not agreed to be suggested",
                n,
            )
        else:
            text = ngettext("%(n)s %(who)s is not suggested", "%(n)s %(who)s are not suggested", n)
        out.append(text % v)
    return out


def reference_rank(user, need: Need, limit: int | None = 10):
    """(matches, exclusions) for one need with every candidate read and scored one by
    one: the reference the kept index (kampung.matching.kept) is tested against. Slow
    at borough scale: pages and the API use the kept index."""
    return core.rank_with_exclusions(
        need_to_core(need),
        candidates_for(user, need.community),
        now=local_now(need.community),
        limit=limit,
    )


def summary_of(need: Need, excluded, by_id):
    """Exclusions (a list of core Exclusions) grouped as the kept index groups them."""
    from kampung.matching.core.index import NotSuggested
    from kampung.matching.core.score import candidate_reach_km, haversine_km

    out = NotSuggested()
    for e in excluded:
        if e.code == "irrelevant":
            continue
        c = by_id[e.candidate_id]
        place = c.kind == "asset"
        people, places = out.counts.get(e.code, (0, 0))
        out.counts[e.code] = (people + (not place), places + place)
        if e.code != "distance":
            continue
        if not place:
            reach = candidate_reach_km(c)
            out.far_people[reach] = out.far_people.get(reach, 0) + 1
        elif None not in (need.lat, need.lng, c.lat, c.lng):
            d = haversine_km(need.lat, need.lng, c.lat, c.lng)
            near = out.nearest_far_place_km
            out.nearest_far_place_km = d if near is None else min(near, d)
    return out
