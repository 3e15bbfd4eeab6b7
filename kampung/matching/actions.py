"""Writes for needs, offers, strengths profiles and matches. Each is one transaction;
bad input raises ValidationError naming the field and nothing is stored.

A match's life: proposed -> accepted or declined by the helper -> in progress ->
completed (minutes given and feedback from both sides) or cancelled. From acceptance on
each side sees only the contact details the other chose to share on this match
(kampung.matching.contacts), and the two can always write through the site
(send_match_message). Hard constraints are
checked again by the core when a match is proposed, so a stale page cannot break them."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kampung import policy
from kampung.assets import rules as asset_rules
from kampung.assets.models import REVIEW_EVERY, Asset, Category, Tag
from kampung.audit.context import acting
from kampung.communities.models import Organisation, links_of
from kampung.matching import candidates as cand
from kampung.matching import core, kept
from kampung.matching.models import (
    Match,
    MatchMessage,
    Mode,
    Need,
    Offer,
    Share,
    StrengthsProfile,
)
from kampung.matching.queries import asker_of, speaks_for_asker
from kampung.notices import actions as notices
from kampung.people.models import Consent, ConsentPurpose, Member
from kampung.people.skills import LANGUAGE_NAMES

NEED_FIELDS = {
    "title", "description", "mode", "lat", "lng", "times", "needed_from", "needed_by",
    "urgency", "languages", "accessibility", "safeguarding", "for_household",
}  # fmt: skip
OFFER_FIELDS = {
    "kind", "title", "description", "location_kind", "lat", "lng", "travel_km",
    "availability", "languages", "accessibility", "capacity",
}  # fmt: skip


def _tags(codes) -> list[Tag]:
    codes = list(dict.fromkeys(codes or ()))
    tags = list(Tag.objects.filter(code__in=codes))
    missing = set(codes) - {t.code for t in tags}
    if missing:
        raise ValidationError(
            {"tags": _("Unknown category: %(v)s.") % {"v": ", ".join(sorted(missing))}}
        )
    return tags


def _check_common(obj, errors: dict, *, slots_field: str) -> None:
    try:
        asset_rules.validate_opening_hours(getattr(obj, slots_field))
    except ValidationError as exc:
        errors[slots_field] = [
            m.replace("Opening time", _("Time")) for m in exc.message_dict["opening_hours"]
        ]
    unknown = [code for code in obj.languages if code not in LANGUAGE_NAMES]
    if unknown:
        errors["languages"] = _("Unknown language: %(v)s.") % {"v": ", ".join(map(str, unknown))}
    unknown = [a for a in obj.accessibility if a not in asset_rules.ACCESSIBILITY]
    if unknown:
        errors["accessibility"] = _("Unknown accessibility need: %(v)s.") % {
            "v": ", ".join(map(str, unknown))
        }
    if (obj.lat is None) != (obj.lng is None):
        errors["lat"] = _("Give both latitude and longitude, or neither.")


def _validate_need(need: Need) -> None:
    errors: dict = {}
    need.title = (need.title or "").strip()
    need.description = (need.description or "").strip()
    if not need.title:
        errors["title"] = _("Say in a few words what you need.")
    if need.mode not in Mode.values:
        errors["mode"] = _("Choose in person, online, or either.")
    if need.mode == Mode.IN_PERSON and need.lat is None:
        errors.setdefault("lat", _("Say where, so we can find someone nearby."))
    if need.needed_from and need.needed_by and need.needed_from > need.needed_by:
        errors["needed_by"] = _("The end date is before the start date.")
    _check_common(need, errors, slots_field="times")
    if errors:
        raise ValidationError(errors)
    need.full_clean(exclude=["tags", "member", "organisation", "posted_by", "community"])


@transaction.atomic
def post_need(
    *,
    by,
    community,
    tags=(),
    member: Member | None = None,
    organisation: Organisation | None = None,
    **fields,
) -> Need:
    """A member asks for something, a community developer asks for a member, or an
    organisation asks (a community developer, or the organisation's partner staff)."""
    policy.require(by, "need.post", community)
    unknown = set(fields) - NEED_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    me = policy.membership(by, community)
    if organisation is not None:
        if member is not None:
            raise ValidationError(
                {"organisation": _("A request is for a person or an organisation, not both.")}
            )
        if not organisation.communities.filter(pk=community.pk).exists():
            raise ValidationError(
                {"organisation": _("That organisation does not work in this community.")}
            )
        policy.require(by, "need.post_for_organisation", community, organisation)
    elif member is not None and member != me:
        policy.require(by, "need.post_for_others", community)
        if member.community_id != community.pk:
            raise ValidationError({"member": _("That person is not in this community.")})
    asker = None if organisation is not None else (member or me)
    need = Need(
        community=community, member=asker, organisation=organisation, posted_by=by, **fields
    )
    if need.mode == Mode.ONLINE:
        need.lat = need.lng = None  # nowhere to go: a tapped place is not kept
    if need.lat is None and need.mode != Mode.ONLINE:
        # Where the person lives (their area on their record), or the organisation's
        # place, or else the middle of the neighbourhood: distances are then rough,
        # never a reason to refuse.
        if need.member and need.member.area_lat is not None:
            need.lat, need.lng = need.member.area_lat, need.member.area_lng
        elif organisation is not None and organisation.lat is not None:
            need.lat, need.lng = organisation.lat, organisation.lng
        elif fields.get("lng") is None:
            need.lat, need.lng = community.centre_lat, community.centre_lng
    tag_objs = _tags(tags)
    _validate_need(need)
    if not tag_objs:
        tag_objs = _guessed_kind(need)
        need.kind_guessed = bool(tag_objs)
    need.save()
    need.tags.set(tag_objs, through_defaults=links_of(need))
    return need


def kind_choices_query():
    """The kinds of help a person can choose: skills and the top services."""
    from django.db.models import Q

    return Tag.objects.filter(Q(scheme="skill") | Q(scheme="oe", parent_code=""))


def _guessed_kind(need: Need) -> list[Tag]:
    """The kind of help the words most likely ask for, among those a person can choose
    (a service's top level for a more detailed one), or none."""
    choosable = {t.code: t for t in kind_choices_query()}
    for code in core.synonyms.guess_kinds(f"{need.title}. {need.description}"):
        top = code.split("-")[0] if code[:1].isdigit() else code
        if top in choosable:
            return [choosable[top]]
    return []


@transaction.atomic
def change_need_kind(*, by, need: Need, tag: str = "") -> Need:
    """The person asking or a community developer says what kind of help it is
    (`tag`: a code), or leaves it to Kampung's guess (blank)."""
    policy.require(by, "need.edit", need.community, need)
    need = Need.objects.select_for_update().get(pk=need.pk)
    if tag:
        if not kind_choices_query().filter(code=tag).exists():
            raise ValidationError({"tag": _("Choose a kind of help from the list.")})
        tag_objs = _tags([tag])
        need.kind_guessed = False
    else:
        tag_objs = _guessed_kind(need)
        need.kind_guessed = bool(tag_objs)
    need.save(update_fields=["kind_guessed", "updated_at"])
    need.tags.set(tag_objs, through_defaults=links_of(need))
    return need


@transaction.atomic
def close_need(*, by, need: Need, status: str = Need.Status.CLOSED) -> Need:
    """The request is sorted ("met") or withdrawn ("closed"). Suggestions nobody has
    answered yet are cancelled either way; withdrawing also cancels help that was
    agreed or under way, and tells the helper."""
    policy.require(by, "need.edit", need.community, need)
    if status not in (Need.Status.CLOSED, Need.Status.MET):
        raise ValidationError({"status": _("Choose closed or met.")})
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status not in (Need.Status.OPEN, Need.Status.MATCHED):
        raise ValidationError(
            {"status": _("This request is already %(s)s.") % {"s": need.get_status_display()}}
        )
    need.status = status
    need.save(update_fields=["status", "updated_at"])
    ending = [Match.Status.PROPOSED]
    if status == Need.Status.CLOSED:
        ending += [Match.Status.ACCEPTED, Match.Status.IN_PROGRESS]
    for match in need.matches.select_for_update().filter(status__in=ending):
        match.status, match.finished_at = Match.Status.CANCELLED, timezone.now()
        match.decline_reason = str(_("The request was withdrawn or sorted."))
        match.save(update_fields=["status", "finished_at", "decline_reason"])
        notify(
            match.helper,
            _("“%(need)s” is no longer needed. Thank you for being ready to help.")
            % {"need": need.title},
            _match_url(match),
        )
    return need


def _validate_offer(offer: Offer) -> None:
    errors: dict = {}
    if offer.location_kind != Asset.LocationKind.POINT:
        # A place tapped on the map before choosing "comes to you" or online is not
        # where the offer is: it must not end up on the asset map.
        offer.lat = offer.lng = None
    offer.title = (offer.title or "").strip()
    if not offer.title:
        errors["title"] = _("Say in a few words what you offer.")
    if offer.kind not in Offer.Kind.values:
        errors["kind"] = _("Choose a skill, time, something to give or lend, or a space.")
    if offer.location_kind not in Asset.LocationKind.values:
        errors["location_kind"] = _("Choose where.")
    if not (0 <= (offer.travel_km or 0) <= 200):
        errors["travel_km"] = _("Give a distance between 0 and 200 km.")
    if not offer.capacity or offer.capacity < 1:
        errors["capacity"] = _("At least one request at a time.")
    if offer.location_kind == Asset.LocationKind.POINT and offer.lat is None:
        errors.setdefault(
            "location_kind",
            _(
                "We do not know where that is: choose “comes to you” or online, or ask a "
                "community developer to put your place on the map."
            ),
        )
    _check_common(offer, errors, slots_field="availability")
    if errors:
        raise ValidationError(errors)
    offer.full_clean(exclude=["tags", "member", "organisation", "asset", "community"])


def _mirror_to_asset(by, offer: Offer, tags: list[Tag]) -> None:
    """A member's skill is also a personal asset on the map: the offer is the one
    source of truth and the asset follows it (private unless they show their profile)."""
    if offer.kind != Offer.Kind.SKILL or offer.member is None:
        return
    shows = Consent.objects.filter(
        member=offer.member, purpose=ConsentPurpose.PROFILE_VISIBLE, withdrawn_at__isnull=True
    ).exists()
    fields = {
        "name": offer.title,
        "category": Category.PERSONAL,
        "description": offer.description,
        "location_kind": Asset.LocationKind.COMES_TO_YOU
        if offer.location_kind == Asset.LocationKind.POINT and offer.lat is None
        else offer.location_kind,
        "lat": offer.lat,
        "lng": offer.lng,
        "languages": offer.languages,
        "accessibility": offer.accessibility,
        "status": {"active": "active", "paused": "paused", "closed": "closed"}[offer.status],
        "steward_member": offer.member,
    }
    codes = [t.code for t in tags]
    existing = offer.asset
    if existing is None:
        fields["visibility"] = Asset.Visibility.MEMBERS if shows else Asset.Visibility.PRIVATE
        asset = Asset(community=offer.community, source=Asset.Source.MANUAL, **fields)
        asset.last_verified_at, asset.last_verified_by = timezone.now(), by
        asset.review_due = timezone.localdate() + REVIEW_EVERY
        asset.save()
        asset.tags.set(tags, through_defaults=links_of(asset))
        offer.asset = asset
        offer.save(update_fields=["asset"])
    else:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        existing.tags.set(Tag.objects.filter(code__in=codes), through_defaults=links_of(existing))


@transaction.atomic
def post_offer(
    *, by, community, tags=(), member: Member | None = None, organisation=None, **fields
):
    policy.require(by, "offer.post", community)
    unknown = set(fields) - OFFER_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    me = policy.membership(by, community)
    if organisation is not None:
        if not (
            policy.can(by, "need.view_all", community)
            or (me and me.organisation_id == organisation.pk)
        ):
            raise ValidationError({"organisation": _("You cannot offer for that organisation.")})
        member = None
    elif member is not None and member != me:
        policy.require(by, "member.act_on_behalf", community, member)
    else:
        member = me
    offer = Offer(community=community, member=member, organisation=organisation, **fields)
    if offer.location_kind == Asset.LocationKind.POINT and offer.lat is None:
        # "At a place" from a form without a map: the member's or organisation's own place.
        place = member or organisation
        lat = getattr(place, "area_lat", None) or getattr(place, "lat", None)
        lng = getattr(place, "area_lng", None) or getattr(place, "lng", None)
        if lat is not None and lng is not None:
            offer.lat, offer.lng = lat, lng
    _validate_offer(offer)
    offer.save()
    tag_objs = _tags(tags)
    offer.tags.set(tag_objs, through_defaults=links_of(offer))
    _mirror_to_asset(by, offer, tag_objs)
    return offer


@transaction.atomic
def change_offer(*, by, offer: Offer, tags=None, status=None, **fields) -> Offer:
    policy.require(by, "offer.edit", offer.community, offer)
    unknown = set(fields) - OFFER_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in fields.items():
        setattr(offer, name, value)
    if status is not None:
        if status not in Offer.Status.values:
            raise ValidationError({"status": _("Choose open, paused or closed.")})
        offer.status = status
    _validate_offer(offer)
    offer.save()
    tag_objs = _tags(tags) if tags is not None else list(offer.tags.all())
    if tags is not None:
        offer.tags.set(tag_objs, through_defaults=links_of(offer))
    _mirror_to_asset(by, offer, tag_objs)
    return offer


@transaction.atomic
def save_strengths(*, by, member: Member, **fields) -> StrengthsProfile:
    policy.require(by, "strengths.edit", member.community, member)
    allowed = {
        "interests", "lived_experience", "availability", "travel_km", "open_to_requests",
        "max_at_once",
    }  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    profile, _created = StrengthsProfile.objects.get_or_create(member=member)
    for name, value in fields.items():
        setattr(profile, name, value)
    errors: dict = {}
    try:
        asset_rules.validate_opening_hours(profile.availability)
    except ValidationError:
        errors["availability"] = _("Times need a day and HH:MM start and end, start first.")
    if not (0 <= profile.travel_km <= 200):
        errors["travel_km"] = _("Give a distance between 0 and 200 km.")
    if errors:
        raise ValidationError(errors)
    profile.full_clean(exclude=["member"])
    profile.save()
    return profile


# --- Matches ---------------------------------------------------------------------------------


def notify(member: Member | None, text: str, url: str = "") -> None:
    """A message about a request or a match: in the site, and by email if they chose."""
    notices.notify(member, text, url, kind="matching")


def _match_url(match: Match) -> str:
    return reverse("match_detail", args=[match.need.community.slug, match.pk])


def _candidate_member(kind: str, pk: int) -> Member | None:
    if kind == "offer":
        member_id = Offer.objects.filter(pk=pk).values_list("member_id", flat=True).first()
    else:  # a strengths profile: "profile:<the member's id>"
        member_id = pk
    return Member.objects.filter(pk=member_id).first() if member_id else None


@transaction.atomic
def propose_match(
    *, by, need: Need, candidate_id: str, note: str = "", pool=None, min_fit: float = 0.0
) -> Match:
    """Suggest a candidate for a need. The core re-checks every hard constraint with
    today's data; a candidate it excludes cannot be proposed (nor, from a batch, one
    fitting less well than `min_fit`)."""
    policy.require(by, "match.propose", need.community, need)
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != Need.Status.OPEN:
        raise ValidationError({"need": _("This need is no longer open.")})
    try:
        kind, pk = cand.resolve(candidate_id)
    except ValueError:
        raise ValidationError({"candidate": _("Unknown candidate.")}) from None
    # The same suggestion sent twice (a replay, a double tap) is one suggestion: the
    # request is locked above, so two at once cannot both pass this.
    same = {"offer": Q(offer_id=pk), "asset": Q(asset_id=pk)}.get(
        kind, Q(helper_id=pk, offer=None, asset=None)
    )
    if need.matches.filter(same, status__in=cand.OPEN_MATCHES).exists():
        raise ValidationError(
            {"candidate": _("This helper is already suggested for this request.")}
        )
    if kind != "asset" and policy.acting_for_self(by, _candidate_member(kind, pk)):
        raise ValidationError(
            {"candidate": _("You cannot suggest yourself: ask a colleague to suggest you.")}
        )
    wanted = f"{kind}:{pk}"
    if pool is not None:
        # `pool`: the candidates a caller already read (a batch): scored among them all,
        # as the batch was, with today's capacities re-read below by the caller.
        if not any(c.id == wanted for c in pool):
            raise ValidationError({"candidate": _("That offer or asset is not available.")})
        matches, excluded = core.rank_with_exclusions(
            cand.need_to_core(need), pool, now=cand.local_now(need.community), min_fit=min_fit
        )
        refused = [e for e in excluded if e.candidate_id == wanted]
        if refused:
            raise ValidationError({"candidate": refused[0].reason})
        scored = next(m for m in matches if m.candidate_id == wanted)
    else:
        # Read fresh, every hard rule checked again; scored with the community's kept
        # index, so the wording in common is weighed against everyone's words as on
        # the request's page.
        result = kept.score_fresh(by, need, wanted, min_fit=min_fit)
        if result is None:
            raise ValidationError({"candidate": _("That offer or asset is not available.")})
        if isinstance(result, core.Exclusion):
            raise ValidationError({"candidate": result.reason})
        scored = result
    match = Match(need=need, proposed_by=by, note=note.strip(), score=scored.total)
    match.factors = [
        {"name": f.name, "points": f.points, "weight": f.weight, "explanation": f.explanation}
        for f in scored.factors
    ]
    if kind == "offer":
        match.offer = Offer.objects.get(pk=pk)
        match.helper = match.offer.member
    elif kind == "profile":
        match.helper = Member.objects.get(pk=pk)
    else:
        match.asset = Asset.objects.get(pk=pk)
        match.helper = match.asset.steward_member
    if match.helper is None:
        # A place or an organisation's offer: nobody to ask, the suggestion stands.
        match.status = Match.Status.ACCEPTED
        match.answered_at = timezone.now()
    match.save()
    if match.helper is not None:
        notify(
            match.helper,
            _("You have been asked to help: %(need)s") % {"need": need.title},
            _match_url(match),
        )
    notify(
        asker_of(need),
        # Not who: the person asking learns the helper's name only once they said yes.
        _("A helper has been asked about your request “%(need)s”") % {"need": need.title}
        if match.helper is not None
        else _("A suggestion for your request “%(need)s”") % {"need": need.title},
        _match_url(match),
    )
    return match


def _check_share(share) -> str:
    if share not in Share.values:
        raise ValidationError(
            {"share": _("Choose phone, email, both, or neither (messages through the site).")}
        )
    return share


def _on_behalf(by, member: Member | None):
    """The audit context: staff recording a choice for someone without a login."""
    if member is not None and member.user_id != by.pk:
        return acting(by, on_behalf_of=member)
    return acting(by)


@transaction.atomic
def answer_match(
    *, by, match: Match, accept: bool, reason: str = "", share: str = Share.NONE
) -> Match:
    """The helper (or staff for a helper without a login) says yes or no. Saying yes,
    they choose what the person asking may see: phone, email, both or neither
    (`share`; neither unless chosen)."""
    match = Match.objects.select_for_update().select_related("need__community").get(pk=match.pk)
    policy.require(by, "match.respond", match.need.community, match)
    share = _check_share(share)
    if match.status != Match.Status.PROPOSED:
        raise ValidationError({"status": _("This suggestion has already been answered.")})
    if match.need.status not in (Need.Status.OPEN, Need.Status.MATCHED):
        raise ValidationError({"status": _("This request is no longer open.")})
    match.status = Match.Status.ACCEPTED if accept else Match.Status.DECLINED
    match.decline_reason = "" if accept else reason.strip()[:300]
    match.answered_at = timezone.now()
    match.helper_shares = share if accept else ""
    with _on_behalf(by, match.helper):
        match.save()
    if accept:
        Need.objects.filter(pk=match.need_id, status=Need.Status.OPEN).update(
            status=Need.Status.MATCHED
        )
    if accept:
        text = _(
            "%(who)s said yes to “%(need)s”. Choose what contact details to share, or "
            "send a message through the site."
        ) % {"who": match.helper or _("The helper"), "need": match.need.title}
    else:
        # No name: the person asking never learns who said no.
        text = _("The person asked cannot help with “%(need)s” this time.") % {
            "need": match.need.title
        }
    notify(asker_of(match.need), text, _match_url(match))
    return match


@transaction.atomic
def choose_what_to_share(*, by, match: Match, share: str, side: str | None = None) -> Match:
    """One side of an agreed match chooses what the other side sees: phone, email, both
    or neither. `side` ("helper" or "asker") is for staff recording the choice of a
    person without a login; members choose for their own side. Can be changed later
    (narrowing it hides what was shown)."""
    from kampung.matching.contacts import SHOWN, side_of

    match = Match.objects.select_for_update().select_related("need__community").get(pk=match.pk)
    community = match.need.community
    share = _check_share(share)
    mine = side_of(by, match)
    side = mine or side
    if side not in ("helper", "asker"):
        raise ValidationError({"side": _("Say whose choice this is: the helper's or the asker's.")})
    policy.require(by, f"match.share_as_{side}", community, match)
    if match.status not in SHOWN:
        raise ValidationError(
            {"share": _("Contact details can be shared once the helper has said yes.")}
        )
    person = match.helper if side == "helper" else asker_of(match.need)
    with _on_behalf(by, person):
        if side == "helper":
            match.helper_shares = share
        else:
            match.asker_shares = share
        match.save(update_fields=[f"{side}_shares"])
    return match


@transaction.atomic
def send_match_message(*, by, match: Match, text: str) -> MatchMessage:
    """A message through the site to the other side of an agreed match; the other side
    gets a notification."""
    from kampung.matching.contacts import SHOWN, side_of

    match = Match.objects.select_related("need__community", "helper").get(pk=match.pk)
    community = match.need.community
    policy.require(by, "match.message", community, match)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a message.")})
    if len(text) > 2000:
        raise ValidationError({"text": _("Keep a message to 2,000 characters at most.")})
    if match.status not in SHOWN:
        raise ValidationError({"text": _("Messages can be sent once the helper has said yes.")})
    me = policy.membership(by, community)
    assert me is not None  # "match.message" is granted to the two sides, who are members
    message = MatchMessage.objects.create(match=match, sender=me, text=text)
    other = asker_of(match.need) if side_of(by, match) == "helper" else match.helper
    notify(
        other,
        _("New message from %(who)s about “%(need)s”")
        % {"who": me.display_name, "need": match.need.title},
        _match_url(match),
    )
    return message


@transaction.atomic
def start_match(*, by, match: Match) -> Match:
    match = Match.objects.select_for_update().select_related("need__community").get(pk=match.pk)
    policy.require(by, "match.progress", match.need.community, match)
    if match.status != Match.Status.ACCEPTED:
        raise ValidationError({"status": _("Only an accepted match can start.")})
    match.status, match.started_at = Match.Status.IN_PROGRESS, timezone.now()
    match.save()
    return match


@transaction.atomic
def complete_match(*, by, match: Match, minutes: int, feedback: str = "") -> Match:
    """Done: the time given, and feedback from whoever records it (each side can add
    theirs; the first one to record finishes the match)."""
    match = Match.objects.select_for_update().select_related("need__community").get(pk=match.pk)
    community = match.need.community
    policy.require(by, "match.progress", community, match)
    me = policy.membership(by, community)
    if match.status in (Match.Status.ACCEPTED, Match.Status.IN_PROGRESS):
        if (
            not isinstance(minutes, int)
            or isinstance(minutes, bool)
            or not (0 < minutes <= 24 * 60)
        ):
            raise ValidationError(
                {
                    "minutes": _(
                        "Give the time given in whole minutes, more than 0 and at most 24 hours."
                    )
                }
            )
        match.minutes_given = minutes
        match.status, match.finished_at = Match.Status.COMPLETED, timezone.now()
        Need.objects.filter(
            pk=match.need_id, status__in=[Need.Status.OPEN, Need.Status.MATCHED]
        ).update(status=Need.Status.MET)
    elif match.status != Match.Status.COMPLETED:
        raise ValidationError({"status": _("Only an accepted or started match can be completed.")})
    feedback = feedback.strip()[:2000]
    if feedback:
        if me is not None and me.pk == match.helper_id:
            match.feedback_from_helper = feedback
        elif speaks_for_asker(me, match.need):
            match.feedback_from_asker = feedback
        else:
            raise ValidationError(
                {"feedback": _("Feedback comes from the helper or the person helped.")}
            )
    match.save()
    other = asker_of(match.need) if me is not None and me.pk == match.helper_id else match.helper
    notify(
        other,
        _("“%(need)s” is marked done. Thank you!") % {"need": match.need.title},
        _match_url(match),
    )
    return match


@transaction.atomic
def cancel_match(*, by, match: Match, reason: str = "") -> Match:
    match = Match.objects.select_for_update().select_related("need__community").get(pk=match.pk)
    policy.require(by, "match.progress", match.need.community, match)
    if match.status in (Match.Status.COMPLETED, Match.Status.CANCELLED, Match.Status.DECLINED):
        raise ValidationError({"status": _("This match is already finished.")})
    match.status, match.finished_at = Match.Status.CANCELLED, timezone.now()
    match.decline_reason = reason.strip()[:300]
    match.save()
    if not match.need.matches.filter(
        status__in=[Match.Status.ACCEPTED, Match.Status.IN_PROGRESS]
    ).exists():
        Need.objects.filter(pk=match.need_id, status=Need.Status.MATCHED).update(
            status=Need.Status.OPEN
        )
    return match


@dataclass(frozen=True)
class ProposedPair:
    """One suggestion a batch would make, for the coordinator to check before sending."""

    need: Need
    candidate_id: str
    who: str  # the person (or organisation, or place) asked
    what: str  # what they offer
    total: float  # points out of 100
    fit: float  # how well it fits (core.fit_of, 0-1)
    why: tuple[str, ...]  # the reasons, in plain words


@dataclass
class AllocationPlan:
    pairs: list[ProposedPair]
    no_good_match: list[tuple[Need, str]]  # nobody fits well enough (below min_fit)
    unmet: list[tuple[Need, str]]  # nobody can, for another reason
    min_fit: float


def plan_allocation(
    *, by, community, min_fit: float = core.DEFAULT_MIN_FIT, need_ids=None
) -> AllocationPlan:
    """Batch allocation, first step (nothing is written): the best overall set of
    suggestions for the open requests nobody has been asked about, within everyone's
    limits and background checks, each fitting at least `min_fit` (0-1). A request
    that nobody fits that well stays unmet ("no good match")."""
    policy.require(by, "match.allocate", community)
    if not (0.0 <= min_fit <= 1.0):
        raise ValidationError({"min_fit": _("Give a minimum fit between 0 and 100%.")})
    needs = list(
        Need.objects.filter(community=community, status=Need.Status.OPEN)
        .exclude(matches__status__in=cand.OPEN_MATCHES)
        .select_related("community")
        .prefetch_related("tags")
        .distinct()
    )
    if need_ids is not None:
        wanted = set(need_ids)
        needs = [n for n in needs if n.pk in wanted]
    by_id = {n.pk: n for n in needs}
    pool = cand.candidates_for(by, community)
    tz = ZoneInfo(community.timezone)
    result = core.allocate(
        [cand.need_to_core(n, tz) for n in needs],
        pool,
        now=cand.local_now(community),
        min_fit=min_fit,
    )
    chosen = {c.id: c for c in pool}
    headings = cand.headings([chosen[a.match.candidate_id] for a in result.assignments])
    pairs = []
    for a in result.assignments:
        m = a.match
        who, what = headings[str(m.candidate_id)]
        why = [m.factor("fit").explanation, m.factor("text").explanation]
        if m.factor("fit").score <= 0:
            why.pop(0)  # no skill or category link: the shared words are the reason
        why += [m.factor(name).explanation for name in ("distance", "time", "language")]
        pairs.append(
            ProposedPair(
                need=by_id[int(a.need_id)],
                candidate_id=str(m.candidate_id),
                who=who,
                what=what,
                total=m.total,
                fit=core.fit_of(m),
                why=tuple(why),
            )
        )
    no_good = [(by_id[int(u.need_id)], u.reason) for u in result.unmet if u.code == "poor_fit"]
    unmet = [(by_id[int(u.need_id)], u.reason) for u in result.unmet if u.code != "poor_fit"]
    return AllocationPlan(pairs=pairs, no_good_match=no_good, unmet=unmet, min_fit=min_fit)


@transaction.atomic
def send_suggestions(
    *, by, community, pairs, min_fit: float = core.DEFAULT_MIN_FIT
) -> tuple[list[Match], list[tuple[Need | None, str]]]:
    """Batch allocation, second step: propose the (need id, candidate id) pairs the
    coordinator kept. Each is checked again now (the request still open with nobody
    asked, the helper still within their limits and checks, still fitting at least
    `min_fit`); a pair that no longer holds is skipped. Returns (proposed, skipped as
    (request or None if it is gone, why))."""
    policy.require(by, "match.allocate", community)
    proposed: list[Match] = []
    skipped: list[tuple[Need | None, str]] = []
    seen: set[int] = set()
    for need_id, candidate_id in pairs:
        need = Need.objects.filter(community=community, pk=need_id).first()
        if need is None:
            skipped.append((None, _("A request is no longer there.")))
            continue
        if need.pk in seen or need.matches.filter(status__in=cand.OPEN_MATCHES).exists():
            skipped.append((need, _("Someone has already been asked about it.")))
            continue
        seen.add(need.pk)
        try:
            proposed.append(
                propose_match(by=by, need=need, candidate_id=candidate_id, min_fit=min_fit)
            )
        except ValidationError as exc:
            why = " ".join(m for found in exc.message_dict.values() for m in found)
            skipped.append((need, why))
    return proposed, skipped


def allocate_open_needs(
    *, by, community, need_ids=None, min_fit: float = core.DEFAULT_MIN_FIT
) -> tuple[list[Match], list]:
    """Batch allocation in one go (the API without a preview): plan, then send every
    suggestion. Returns (proposed, unmet as (need, reason))."""
    plan = plan_allocation(by=by, community=community, min_fit=min_fit, need_ids=need_ids)
    proposed, skipped = send_suggestions(
        by=by,
        community=community,
        pairs=[(p.need.pk, p.candidate_id) for p in plan.pairs],
        min_fit=min_fit,
    )
    unmet = plan.no_good_match + plan.unmet
    unmet += [(need, why) for need, why in skipped if need is not None]
    return proposed, unmet


def paid_by_name(need: Need) -> str:
    return need.organisation.name if need.organisation is not None else ""


@transaction.atomic
def record_in_timebank(*, by, match: Match):
    """A completed match becomes a time-bank exchange in one step: the helper earns the
    minutes given, the person helped spends them. It posts once the other side confirms
    (the side recording it has confirmed already). Safe to repeat: the match is the
    idempotency key, so a second click returns the same exchange."""
    from kampung.timebank import actions as timebank
    from kampung.timebank.models import Exchange

    match = (
        Match.objects.select_for_update(of=("self",))
        .select_related("need__community", "need__member", "need__organisation", "helper")
        .get(pk=match.pk)
    )
    policy.require(by, "match.progress", match.need.community, match)
    # One exchange per match, whoever records it (the row lock above serialises the two
    # sides clicking at once).
    # Only this function links an exchange to a match (the time bank's API and pages
    # never take a match from a request), and it looks in the match's own community.
    existing = Exchange.objects.filter(community=match.need.community, match_id=match.pk).first()
    if existing is not None:
        return existing
    if match.status != Match.Status.COMPLETED or not match.minutes_given:
        raise ValidationError(
            {"status": _("Only a completed match with time given can be recorded.")}
        )
    need = match.need
    receiver, paid_by = asker_of(need), None
    if need.organisation_id is not None:
        # An organisation's request: the organisation pays the helper's credits, and
        # its partner staff member recording it (or else whoever posted it) confirms
        # for the organisation.
        if not policy.can(by, "timebank.charge_organisation", need.community, need.organisation):
            raise ValidationError(
                {
                    "status": _(
                        "The organisation pays for this one: ask its staff or a community "
                        "developer to record it in the time bank."
                    )
                }
            )
        paid_by = timebank.existing_organisation_account(need.community, need.organisation)
        if paid_by is None or not paid_by.is_open:
            raise ValidationError(
                {
                    "status": _(
                        "%(org)s has no open time bank account. A community developer can "
                        "open one on the time bank's accounts page."
                    )
                    % {"org": paid_by_name(need)}
                }
            )
        me = policy.membership(by, need.community)
        if me is not None and speaks_for_asker(me, need) and me.pk != match.helper_id:
            receiver = me
    if match.helper is None or receiver is None:
        raise ValidationError(
            {"status": _("A time-bank exchange needs a helper and a person helped.")}
        )
    return timebank.record_exchange(
        by=by,
        community=need.community,
        provider=match.helper,
        receiver=receiver,
        paid_by=paid_by,
        minutes=match.minutes_given,
        description=match.need.title[:300],
        match_id=match.pk,
        idempotency_key=f"match-{match.pk}",
    )
