"""For each role, and for a person from another community: what they can and cannot see
and do. The expectations are written out in full, role by role, so a change to
kampung.policy that widens access fails here."""

from __future__ import annotations

import pytest

from kampung import policy
from kampung.people.models import ConsentPurpose, Member

ROLES = ["resident", "volunteer", "coordinator", "partner", "analyst", "admin", "outsider"]
INSIDERS = set(ROLES) - {"outsider"}
STAFF = {"coordinator", "admin"}

# (action, target) -> roles allowed. Targets: None, "self", "other" (a member with no
# link to the partner's organisation), "linked" (supported by the partner's organisation
# and agreed to share with partners).
MATRIX = {
    ("community.view", None): INSIDERS,
    ("organisation.view", None): INSIDERS,
    ("member.view_directory", None): STAFF | {"partner"},
    ("member.view_personal", "self"): INSIDERS,
    ("member.view_personal", "other"): STAFF,
    ("member.view_personal", "linked"): STAFF | {"partner"},
    ("member.create", None): STAFF,
    ("member.edit", "self"): INSIDERS,
    ("member.edit", "other"): STAFF,
    # "other" has no login: staff may change their contacts (never those of someone with one).
    ("member.edit_contacts", "self"): INSIDERS,
    ("member.edit_contacts", "other"): STAFF,
    ("member.act_on_behalf", "other"): STAFF,
    ("member.act_on_behalf", "self"): set(),
    ("consent.record", "self"): INSIDERS,
    ("consent.record", "other"): STAFF,
    ("consent.withdraw", "other"): STAFF,
    ("check.view", "self"): INSIDERS,
    ("check.view", "other"): STAFF,
    ("check.record", "other"): STAFF,
    ("check.record", "self"): set(),
    ("check.withdraw", "other"): STAFF,
    ("check.withdraw", "self"): set(),
    ("check.view_due", None): STAFF,
    ("stats.view", None): STAFF | {"analyst"},
    ("audit.view", None): {"admin"},
    ("roles.manage", None): {"admin"},
    ("tokens.manage", None): {"admin"},
    ("tasks.manage", None): {"admin"},
    ("lockouts.manage", None): {"admin"},
    ("asset.view_map", None): INSIDERS,
    ("asset.create", None): INSIDERS,
    ("asset.export", None): INSIDERS,
    ("asset.edit", "asset"): STAFF,
    ("asset.verify", "asset"): STAFF,
    ("asset.import", None): STAFF,
    ("workshop.run", None): STAFF,
    # "need": the resident's request; "offer": the volunteer's offer; "match": the
    # volunteer suggested for the resident's request.
    ("need.post", None): INSIDERS,
    ("need.post_for_others", None): STAFF,
    ("need.post_for_organisation", "partner_org"): STAFF | {"partner"},
    ("need.post_for_organisation", "another_org"): STAFF,
    ("need.view", "org_need"): STAFF | {"partner"},
    ("need.edit", "org_need"): STAFF | {"partner"},
    ("need.view", "need"): STAFF | {"resident"},
    ("need.view_all", None): STAFF,
    ("need.edit", "need"): STAFF | {"resident"},
    ("offer.post", None): INSIDERS,
    ("offer.edit", "offer"): STAFF | {"volunteer"},
    ("strengths.edit", "self"): INSIDERS,
    ("strengths.edit", "other"): STAFF,
    ("match.propose", "need"): STAFF,
    ("match.respond", "match"): {"volunteer"},  # staff only for helpers without a login
    ("match.view", "match"): STAFF | {"volunteer", "resident"},
    ("match.progress", "match"): STAFF | {"volunteer", "resident"},
    # Why the helper was suggested: staff and the helper, never the person asking.
    ("match.view_reasons", "match"): STAFF | {"volunteer"},
    ("match.allocate", None): STAFF,
    # Both sides have logins: each chooses for themselves; staff only for someone without.
    ("match.share_as_helper", "match"): {"volunteer"},
    ("match.share_as_asker", "match"): {"resident"},
    ("match.message", "match"): {"volunteer", "resident"},
    ("match.read_messages", "match"): STAFF | {"volunteer", "resident"},
    ("timebank.use", None): INSIDERS,
    ("timebank.view_statement", None): STAFF,
    ("timebank.view_statement", "partner_org_account"): STAFF | {"partner"},
    ("timebank.view_statement", "other_org_account"): STAFF,
    ("timebank.record_for_others", None): STAFF,
    ("timebank.act_for_member", "other"): STAFF,
    ("timebank.act_for_member", "self"): set(),
    ("timebank.confirm_on_behalf", "other"): STAFF,
    ("timebank.confirm_on_behalf", "self"): set(),
    ("timebank.charge_organisation", None): STAFF,
    ("timebank.allocate", None): STAFF,
    ("timebank.reverse", None): STAFF,
    ("timebank.view_ledger", None): STAFF,
    ("timebank.manage_accounts", None): STAFF,
    ("timebank.view_reports", None): STAFF | {"analyst"},
    # Community fridges: "fridge" is the demo's void-deck fridge (its host has no login),
    # "fridge_slot" the volunteer's check-and-clean slot on it today.
    ("fridge.view", None): INSIDERS,
    ("fridge.report", None): INSIDERS - {"analyst"},
    ("fridge.create", None): STAFF,
    ("fridge.edit", "fridge"): STAFF,
    ("fridge.view_log", "fridge"): STAFF | {"volunteer"},
    ("fridge.resolve_alert", "fridge"): STAFF | {"volunteer"},
    ("fridge.sign_up", None): INSIDERS - {"analyst"},
    ("fridge.record_check", "fridge_slot"): {"volunteer"},
    ("fridge.confirm_check", "fridge_slot"): STAFF,
    # Gift and take: "gift" is the resident's own item, "shop_gift" an item of the demo's
    # Gift and Take shop ("shop", no steward), "gift_request" the volunteer's request.
    ("gift.browse", None): INSIDERS - {"analyst"},
    ("gift.list", None): INSIDERS - {"analyst"},
    ("gift.list_for_shop", "shop"): STAFF,
    ("gift.ask", None): INSIDERS - {"analyst"},
    ("gift.manage", "gift"): {"resident"},
    ("gift.manage", "shop_gift"): STAFF,
    ("gift.withdraw_request", "gift_request"): {"volunteer"},
    ("gift.view_all", None): STAFF,
    ("gift.settings", None): STAFF,
    ("gift.view_no_shows", None): STAFF,
    ("gift.moderate", "gift"): STAFF,
    # "session": a skill-sharing session the volunteer hosts.
    ("session.view", None): INSIDERS,
    ("session.create", None): STAFF | {"resident", "volunteer"},
    ("session.edit", "session"): STAFF | {"volunteer"},
    ("session.sign_up", "session"): INSIDERS,
    ("session.take_attendance", "session"): STAFF | {"volunteer"},
    ("session.view_people", "session"): STAFF | {"volunteer"},
    ("session.credit", "session"): STAFF,
    # Signing up a member without a login ("session_place_other", a new sign-up): staff;
    # for one already signed up ("session_place_kept"), also the host (the volunteer);
    # never for a member with a login (they decide themselves).
    ("session.act_for_member", "session_place_other"): STAFF,
    ("session.act_for_member", "session_place_kept"): STAFF | {"volunteer"},
    ("session.act_for_member", "session_place_self"): set(),
    ("no.such.action", None): set(),
}


