""" "I'd like this", the giver's choice, contacts shown only after it, and the handover
(collected, or a no-show that makes the item available again)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kampung.errors import Conflict, Invalid
from kampung.people.models import ConsentPurpose
from kampung.sharing import actions, contacts, queries
from kampung.sharing.models import GiftRequest, Listing, Share


def _give(cast, n=1, by="resident"):
    return [
        actions.list_item(
            by=cast.user(by),
            community=cast.community,
            title=f"Plant pot {i}",
            category="other",
            pickup_area="Mawar Gardens",
        )
        for i in range(n)
    ]


def test_contacts_are_shown_only_after_the_giver_chooses(cast, gift):
    vijay = cast.user("volunteer")
    cast.members["resident"].phone = "+65 8111 2222"
    cast.members["resident"].save()
    request = actions.ask_for_item(by=vijay, listing=gift, message="Saturday?", shares=Share.EMAIL)
    assert contacts.contacts_for(vijay, gift) == []
    assert contacts.contacts_for(cast.user("resident"), gift) == []
    actions.choose_receiver(
        by=cast.user("resident"), listing=gift, request=request, shares=Share.PHONE
    )
    gift.refresh_from_db()
    seen_by_vijay = contacts.contacts_for(vijay, gift)
    assert seen_by_vijay == [
        {"side": "giver", "name": "Rosnah", "chosen": True, "phone": "+65 8111 2222"}
    ]
    seen_by_rosnah = contacts.contacts_for(cast.user("resident"), gift)
    assert seen_by_rosnah == [
        {"side": "receiver", "name": "Vijay", "chosen": True, "email": cast.user("volunteer").email}
    ]
    # Nobody else sees either (another member), and the page says the same.
    assert contacts.contacts_for(cast.user("partner"), gift) == []


def test_the_form_pre_ticks_the_standing_consent(cast):
    rosnah = cast.members["resident"]
    rosnah.phone = ""
    rosnah.save()
    rosnah.consents.filter(purpose=ConsentPurpose.CONTACT_SHARING).delete()
    assert contacts.standing_choice(rosnah) == Share.NONE
    rosnah.consents.create(
        purpose=ConsentPurpose.CONTACT_SHARING,
        wording_version="t",
        recorded_by=cast.user("resident"),
    )
    assert contacts.standing_choice(rosnah) == Share.EMAIL  # she has an email, no phone


def test_asking_for_your_own_item_is_refused(cast, gift):
    with pytest.raises(Invalid, match="your own item"):
        actions.ask_for_item(by=cast.user("resident"), listing=gift)
    assert not gift.requests.exists()


def test_asking_twice_is_refused(cast, gift):
    actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    with pytest.raises(Conflict, match="already asked"):
        actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    assert gift.requests.count() == 1


def test_a_sixth_open_request_is_refused_over_the_limit(cast):
    items = _give(cast, 6)
    vijay = cast.user("volunteer")
    for item in items[:5]:
        actions.ask_for_item(by=vijay, listing=item)
    with pytest.raises(Invalid, match="5 open requests"):
        actions.ask_for_item(by=vijay, listing=items[5])
    assert not items[5].requests.exists()
    # A community developer lowers or raises the limit for the community.
    actions.change_settings(
        by=cast.user("coordinator"), community=cast.community, max_open_requests=6
    )
    actions.ask_for_item(by=vijay, listing=items[5])


def test_choosing_twice_is_refused(cast, gift, asker):
    first = actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    second = actions.ask_for_item(by=asker, listing=gift)
    actions.choose_receiver(by=cast.user("resident"), listing=gift, request=first)
    with pytest.raises(Conflict, match="already chosen"):
        actions.choose_receiver(by=cast.user("resident"), listing=gift, request=second)
    second.refresh_from_db()
    assert second.status == GiftRequest.Status.WAITING


def test_only_the_giver_chooses(cast, gift):
    from django.core.exceptions import PermissionDenied

    request = actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    for role in ("volunteer", "coordinator", "partner"):
        with pytest.raises(PermissionDenied):
            actions.choose_receiver(by=cast.user(role), listing=gift, request=request)


def test_collected_closes_the_item_and_tells_nobody_else_waits(cast, gift, asker):
    chosen = actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    other = actions.ask_for_item(by=asker, listing=gift)
    actions.choose_receiver(by=cast.user("resident"), listing=gift, request=chosen)
    actions.mark_collected(by=cast.user("resident"), listing=gift)
    gift.refresh_from_db()
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert gift.status == Listing.Status.COLLECTED
    assert chosen.status == GiftRequest.Status.COLLECTED
    assert other.status == GiftRequest.Status.NOT_CHOSEN


def test_a_no_show_makes_the_item_available_again_and_counts_for_staff(cast, client):
    vijay = cast.user("volunteer")
    for item in _give(cast, 2):
        request = actions.ask_for_item(by=vijay, listing=item)
        actions.choose_receiver(by=cast.user("resident"), listing=item, request=request)
        actions.record_no_show(by=cast.user("resident"), listing=item)
        item.refresh_from_db()
        assert item.status == Listing.Status.OPEN
    assert list(queries.repeated_no_shows(cast.community)) == [cast.members["volunteer"]]
    from kampung.audit.models import AuditEvent

    client.force_login(cast.user("coordinator"))
    before = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count()
    page = client.get(reverse("gift_no_shows", args=[cast.community.slug]))
    assert "Vijay" in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count() == before + 1
    client.force_login(cast.user("resident"))
    assert client.get(reverse("gift_no_shows", args=[cast.community.slug])).status_code == 403


def test_the_whole_flow_through_the_pages(cast, client, gift):
    slug = cast.community.slug
    client.force_login(cast.user("volunteer"))
    detail = reverse("gift_detail", args=[slug, gift.pk])
    assert "d like this</button>" in client.get(detail).content.decode()
    response = client.post(
        reverse("gift_ask", args=[slug, gift.pk]), {"message": "Hi", "shares": "email"}
    )
    assert response.status_code == 302
    client.force_login(cast.user("resident"))
    assert "1 person would like it" in client.get(detail).content.decode()
    request = gift.requests.get()
    response = client.post(
        reverse("gift_choose", args=[slug, gift.pk]), {"request": request.pk, "shares": "email"}
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert cast.user("volunteer").email in page and "They collected it" in page
    # Choosing again on the page: a clear message, nothing changed.
    again = client.post(
        reverse("gift_choose", args=[slug, gift.pk]), {"request": request.pk}, follow=True
    )
    assert "already chosen" in again.content.decode()
    client.post(reverse("gift_collected", args=[slug, gift.pk]))
    gift.refresh_from_db()
    assert gift.status == Listing.Status.COLLECTED
    client.force_login(cast.user("volunteer"))
    assert cast.user("resident").email in client.get(detail).content.decode()


def test_the_giver_is_told_and_the_dashboard_counts_are_ready(cast, gift, asker):
    actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    actions.ask_for_item(by=asker, listing=gift)
    counts = queries.waiting_for(cast.members["resident"])
    # The demo's own item for Rosnah has one person waiting too.
    assert counts["people_waiting"] == 3 and counts["items_waiting"] == 2
    from kampung.notices.models import Notification

    assert (
        Notification.objects.filter(
            member=cast.members["resident"], kind="gifts", text__contains="Dining chairs"
        ).count()
        == 2
    )
