"""Members change their own details; coordinators change anyone's; administrators hand
out roles. Bad input names the field and changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kampung import policy
from kampung.people import actions
from kampung.people.models import Role


def test_a_resident_changes_their_own_phone_on_the_page(cast, client):
    me = cast.members["resident"]
    client.force_login(cast.user("resident"))
    url = reverse("member_edit", args=[cast.community.slug, me.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"display_name": me.display_name, "phone": "+65 9000 0000", "languages": ["en", "ms"]}
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.phone == "+65 9000 0000" and me.languages == ["en", "ms"]


def test_a_resident_cannot_edit_someone_else(cast, client, resident_without_login):
    client.force_login(cast.user("resident"))
    url = reverse("member_edit", args=[cast.community.slug, resident_without_login.pk])
    assert client.get(url).status_code == 403


def test_an_empty_name_is_refused_and_nothing_changes(cast, client):
    me = cast.members["volunteer"]
    client.force_login(cast.user("volunteer"))
    url = reverse("member_edit", args=[cast.community.slug, me.pk])
    response = client.post(url, {"display_name": "  "})
    assert response.status_code == 200 and "display_name" in response.context["form"].errors
    me.refresh_from_db()
    assert me.display_name == "Vijay"


def test_an_administrator_makes_someone_partner_staff(cast, resident_without_login):
    org = cast.community.organisations.first()
    actions.change_role(
        by=cast.user("admin"), member=resident_without_login, role=Role.PARTNER, organisation=org
    )
    resident_without_login.refresh_from_db()
    assert resident_without_login.role == Role.PARTNER
    assert resident_without_login.organisation == org


def test_partner_staff_need_an_organisation_of_this_community(cast, resident_without_login):
    with pytest.raises(ValidationError) as err:
        actions.change_role(by=cast.user("admin"), member=resident_without_login, role=Role.PARTNER)
    assert "organisation" in err.value.message_dict
    foreign = cast.other.organisations.first()
    with pytest.raises(ValidationError):
        actions.change_role(
            by=cast.user("admin"),
            member=resident_without_login,
            role=Role.PARTNER,
            organisation=foreign,
        )
    resident_without_login.refresh_from_db()
    assert resident_without_login.role == Role.RESIDENT


def test_a_coordinator_cannot_hand_out_roles(cast, resident_without_login):
    with pytest.raises(PermissionDenied):
        actions.change_role(
            by=cast.user("coordinator"), member=resident_without_login, role=Role.COORDINATOR
        )


def test_an_administrator_cannot_demote_themselves(cast):
    with pytest.raises(ValidationError):
        actions.change_role(by=cast.user("admin"), member=cast.members["admin"], role=Role.RESIDENT)


def test_roles_through_the_page_and_the_api(cast, client, resident_without_login):
    client.force_login(cast.user("admin"))
    slug = cast.community.slug
    client.post(
        reverse("member_role", args=[slug, resident_without_login.pk]), {"role": Role.VOLUNTEER}
    )
    resident_without_login.refresh_from_db()
    assert resident_without_login.role == Role.VOLUNTEER
    assert policy.role_in(cast.user("admin"), cast.community) == Role.ADMIN

    from kampung.people.actions import create_api_token

    _, token = create_api_token(user=cast.user("admin"))
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/communities/{slug}/members/{resident_without_login.pk}/role"
    ok = client.post(url, {"role": "analyst"}, content_type="application/json", headers=headers)
    assert ok.status_code == 200 and ok.json()["role"] == "analyst"
    bad = client.post(
        url,
        {"role": "partner", "organisation_id": 999999},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422 and "organisation_id" in bad.json()["error"]["fields"]
    patch = client.patch(
        f"/api/v1/communities/{slug}/members/{resident_without_login.pk}",
        {"skills": ["nope"]},
        content_type="application/json",
        headers=headers,
    )
    assert patch.status_code == 422 and "skills" in patch.json()["error"]["fields"]
    resident_without_login.refresh_from_db()
    assert "nope" not in resident_without_login.skills
