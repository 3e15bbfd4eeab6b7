"""Background checks: community developers record a helper's check (kind, level, dates,
who checked, a reference — never the certificate) on the person's page and through the
API; matching counts only valid, unexpired checks; every view and change is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kampung.audit.models import AuditEvent
from kampung.matching import candidates as cand
from kampung.matching.models import Need, Offer
from kampung.people import actions, queries
from kampung.people.actions import create_api_token
from kampung.people.models import BackgroundCheck, Clearance


def _today(cast):
    return queries.today_in(cast.community)


def _record(cast, member, *, level=Clearance.ENHANCED, checked=400, expires=700, **extra):
    today = _today(cast)
    return actions.record_check(
        by=cast.user("coordinator"),
        member=member,
        level=level,
        checked_on=today - timedelta(days=checked),
        expires_on=today + timedelta(days=expires),
        checked_by=extra.pop("checked_by", "Seri Mawar Family Service Centre"),
        reference=extra.pop("reference", "PRC-2291"),
        **extra,
    )


def _offer_clearance(cast, member) -> int:
    offer = Offer.objects.get(member=member)
    pool = cand.candidates_for(cast.user("coordinator"), cast.community)
    return next(c.clearance for c in pool if c.id == f"offer:{offer.pk}")


def test_a_community_developer_records_a_check_on_the_persons_page(cast, login):
    volunteer = cast.members["volunteer"]
    client = login(cast.user("coordinator"))
    today = _today(cast)
    response = client.post(
        reverse("check_record", args=[cast.community.slug, volunteer.pk]),
        {
            "level": "2",
            "kind": "Enhanced check",
            "checked_on": (today - timedelta(days=10)).isoformat(),
            "expires_on": (today + timedelta(days=1000)).isoformat(),
            "checked_by": "Woking Borough Council",
            "reference": "DBS-0042",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Background checks" in page and "Woking Borough Council" in page and "Valid" in page
    check = BackgroundCheck.objects.get(member=volunteer, checked_by="Woking Borough Council")
    assert check.recorded_by == cast.user("coordinator")
    created = AuditEvent.objects.get(
        action="create", object_type="people.BackgroundCheck", object_id=str(check.pk)
    )
    assert created.changes["reference"] == "(changed)"  # never its value in the log
    assert AuditEvent.objects.filter(
        action="view", object_id=str(volunteer.pk), actor=cast.user("coordinator")
    ).exists()


def test_bad_input_names_the_field_and_stores_nothing(cast, login):
    volunteer = cast.members["volunteer"]
    before = BackgroundCheck.objects.count()
    client = login(cast.user("coordinator"))
    today = _today(cast)
    response = client.post(
        reverse("check_record", args=[cast.community.slug, volunteer.pk]),
        {
            "level": "1",
            "checked_on": today.isoformat(),
            "expires_on": (today - timedelta(days=1)).isoformat(),
            "checked_by": "x" * 201,
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Who checked" in page and "at most 200 characters" in page
    assert BackgroundCheck.objects.count() == before
    with pytest.raises(Exception) as caught:
        _record(cast, volunteer, checked=0, expires=-1)
    assert "expires_on" in caught.value.message_dict
    assert BackgroundCheck.objects.count() == before


def test_staff_never_record_a_check_for_themselves(cast):
    for role in ("coordinator", "admin"):
        with pytest.raises(PermissionDenied):
            actions.record_check(
                by=cast.user(role),
                member=cast.members[role],
                level=Clearance.BASIC,
                checked_on=_today(cast),
                expires_on=_today(cast) + timedelta(days=365),
                checked_by="Myself",
            )
    with pytest.raises(PermissionDenied):
        _record_as(cast, "volunteer", cast.members["resident"])


def _record_as(cast, role, member):
    return actions.record_check(
        by=cast.user(role),
        member=member,
        level=Clearance.BASIC,
        checked_on=_today(cast),
        expires_on=_today(cast) + timedelta(days=365),
        checked_by="Someone",
    )


def test_matching_counts_only_valid_unexpired_checks(cast):
    volunteer = cast.members["volunteer"]
    BackgroundCheck.objects.filter(member=volunteer).delete()
    assert _offer_clearance(cast, volunteer) == Clearance.NONE
    expired = _record(cast, volunteer, checked=1200, expires=-1)
    assert expired.state(_today(cast)) == "expired"
    assert _offer_clearance(cast, volunteer) == Clearance.NONE
    basic = _record(cast, volunteer, level=Clearance.BASIC, expires=10)
    assert basic.state(_today(cast)) == "expires_soon"
    assert _offer_clearance(cast, volunteer) == Clearance.BASIC
    enhanced = _record(cast, volunteer, level=Clearance.ENHANCED)
    assert _offer_clearance(cast, volunteer) == Clearance.ENHANCED
    actions.withdraw_check(by=cast.user("coordinator"), check=enhanced, reason="Revoked")
    assert _offer_clearance(cast, volunteer) == Clearance.BASIC
    # A request that needs an enhanced check no longer lists the volunteer's offer.
    need = Need.objects.get(community=cast.community, title="Company for my father")
    _ranked, excluded = cand.reference_rank(cast.user("coordinator"), need)
    offer = Offer.objects.get(member=volunteer)
    assert any(e.candidate_id == f"offer:{offer.pk}" and e.code == "safeguarding" for e in excluded)


def test_checks_due_for_renewal_are_listed_for_the_community_developer(cast, login):
    volunteer = cast.members["volunteer"]
    BackgroundCheck.objects.filter(member__community=cast.community).delete()
    soon = _record(cast, volunteer, level=Clearance.BASIC, expires=12)
    _record(cast, cast.members["resident"], level=Clearance.BASIC, expires=200)
    due = queries.checks_due_for_renewal(cast.community, within_days=30)
    assert [c.pk for c in due] == [soon.pk]
    page = login(cast.user("coordinator")).get(reverse("member_list", args=[cast.community.slug]))
    text = page.content.decode()
    assert "Background checks expiring in the next 30 days" in text
    assert volunteer.display_name in text
    # Renewed: a later check of the same level means nothing is due.
    _record(cast, volunteer, level=Clearance.BASIC, checked=1, expires=1000)
    assert queries.checks_due_for_renewal(cast.community, within_days=30) == []


def test_the_api_lists_records_and_withdraws_checks(client, cast):
    _, secret = create_api_token(user=cast.user("coordinator"))
    headers = {"Authorization": f"Bearer {secret}"}
    volunteer = cast.members["volunteer"]
    base = f"/api/v1/communities/{cast.community.slug}"
    today = _today(cast)
    body = {
        "level": 2,
        "kind": "Enhanced check",
        "checked_on": (today - timedelta(days=3)).isoformat(),
        "expires_on": (today + timedelta(days=900)).isoformat(),
        "checked_by": "Woking Borough Council",
        "reference": "DBS-77",
    }
    created = client.post(
        f"{base}/members/{volunteer.pk}/checks", body, content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "valid" and created.json()["level_name"] == "enhanced"
    views_before = AuditEvent.objects.filter(action="view", object_id=str(volunteer.pk)).count()
    listed = client.get(f"{base}/members/{volunteer.pk}/checks", headers=headers)
    assert listed.status_code == 200
    assert created.json()["id"] in [c["id"] for c in listed.json()]
    views_after = AuditEvent.objects.filter(action="view", object_id=str(volunteer.pk)).count()
    assert views_after == views_before + 1
    withdrawn = client.post(
        f"{base}/checks/{created.json()['id']}/withdraw", {"reason": "Recorded by mistake"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    again = client.post(
        f"{base}/checks/{created.json()['id']}/withdraw", {}, content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert again.status_code == 409
    bad = client.post(
        f"{base}/members/{volunteer.pk}/checks",
        {**body, "expires_on": body["checked_on"], "reference": "r" * 101},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert bad.status_code == 422
    assert "reference" in str(bad.json())
    own = client.post(
        f"{base}/members/{cast.members['coordinator'].pk}/checks", body,
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert own.status_code == 403
