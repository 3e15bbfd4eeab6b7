"""Community developers look after the gift list: from it they reach the people who did
not come to collect and the settings, and they take down someone else's listing (one not
allowed here) with a reason the giver is told; the change is in the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kampung.audit.models import AuditEvent
from kampung.errors import Invalid
from kampung.notices.models import Notification
from kampung.sharing import actions
from kampung.sharing.models import GiftRequest, Listing


def test_the_list_links_staff_to_no_shows_and_settings(cast, client):
    url = reverse("gift_list", args=[cast.community.slug])
    client.force_login(cast.user("coordinator"))
    page = client.get(url).content.decode()
    assert reverse("gift_no_shows", args=[cast.community.slug]) in page
    assert reverse("gift_settings", args=[cast.community.slug]) in page
    assert "People who did not come to collect" in page
    client.force_login(cast.user("resident"))
    page = client.get(url).content.decode()
    assert reverse("gift_no_shows", args=[cast.community.slug]) not in page


def test_a_community_developer_takes_down_a_listing_and_the_giver_is_told(cast, client, gift):
    waiting = actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    client.force_login(cast.user("coordinator"))
    detail = client.get(reverse("gift_detail", args=[cast.community.slug, gift.pk]))
    assert "Take this listing down" in detail.content.decode()
    done = client.post(
        reverse("gift_take_down", args=[cast.community.slug, gift.pk]),
        {"reason": "Medicines cannot be given away here."},
    )
    assert done.status_code == 302
    gift.refresh_from_db()
    assert gift.status == Listing.Status.WITHDRAWN
    assert gift.taken_down_reason == "Medicines cannot be given away here."
    waiting.refresh_from_db()
    assert waiting.status == GiftRequest.Status.CLOSED
    told = Notification.objects.filter(member=cast.members["resident"]).latest("pk")
    assert "Medicines cannot be given away here." in told.text
    assert AuditEvent.objects.filter(
        object_type__icontains="listing", object_id=str(gift.pk), actor=cast.user("coordinator")
    ).exists()
    # The giver sees why on the item's page.
    client.force_login(cast.user("resident"))
    page = client.get(reverse("gift_detail", args=[cast.community.slug, gift.pk])).content
    assert "Medicines cannot be given away here." in page.decode()


def test_a_reason_is_needed_and_nothing_changes_without_one(cast, client, gift):
    with pytest.raises(Invalid) as refused:
        actions.take_down_listing(by=cast.user("coordinator"), listing=gift, reason="  ")
    assert "reason" in refused.value.fields
    client.force_login(cast.user("coordinator"))
    page = client.post(reverse("gift_take_down", args=[cast.community.slug, gift.pk]), {})
    assert page.status_code == 422
    assert "error-summary" in page.content.decode()
    gift.refresh_from_db()
    assert gift.status == Listing.Status.OPEN


@pytest.mark.parametrize("role", ["resident", "volunteer", "partner", "analyst", "outsider"])
def test_only_community_developers_take_down_a_listing(cast, gift, role):
    with pytest.raises(PermissionDenied):
        actions.take_down_listing(by=cast.user(role), listing=gift, reason="No.")
    gift.refresh_from_db()
    assert gift.status == Listing.Status.OPEN
