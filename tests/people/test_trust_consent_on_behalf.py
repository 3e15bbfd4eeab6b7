"""Finding 5: staff record and withdraw consent on someone's behalf only for a member
without a login (the time bank's rule for acting for a member); a member with a login
decides for themselves."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kampung import policy
from kampung.people import actions
from kampung.people.models import Consent, ConsentPurpose


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_it_refuses_staff_recording_consent_for_a_member_with_a_login(cast, role):
    member = cast.members["resident"]
    with pytest.raises(PermissionDenied):
        actions.record_consent(by=cast.user(role), member=member, purpose=ConsentPurpose.STORIES)
    assert not member.consents.filter(purpose=ConsentPurpose.STORIES).exists()


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_it_refuses_staff_withdrawing_consent_of_a_member_with_a_login(cast, role):
    member, user = cast.members["resident"], cast.user("resident")
    consent = actions.record_consent(by=user, member=member, purpose=ConsentPurpose.STORIES)
    with pytest.raises(PermissionDenied):
        actions.withdraw_consent(by=cast.user(role), consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_it_refuses_the_pages_too_and_hides_the_form_with_a_reason(cast, client):
    member = cast.members["resident"]
    client.force_login(cast.user("coordinator"))
    page = client.get(reverse("member_detail", args=[cast.community.slug, member.pk]))
    html = page.content.decode()
    assert "Record consent" not in html
    assert "has their own login" in html
    client.post(
        reverse("consent_record", args=[cast.community.slug, member.pk]),
        {"purpose": ConsentPurpose.STORIES},
    )
    assert not member.consents.filter(purpose=ConsentPurpose.STORIES).exists()


def test_it_refuses_the_api_for_a_member_with_a_login(cast, client):
    member = cast.members["volunteer"]
    client.force_login(cast.user("coordinator"))
    url = f"/api/v1/communities/{cast.community.slug}/members/{member.pk}/consents"
    response = client.post(url, {"purpose": "stories"}, content_type="application/json")
    assert response.status_code == 403
    assert not Consent.objects.filter(member=member, purpose="stories").exists()


def test_it_still_lets_staff_act_for_a_member_without_a_login(cast, resident_without_login):
    coordinator = cast.user("coordinator")
    consent = actions.record_consent(
        by=coordinator, member=resident_without_login, purpose=ConsentPurpose.STORIES
    )
    assert consent.recorded_on_behalf
    actions.withdraw_consent(by=coordinator, consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_it_lets_members_and_staff_decide_their_own_consent(cast):
    for role in ("resident", "coordinator", "admin"):
        member = cast.members[role]
        assert policy.can(cast.user(role), "consent.record", cast.community, member)
        assert policy.can(cast.user(role), "consent.withdraw", cast.community, member)