@pytest.fixture
def targets(cast, resident_without_login):
    partner_org = cast.members["partner"].organisation
    other = resident_without_login
    other.supported_by.clear()
    linked = (
        Member.objects.filter(community=cast.community, user__isnull=True)
        .exclude(pk=other.pk)
        .order_by("pk")
        .first()
    )
    linked.supported_by.add(partner_org)
    linked.consents.filter(purpose=ConsentPurpose.PARTNER_SHARING).delete()
    linked.consents.create(
        purpose=ConsentPurpose.PARTNER_SHARING,
        wording_version="t",
        recorded_by=cast.user("coordinator"),
    )
    from kampung.assets.models import Asset

    asset = Asset.objects.filter(community=cast.community, steward_member=None).first()
    from kampung.matching.models import Match, Need, Offer

    need = Need.objects.get(community=cast.community, member=cast.members["resident"])
    offer = Offer.objects.get(member=cast.members["volunteer"])
    match = Match.objects.create(
        need=need, offer=offer, helper=offer.member, proposed_by=cast.user("coordinator")
    )
    another_org = cast.community.organisations.exclude(pk=partner_org.pk).first()
    org_need = Need.objects.create(
        community=cast.community,
        organisation=partner_org,
        posted_by=cast.user("coordinator"),
        title="A driver for the lunch club",
        description="Tuesdays",
    )
    from kampung.fridges.models import Fridge
    from kampung.timebank import actions as timebank

    fridge = Fridge.objects.get(community=cast.community, asset__name="Block 12 void deck fridge")
    fridge_slot = fridge.slots.filter(volunteer=cast.members["volunteer"]).first()

    import datetime as dt

    from kampung.skillshare.models import Session

    session = Session.objects.create(
        community=cast.community,
        title="Tech and tea (matrix)",
        host=cast.members["volunteer"],
        capacity=4,
        starts_on=dt.date(2030, 1, 7),
        start_time=dt.time(10, 0),
        minutes=60,
    )
    from kampung.skillshare.models import SignUp

    return {
        "session_place_other": SignUp(
            session=session, member=other, community=cast.community, occurs_on=None
        ),
        "session_place_kept": SignUp(
            pk=2**31 - 1, session=session, member=other, community=cast.community, occurs_on=None
        ),
        "session_place_self": SignUp(
            session=session, member=cast.members["resident"], community=cast.community
        ),
        "fridge": fridge,
        "fridge_slot": fridge_slot,
        **_gift_targets(cast),
        "session": session,
        "partner_org_account": timebank.organisation_account(cast.community, partner_org),
        "other_org_account": timebank.organisation_account(cast.community, another_org),
        "partner_org": partner_org,
        "another_org": another_org,
        "org_need": org_need,
        "other": other,
        "linked": linked,
        "asset": asset,
        "need": need,
        "offer": offer,
        "match": match,
    }


