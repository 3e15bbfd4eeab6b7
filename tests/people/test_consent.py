"""Consent: what a member agreed to, recorded by them or on their behalf, withdrawable,
and honoured where their data is shown."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from kampung.people import actions
from kampung.people.models import Consent, ConsentPurpose


def test_a_member_records_and_withdraws_their_own_consent(cast, client):
    me = cast.members["volunteer"]
    client.force_login(cast.user("volunteer"))
    url = reverse("consent_record", args=[cast.community.slug, me.pk])
    client.post(url, {"purpose": ConsentPurpose.STORIES})
    consent = me.consents.get(purpose=ConsentPurpose.STORIES)
    assert not consent.recorded_on_behalf and consent.recorded_by == cast.user("volunteer")
    client.post(reverse("consent_withdraw", args=[cast.community.slug, consent.pk]))
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == cast.user("volunteer")


def test_a_coordinator_records_consent_for_someone_without_a_device(
    cast, client, resident_without_login
):
    client.force_login(cast.user("coordinator"))
    page = client.get(
        reverse("member_detail", args=[cast.community.slug, resident_without_login.pk])
    )
    assert "on their behalf" in page.content.decode()
    client.post(
        reverse("consent_record", args=[cast.community.slug, resident_without_login.pk]),
        {"purpose": ConsentPurpose.STORIES},
    )
    consent = resident_without_login.consents.get(purpose=ConsentPurpose.STORIES)
    assert consent.recorded_on_behalf


def test_recording_the_same_consent_twice_is_refused(cast):
    me, user = cast.members["resident"], cast.user("resident")
    actions.record_consent(by=user, member=me, purpose=ConsentPurpose.STORIES)
    with pytest.raises(actions.ConsentError):
        actions.record_consent(by=user, member=me, purpose=ConsentPurpose.STORIES)
    assert me.consents.filter(purpose=ConsentPurpose.STORIES).count() == 1


def test_an_unknown_purpose_names_the_field_and_writes_nothing(cast):
    from django.core.exceptions import ValidationError

    before = Consent.objects.count()
    with pytest.raises(ValidationError) as err:
        actions.record_consent(
            by=cast.user("resident"), member=cast.members["resident"], purpose="sell_my_data"
        )
    assert "purpose" in err.value.message_dict
    assert Consent.objects.count() == before


def test_a_volunteer_cannot_record_consent_for_someone_else(cast, resident_without_login):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.record_consent(
            by=cast.user("volunteer"), member=resident_without_login, purpose=ConsentPurpose.STORIES
        )


def test_withdrawing_twice_is_refused(cast):
    me, user = cast.members["resident"], cast.user("resident")
    consent = actions.record_consent(by=user, member=me, purpose=ConsentPurpose.STORIES)
    actions.withdraw_consent(by=user, consent=consent)
    with pytest.raises(actions.ConsentError):
        actions.withdraw_consent(by=user, consent=consent)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_recordings_store_one_consent(cast):
    """Two requests racing to record the same consent: the partial unique index lets
    exactly one through, and the other gets a clear ConsentError (not a 500)."""
    me, user = cast.members["resident"], cast.user("resident")
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            actions.record_consent(by=user, member=me, purpose=ConsentPurpose.STORIES)
            outcomes.append("ok")
        except actions.ConsentError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert me.consents.filter(purpose=ConsentPurpose.STORIES).count() == 1
