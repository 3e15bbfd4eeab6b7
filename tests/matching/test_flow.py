"""Needs, offers and matches through the Django side: the demo need gets sensible,
explained candidates; the lifecycle runs; hard rules and permissions hold; bad input
names the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kampung import limits
from kampung.assets.models import Asset
from kampung.matching import actions
from kampung.matching import candidates as cand
from kampung.matching.models import Match, Need, Offer
from kampung.notices.models import Notification
from kampung.people.queries import clearance_of


@pytest.fixture
def phone_need(cast) -> Need:
    return Need.objects.get(community=cast.community, title="Help setting up my new phone")


def test_the_demo_phone_need_ranks_the_phone_volunteer_first(cast, phone_need):
    ranked, _excluded = cand.reference_rank(cast.user("coordinator"), phone_need)
    assert ranked, "no candidates"
    first = ranked[0]
    offer = Offer.objects.get(pk=int(first.candidate_id.split(":")[1]))
    assert offer.member == cast.members["volunteer"]
    assert sum(f.points for f in first.factors) == pytest.approx(first.total)
    fit = first.factor("fit")
    assert fit.points > 0 and fit.explanation


def test_the_whole_lifecycle(cast, phone_need):
    coordinator, volunteer = cast.user("coordinator"), cast.user("volunteer")
    offer = Offer.objects.get(member=cast.members["volunteer"])
    match = actions.propose_match(by=coordinator, need=phone_need, candidate_id=f"offer:{offer.pk}")
    assert match.status == "proposed" and not match.contacts_shared
    assert Notification.objects.filter(member=cast.members["volunteer"]).exists()
    with pytest.raises(PermissionDenied):  # the person asking cannot answer for the helper
        actions.answer_match(by=cast.user("resident"), match=match, accept=True)
    actions.answer_match(by=volunteer, match=match, accept=True)
    match.refresh_from_db()
    phone_need.refresh_from_db()
    assert match.contacts_shared and phone_need.status == "matched"
    actions.start_match(by=volunteer, match=match)
    with pytest.raises(ValidationError) as caught:
        actions.complete_match(by=volunteer, match=match, minutes=0)
    assert "minutes" in caught.value.message_dict
    actions.complete_match(by=volunteer, match=match, minutes=90, feedback="Lovely afternoon")
    actions.complete_match(by=cast.user("resident"), match=match, minutes=0, feedback="Thank you!")
    match.refresh_from_db()
    phone_need.refresh_from_db()
    assert (match.status, match.minutes_given, phone_need.status) == ("completed", 90, "met")
    assert match.feedback_from_helper == "Lovely afternoon"
    assert match.feedback_from_asker == "Thank you!"


def test_a_candidate_without_the_background_check_cannot_be_proposed(cast):
    need = Need.objects.get(community=cast.community, title="Company for my father")
    offer = Offer.objects.get(member=cast.members["volunteer"])  # basic check only
    with pytest.raises(ValidationError) as caught:
        actions.propose_match(
            by=cast.user("coordinator"), need=need, candidate_id=f"offer:{offer.pk}"
        )
    assert "candidate" in caught.value.message_dict
    ranked, _ = cand.reference_rank(cast.user("coordinator"), need)
    for m in ranked:
        if m.candidate_id.startswith("offer:"):
            o = Offer.objects.get(pk=int(m.candidate_id.split(":")[1]))
            assert clearance_of(o.member) >= need.safeguarding


def test_paused_offers_are_never_suggested(cast, phone_need):
    offer = Offer.objects.get(member=cast.members["volunteer"])
    actions.change_offer(by=cast.user("volunteer"), offer=offer, status="paused")
    ranked, _ = cand.reference_rank(cast.user("coordinator"), phone_need)
    assert f"offer:{offer.pk}" not in {m.candidate_id for m in ranked}
    offer.asset.refresh_from_db()
    assert offer.asset.status == "paused"  # the map follows the offer


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"title": "", "description": "x"}, "title"),
        ({"title": "   ", "description": "Only the words are optional"}, "title"),
        ({"title": "Help", "description": "x" * (limits.DESCRIPTION_MAX + 1)}, "description"),
        ({"title": "Help", "description": "x", "tags": ["no-such-category"]}, "tags"),
        ({"title": "Help", "description": "x", "lat": 100.0, "lng": 1.0}, "lat"),
        ({"title": "Help", "description": "x",
          "times": [{"day": 1, "opens": "18:00", "closes": "09:00"}]}, "times"),
    ],
)  # fmt: skip
def test_a_bad_need_names_the_field_and_stores_nothing(cast, fields, field):
    before = Need.objects.count()
    with pytest.raises(ValidationError) as caught:
        actions.post_need(by=cast.user("resident"), community=cast.community, **fields)
    assert field in caught.value.message_dict
    assert Need.objects.count() == before


def test_a_members_skill_offer_is_their_personal_asset(cast):
    offer = actions.post_offer(
        by=cast.user("resident"),
        community=cast.community,
        kind="skill",
        title="Batik painting",
        tags=["arts-crafts"],
    )
    assert (
        offer.asset.category == "personal"
        and offer.asset.steward_member == cast.members["resident"]
    )
    assert offer.asset.visibility in (Asset.Visibility.PRIVATE, Asset.Visibility.MEMBERS)


def test_batch_allocation_proposes_and_explains_the_rest(cast):
    proposed, unmet = actions.allocate_open_needs(
        by=cast.user("coordinator"), community=cast.community
    )
    assert proposed
    assert all(reason for _need, reason in unmet)
    helpers = [m.offer_id for m in proposed if m.offer_id]
    for offer_id in set(helpers):
        assert helpers.count(offer_id) <= Offer.objects.get(pk=offer_id).capacity
    with pytest.raises(PermissionDenied):
        actions.allocate_open_needs(by=cast.user("volunteer"), community=cast.community)


def test_pages_coordinator_sees_candidates_and_proposes(client, cast, phone_need):
    client.force_login(cast.user("coordinator"))
    page = client.get(reverse("need_detail", args=[cast.community.slug, phone_need.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "Who could help" in body and "Suggest" in body
    offer = Offer.objects.get(member=cast.members["volunteer"])
    response = client.post(
        reverse("match_propose", args=[cast.community.slug, phone_need.pk]),
        {"candidate": f"offer:{offer.pk}"},
    )
    match = Match.objects.get(need=phone_need)
    assert response.url == reverse("match_detail", args=[cast.community.slug, match.pk])


def test_a_resident_sees_only_their_own_requests(client, cast, phone_need):
    other = (
        Need.objects.exclude(member=cast.members["resident"])
        .filter(community=cast.community)
        .first()
    )
    client.force_login(cast.user("resident"))
    assert (
        client.get(reverse("need_detail", args=[cast.community.slug, other.pk])).status_code == 403
    )
    page = client.get(reverse("need_detail", args=[cast.community.slug, phone_need.pk]))
    assert page.status_code == 200 and "Who could help" not in page.content.decode()
    listing = client.get(reverse("need_list", args=[cast.community.slug])).content.decode()
    assert "Help setting up my new phone" in listing and other.title not in listing


def test_the_api_runs_the_same_flow(client, cast, phone_need):
    base = f"/api/v1/communities/{cast.community.slug}"
    client.force_login(cast.user("coordinator"))
    listed = client.get(f"{base}/needs/{phone_need.pk}/candidates").json()
    top = listed["candidates"][0]
    assert round(sum(f["points"] for f in top["factors"]), 2) == top["total"]
    created = client.post(
        f"{base}/needs/{phone_need.pk}/matches",
        {"candidate_id": top["candidate_id"]},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["contacts"] == []
    match_id = created.json()["id"]
    client.force_login(cast.user("volunteer"))
    answered = client.post(
        f"{base}/matches/{match_id}/answer", {"accept": True}, content_type="application/json"
    )
    # The helper sees the other side only (with what they shared: nothing chosen yet).
    assert answered.status_code == 200 and len(answered.json()["contacts"]) == 1
    done = client.post(
        f"{base}/matches/{match_id}/complete", {"minutes": 45}, content_type="application/json"
    )
    assert done.json()["status"] == "completed" and done.json()["minutes_given"] == 45


@pytest.mark.parametrize(
    "body,field",
    [
        ({"title": "Lift", "description": "x", "tags": ["nope"]}, "tags"),
        ({"title": "Lift", "description": "x", "lat": 91, "lng": 0}, "lat"),
        ({"title": "Lift", "description": "x" * (limits.DESCRIPTION_MAX + 1)}, "description"),
        ({"description": "No title"}, "title"),
        ({"title": "Lift", "description": "x",
          "times": [{"day": 9, "opens": "09:00", "closes": "10:00"}]}, "times"),
    ],
)  # fmt: skip
def test_the_api_refuses_a_bad_need_naming_the_field(client, cast, body, field):
    client.force_login(cast.user("resident"))
    before = Need.objects.count()
    response = client.post(
        f"/api/v1/communities/{cast.community.slug}/needs", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert any(k.startswith(field) for k in response.json()["error"]["fields"]), response.json()
    assert Need.objects.count() == before


def test_the_api_allocates_for_staff_only(client, cast):
    url = f"/api/v1/communities/{cast.community.slug}/allocations"
    client.force_login(cast.user("resident"))
    assert client.post(url).status_code == 403
    client.force_login(cast.user("coordinator"))
    body = client.post(url).json()
    assert body["proposed"] and all(u["reason"] for u in body["unmet"])


def test_a_completed_match_becomes_a_time_bank_exchange_once(cast, phone_need):
    from kampung.timebank.models import Exchange

    volunteer = cast.user("volunteer")
    offer = Offer.objects.get(member=cast.members["volunteer"])
    match = actions.propose_match(
        by=cast.user("coordinator"), need=phone_need, candidate_id=f"offer:{offer.pk}"
    )
    with pytest.raises(ValidationError):  # not done yet
        actions.record_in_timebank(by=volunteer, match=match)
    actions.answer_match(by=volunteer, match=match, accept=True)
    actions.complete_match(by=volunteer, match=match, minutes=60)
    first = actions.record_in_timebank(by=volunteer, match=match)
    again = actions.record_in_timebank(by=volunteer, match=match)
    assert first.pk == again.pk and Exchange.objects.filter(match_id=match.pk).count() == 1
    assert (first.provider, first.receiver, first.minutes) == (
        cast.members["volunteer"],
        cast.members["resident"],
        60,
    )


def test_a_member_saves_strengths_and_an_offer_with_times_on_the_page(client, cast):
    from kampung.matching.models import StrengthsProfile

    client.force_login(cast.user("resident"))
    url = reverse("offer_list", args=[cast.community.slug])
    response = client.post(url, {
        "which": "strengths", "interests": "Gardening", "availability": ["0-morning", "2-evening"],
        "travel_km": "2", "open_to_requests": "on",
    })  # fmt: skip
    assert response.status_code == 302
    profile = StrengthsProfile.objects.get(member=cast.members["resident"])
    assert profile.open_to_requests and profile.availability == [
        {"day": 0, "opens": "09:00", "closes": "12:00"},
        {"day": 2, "opens": "17:00", "closes": "21:00"},
    ]
    response = client.post(url, {
        "which": "offer", "kind": "time", "title": "Watering plants while you're away",
        "location_kind": "comes_to_you", "travel_km": "1", "capacity": "2",
        "availability": ["5-morning"],
    })  # fmt: skip
    assert response.status_code == 302
    offer = Offer.objects.get(title="Watering plants while you're away")
    assert offer.availability == [{"day": 5, "opens": "09:00", "closes": "12:00"}]
    page = client.get(url).content.decode()
    import re

    assert "Watering plants" in page
    assert re.search(r'value="0-morning"[^>]*checked', page)
    assert not re.search(r'value="1-morning"[^>]*checked', page)


def test_the_person_asking_sees_places_that_may_help_but_no_people(client, cast, phone_need):
    client.force_login(cast.user("resident"))
    page = client.get(reverse("need_detail", args=[cast.community.slug, phone_need.pk]))
    body = page.content.decode()
    assert "Who could help" not in body and "Suggest" not in body
    assert "Vijay" not in body


def test_both_sides_recording_a_match_make_one_exchange(cast, phone_need):
    from kampung.timebank.models import Exchange

    volunteer, resident = cast.user("volunteer"), cast.user("resident")
    offer = Offer.objects.get(member=cast.members["volunteer"])
    match = actions.propose_match(
        by=cast.user("coordinator"), need=phone_need, candidate_id=f"offer:{offer.pk}"
    )
    actions.answer_match(by=volunteer, match=match, accept=True)
    actions.complete_match(by=volunteer, match=match, minutes=30)
    first = actions.record_in_timebank(by=volunteer, match=match)
    second = actions.record_in_timebank(by=resident, match=match)
    assert first.pk == second.pk and Exchange.objects.filter(match_id=match.pk).count() == 1


def test_staff_cannot_say_yes_for_a_helper_who_has_a_login(cast, phone_need):
    offer = Offer.objects.get(member=cast.members["volunteer"])
    match = actions.propose_match(
        by=cast.user("coordinator"), need=phone_need, candidate_id=f"offer:{offer.pk}"
    )
    with pytest.raises(PermissionDenied):
        actions.answer_match(by=cast.user("coordinator"), match=match, accept=True)


def test_private_assets_are_never_suggested(cast, phone_need):
    Asset.objects.filter(community=cast.community).update(visibility=Asset.Visibility.PRIVATE)
    pool = cand.candidates_for(cast.user("coordinator"), cast.community)
    assert not [c for c in pool if c.kind == "asset"]


def test_cancelling_does_not_reopen_a_closed_need(cast, phone_need):
    offer = Offer.objects.get(member=cast.members["volunteer"])
    match = actions.propose_match(
        by=cast.user("coordinator"), need=phone_need, candidate_id=f"offer:{offer.pk}"
    )
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    # Sorted another way: the agreed help stays until someone cancels it...
    actions.close_need(by=cast.user("resident"), need=phone_need, status="met")
    actions.cancel_match(by=cast.user("coordinator"), match=match)
    # ...and cancelling it does not reopen the request.
    phone_need.refresh_from_db()
    assert phone_need.status == "met"


def test_an_in_person_need_without_a_place_uses_the_neighbourhood_centre(cast):
    need = actions.post_need(
        by=cast.user("analyst"), community=cast.community, title="Help", description="Moving a sofa"
    )
    assert need.lat is not None


def test_an_offer_at_a_place_uses_the_members_area_or_says_what_to_do(cast):
    volunteer = cast.members["volunteer"]  # the demo gives the volunteer an area
    offer = actions.post_offer(
        by=cast.user("volunteer"),
        community=cast.community,
        kind="space",
        title="My living room for a reading group",
        location_kind="point",
    )
    assert (offer.lat, offer.lng) == (volunteer.area_lat, volunteer.area_lng)
    nowhere = cast.members["analyst"]
    nowhere.area_lat = nowhere.area_lng = None
    nowhere.save()
    with pytest.raises(ValidationError) as caught:
        actions.post_offer(
            by=cast.user("analyst"),
            community=cast.community,
            kind="space",
            title="A room",
            location_kind="point",
        )
    assert "location_kind" in caught.value.message_dict


def test_the_person_asking_marks_their_request_sorted_or_withdraws_it(client, cast, phone_need):
    client.force_login(cast.user("resident"))
    page = client.get(reverse("need_detail", args=[cast.community.slug, phone_need.pk]))
    assert "I no longer need this" in page.content.decode()
    url = reverse("need_close", args=[cast.community.slug, phone_need.pk])
    assert client.post(url, {"status": "bogus"}).status_code == 302
    phone_need.refresh_from_db()
    assert phone_need.status == Need.Status.OPEN  # a bad status changes nothing
    assert client.post(url, {"status": "met"}).status_code == 302
    phone_need.refresh_from_db()
    assert phone_need.status == Need.Status.MET
    page = client.get(reverse("need_detail", args=[cast.community.slug, phone_need.pk]))
    assert "I no longer need this" not in page.content.decode()
    # Someone else's request cannot be closed by a resident.
    other = Need.objects.filter(community=cast.community, status="open").exclude(
        member=cast.members["resident"]
    )[0]
    url = reverse("need_close", args=[cast.community.slug, other.pk])
    assert client.post(url, {"status": "closed"}).status_code == 403


def test_a_member_pauses_resumes_and_withdraws_an_offer_on_the_page(client, cast):
    offer = Offer.objects.get(member=cast.members["volunteer"])
    client.force_login(cast.user("volunteer"))
    url = reverse("offer_status", args=[cast.community.slug, offer.pk])
    assert (
        "Pause for now"
        in client.get(reverse("offer_list", args=[cast.community.slug])).content.decode()
    )
    for status in ("paused", "active", "closed"):
        assert client.post(url, {"status": status}).status_code == 302
        offer.refresh_from_db()
        assert offer.status == status
    offer.asset.refresh_from_db()
    assert offer.asset.status != "active"  # the map follows the offer
    client.force_login(cast.user("resident"))
    assert client.post(url, {"status": "active"}).status_code == 403


def test_a_partner_posts_a_request_for_their_organisation(client, cast):
    partner = cast.members["partner"]
    org = partner.organisation
    client.force_login(cast.user("partner"))
    page = client.get(reverse("need_create", args=[cast.community.slug])).content.decode()
    assert "Is this request from an organisation?" in page and org.name in page
    response = client.post(
        reverse("need_create", args=[cast.community.slug]),
        {
            "title": "A volunteer driver for the lunch club",
            "description": "Tuesdays, 11:00 to 14:00, picking up four members",
            "mode": "in_person",
            "urgency": "1",
            "organisation": org.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    need = Need.objects.get(title="A volunteer driver for the lunch club")
    assert (need.organisation, need.member, need.posted_by) == (org, None, cast.user("partner"))
    listing = client.get(reverse("need_list", args=[cast.community.slug])).content.decode()
    assert need.title in listing and org.name in listing
    # The coordinator sees it, with candidates; a suggestion notifies the poster.
    ranked, _excluded = cand.reference_rank(cast.user("coordinator"), need)
    assert ranked, "no candidates for the lunch-club driver"
    match = actions.propose_match(
        by=cast.user("coordinator"), need=need, candidate_id=str(ranked[0].candidate_id)
    )
    assert Notification.objects.filter(member=partner, url__contains=str(match.pk)).exists()


def test_an_organisation_request_is_only_for_its_own_staff_or_community_developers(cast):
    partner_org = cast.members["partner"].organisation
    another = cast.community.organisations.exclude(pk=partner_org.pk).first()
    fields = {"title": "Help", "description": "x"}
    with pytest.raises(PermissionDenied):
        actions.post_need(
            by=cast.user("partner"), community=cast.community, organisation=another, **fields
        )
    with pytest.raises(PermissionDenied):
        actions.post_need(
            by=cast.user("resident"), community=cast.community, organisation=partner_org, **fields
        )
    with pytest.raises(ValidationError) as info:
        actions.post_need(
            by=cast.user("coordinator"),
            community=cast.community,
            organisation=partner_org,
            member=cast.members["resident"],
            **fields,
        )
    assert "organisation" in info.value.message_dict
    need = actions.post_need(
        by=cast.user("coordinator"), community=cast.community, organisation=another, **fields
    )
    assert need.organisation == another and need.member is None


def test_an_organisations_request_is_paid_by_the_organisation_in_the_time_bank(cast):
    from kampung.communities.models import Organisation
    from kampung.timebank import actions as timebank
    from kampung.timebank.models import Account

    # An organisation new to the time bank (the demo's partner organisation has one).
    org = Organisation.objects.create(name="Friends of the Lunch Club", kind="informal_group")
    cast.community.organisations.add(org)
    partner = cast.members["partner"]
    partner.organisation = org
    partner.save(update_fields=["organisation"])
    need = actions.post_need(
        by=cast.user("partner"),
        community=cast.community,
        organisation=org,
        title="Help with phones at the lunch club",
        description="Setting up video calls for our members",
    )
    offer = Offer.objects.get(member=cast.members["volunteer"])
    match = actions.propose_match(
        by=cast.user("coordinator"), need=need, candidate_id=f"offer:{offer.pk}"
    )
    actions.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    actions.complete_match(by=cast.user("volunteer"), match=match, minutes=60)
    with pytest.raises(ValidationError):  # the helper cannot charge the organisation
        actions.record_in_timebank(by=cast.user("volunteer"), match=match)
    # Nor can the partner until a community developer opens the organisation's account.
    Account.objects.filter(organisation=org, community=cast.community).delete()
    with pytest.raises(ValidationError) as info:
        actions.record_in_timebank(by=cast.user("partner"), match=match)
    assert "no open time bank account" in str(info.value)
    assert not Account.objects.filter(organisation=org).exists()
    timebank.open_organisation_account(
        by=cast.user("coordinator"), community=cast.community, organisation=org
    )
    exchange = actions.record_in_timebank(by=cast.user("partner"), match=match)
    assert exchange.paid_by.organisation == org
    assert exchange.receiver == cast.members["partner"]
    before = timebank.account_for_member(cast.members["volunteer"]).balance
    timebank.confirm_exchange(by=cast.user("volunteer"), exchange=exchange, idempotency_key="k1")
    assert timebank.account_for_member(cast.members["volunteer"]).balance == before + 60
    assert Account.objects.get(pk=exchange.paid_by_id).balance == -60


def test_a_person_is_never_asked_about_more_than_they_said_across_their_offers(cast):
    volunteer = cast.members["volunteer"]
    actions.save_strengths(by=cast.user("volunteer"), member=volunteer, max_at_once=1)
    first = Offer.objects.get(member=volunteer)
    second = actions.post_offer(
        by=cast.user("volunteer"),
        community=cast.community,
        kind="skill",
        title="Help with tablets and e-readers",
        location_kind="comes_to_you",
    )
    pool = {c.id: c for c in cand.candidates_for(cast.user("coordinator"), cast.community)}
    assert pool[f"offer:{first.pk}"].owner_capacity == 1
    need = actions.post_need(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Phone help",
        description="My phone needs setting up",
    )
    actions.propose_match(by=cast.user("coordinator"), need=need, candidate_id=f"offer:{first.pk}")
    pool = {c.id: c for c in cand.candidates_for(cast.user("coordinator"), cast.community)}
    assert pool[f"offer:{second.pk}"].owner_capacity == 0
    other = actions.post_need(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Tablet help",
        description="Setting up my tablet",
    )
    with pytest.raises(ValidationError) as info:
        actions.propose_match(
            by=cast.user("coordinator"), need=other, candidate_id=f"offer:{second.pk}"
        )
    assert "as much as they said" in str(info.value)
    with pytest.raises(ValidationError):
        actions.save_strengths(by=cast.user("volunteer"), member=volunteer, max_at_once=0)


def test_withdrawing_a_request_cancels_its_suggestions_and_tells_the_helper(cast, phone_need):
    offer = Offer.objects.get(member=cast.members["volunteer"])
    match = actions.propose_match(
        by=cast.user("coordinator"), need=phone_need, candidate_id=f"offer:{offer.pk}"
    )
    actions.close_need(by=cast.user("resident"), need=phone_need, status="closed")
    match.refresh_from_db()
    assert match.status == Match.Status.CANCELLED
    assert Notification.objects.filter(
        member=cast.members["volunteer"], text__contains="no longer needed"
    ).exists()
    with pytest.raises(ValidationError):  # too late to say yes
        actions.answer_match(by=cast.user("volunteer"), match=match, accept=True)
    with pytest.raises(ValidationError):  # and a closed request stays closed
        actions.close_need(by=cast.user("resident"), need=phone_need, status="met")
    phone_need.refresh_from_db()
    assert phone_need.status == Need.Status.CLOSED


def test_an_offer_at_a_place_tapped_on_the_map_keeps_that_place(client, cast):
    client.force_login(cast.user("volunteer"))
    url = reverse("offer_list", args=[cast.community.slug])
    page = client.get(url).content.decode()
    assert page.count('name="lat"') == 1 and 'id="pick-map"' in page
    response = client.post(
        url,
        {
            "which": "offer",
            "kind": "space",
            "title": "My allotment shed for seed swaps",
            "location_kind": "point",
            "lat": "1.35412",
            "lng": "103.94501",
            "travel_km": "0",
            "capacity": "1",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get(title="My allotment shed for seed swaps")
    assert (offer.lat, offer.lng) == (1.35412, 103.94501)


def test_request_dates_and_today_are_on_the_communitys_clock(cast, monkeypatch):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    # 23:30 UTC on 1 March is already 2 March, 07:30, in Singapore.
    instant = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    community = cast.community
    assert community.timezone == "Asia/Singapore"
    now = cand.local_now(community)
    assert now.date() == dt.date(2026, 3, 2) and now.hour == 7
    need = actions.post_need(
        by=cast.user("resident"),
        community=community,
        title="Help on the day",
        description="Any time that day",
        needed_by=dt.date(2026, 3, 2),
    )
    ((start, end),) = cand.need_to_core(need).occasions
    assert start.date() == dt.date(2026, 3, 2)  # "today" is Singapore's today
    assert start.tzinfo == ZoneInfo("Asia/Singapore") and end.hour == 23


def test_the_demo_has_an_organisations_request_its_partner_sees(client, cast):
    need = Need.objects.get(title="Volunteer drivers for our Thursday lunch club")
    assert need.organisation == cast.members["partner"].organisation and need.member is None
    client.force_login(cast.user("partner"))
    listing = client.get(reverse("need_list", args=[cast.community.slug])).content.decode()
    assert need.title in listing


def test_a_stewards_assets_count_against_their_own_limit(cast):
    from kampung.assets.models import Asset

    asset = (
        Asset.objects.filter(
            community=cast.community, visibility__in=["public", "members"], status="active"
        )
        .exclude(category="personal")
        .first()
    )
    volunteer = cast.members["volunteer"]
    Asset.objects.filter(pk=asset.pk).update(steward_member=volunteer)
    actions.save_strengths(by=cast.user("volunteer"), member=volunteer, max_at_once=1)
    pool = {c.id: c for c in cand.candidates_for(cast.user("coordinator"), cast.community)}
    assert pool[f"asset:{asset.pk}"].owner_capacity == 1
    offer = Offer.objects.get(member=volunteer)
    need = Need.objects.get(title="Help setting up my new phone")
    actions.propose_match(by=cast.user("coordinator"), need=need, candidate_id=f"offer:{offer.pk}")
    pool = {c.id: c for c in cand.candidates_for(cast.user("coordinator"), cast.community)}
    assert pool[f"asset:{asset.pk}"].owner_capacity == 0


def test_a_place_tapped_before_choosing_online_or_comes_to_you_is_not_kept(cast):
    offer = actions.post_offer(
        by=cast.user("volunteer"),
        community=cast.community,
        kind="skill",
        title="Bike repairs",
        location_kind="comes_to_you",
        lat=1.3601,
        lng=103.9501,
    )
    assert (offer.lat, offer.lng) == (None, None)
    assert offer.asset is None or offer.asset.lat != 1.3601
    need = actions.post_need(
        by=cast.user("resident"),
        community=cast.community,
        title="Help with an online form",
        description="The housing form",
        mode="online",
        lat=1.3601,
        lng=103.9501,
    )
    assert (need.lat, need.lng) == (None, None)


def test_staff_close_a_request_for_the_person_in_their_own_words(client, cast, phone_need):
    """A community developer does not see the asker's "It's sorted" / "I no longer need
    this" (their words), but can close the request for them behind a disclosure."""
    client.force_login(cast.user("coordinator"))
    page = client.get(reverse("need_detail", args=[cast.community.slug, phone_need.pk]))
    html = page.content.decode()
    assert "I no longer need this" not in html and "It&#x27;s sorted</button>" not in html
    assert "Close this request" in html and "Close: no longer needed" in html
    url = reverse("need_close", args=[cast.community.slug, phone_need.pk])
    assert client.post(url, {"status": "closed"}).status_code == 302
    phone_need.refresh_from_db()
    assert phone_need.status == Need.Status.CLOSED