def _gift_targets(cast) -> dict:
    from kampung.sharing.models import GiftRequest, Listing

    gift = Listing.objects.get(community=cast.community, giver=cast.members["resident"])
    shop_gift = Listing.objects.filter(community=cast.community, shop__isnull=False).first()
    request = GiftRequest.objects.create(listing=gift, member=cast.members["volunteer"])
    return {"gift": gift, "shop": shop_gift.shop, "shop_gift": shop_gift, "gift_request": request}


def test_every_policy_action_is_in_the_matrix():
    assert {a for a, _ in MATRIX} - {"no.such.action"} == set(policy.ACTIONS)


@pytest.mark.parametrize("action,target", list(MATRIX))
def test_it_allows_exactly_the_matrix(cast, targets, action, target):
    """Every role, for one action: one demo seed per action rather than per role."""
    wrong = []
    for role in ROLES:
        user = cast.user(role)
        if target == "self":
            obj = cast.members[role]
        else:
            obj = targets.get(target) if target else None
        allowed = policy.can(user, action, cast.community, obj)
        if allowed != (role in MATRIX[(action, target)]):
            wrong.append(f"{role} {'may' if allowed else 'may not'} {action} ({target})")
    assert wrong == []


def test_it_lets_the_outsider_act_in_their_own_community_only(cast):
    outsider = cast.user("outsider")
    assert policy.can(outsider, "community.view", cast.other)
    assert policy.can(outsider, "member.view_personal", cast.other, cast.members["outsider"])
    # A coordinator of one community is nobody in the other.
    coordinator = cast.user("coordinator")
    assert not policy.can(coordinator, "community.view", cast.other)
    assert not policy.can(
        coordinator, "member.view_personal", cast.community, cast.members["outsider"]
    )


def test_it_hides_a_linked_member_from_the_partner_once_consent_is_withdrawn(cast, targets):
    from django.utils import timezone

    linked = targets["linked"]
    partner = cast.user("partner")
    assert policy.can(partner, "member.view_personal", cast.community, linked)
    assert policy.visible_members(partner, cast.community).filter(pk=linked.pk).exists()
    linked.consents.active().filter(purpose=ConsentPurpose.PARTNER_SHARING).update(
        withdrawn_at=timezone.now()
    )
    assert not policy.can(partner, "member.view_personal", cast.community, linked)
    assert not policy.visible_members(partner, cast.community).filter(pk=linked.pk).exists()


def test_the_analyst_never_lists_or_opens_a_person(cast, targets):
    analyst = cast.user("analyst")
    assert not policy.visible_members(analyst, cast.community).exists()
    assert not policy.can(analyst, "member.view_personal", cast.community, targets["other"])


# --- The same rules through the pages and the API ----------------------------------------

PAGES = {
    # name -> roles that get 200; other insiders get 403, the outsider 404.
    "dashboard": INSIDERS,
    "organisation_list": INSIDERS,
    "member_list": STAFF | {"partner"},
    "member_create": STAFF,
    "member_detail_other": STAFF,
    "audit_log": {"admin"},
}


def _url(name, cast, targets):
    from django.urls import reverse

    slug = cast.community.slug
    if name == "member_detail_other":
        return reverse("member_detail", args=[slug, targets["other"].pk])
    return reverse(name, args=[slug])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_pages_follow_the_matrix(cast, targets, client, role, page):
    client.force_login(cast.user(role))
    response = client.get(_url(page, cast, targets))
    expected = 200 if role in PAGES[page] else (404 if role == "outsider" else 403)
    assert response.status_code == expected, (role, page)


@pytest.mark.parametrize("role", ROLES)
def test_api_member_record_follows_the_matrix(cast, targets, client, role):
    client.force_login(cast.user(role))
    slug = cast.community.slug
    response = client.get(f"/api/v1/communities/{slug}/members/{targets['other'].pk}")
    expected = 200 if role in STAFF else (404 if role == "outsider" else 403)
    assert response.status_code == expected
    listing = client.get(f"/api/v1/communities/{slug}/members")
    expected = 200 if role in STAFF | {"partner"} else (404 if role == "outsider" else 403)
    assert listing.status_code == expected
