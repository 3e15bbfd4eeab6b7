"""A community developer (or the host) signs up someone without a login through the
API, as the pages do from a paper sign-up sheet; nobody else may, nobody may for a
member who has a login or belongs to another community, and one member's sign-up is
not found by another."""

from __future__ import annotations

import json

from kampung.people.actions import create_api_token
from kampung.people.models import Member
from kampung.skillshare.models import SignUp


def _bearer(user):
    _token, secret = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client, url, body, user):
    return client.post(url, data=json.dumps(body), content_type="application/json", **_bearer(user))


def test_staff_sign_up_and_cancel_for_someone_without_a_login(
    csrf_client, cast, make_session, resident_without_login
):
    session = make_session()
    base = f"/api/v1/communities/{cast.community.slug}/sessions/{session.pk}/signups"
    made = _post(csrf_client, base, {"member": resident_without_login.pk}, cast.user("coordinator"))
    assert made.status_code == 201, made.content
    signup = SignUp.objects.get(pk=made.json()["id"])
    assert signup.member_id == resident_without_login.pk
    # The resident cannot cancel it; the community developer can.
    refused = _post(csrf_client, f"{base}/{signup.pk}/cancel", {}, cast.user("resident"))
    assert refused.status_code == 404
    done = _post(csrf_client, f"{base}/{signup.pk}/cancel", {}, cast.user("coordinator"))
    assert done.status_code == 200 and done.json()["state"] == "cancelled"


def test_nobody_else_signs_up_for_others(csrf_client, cast, make_session, resident_without_login):
    session = make_session()
    base = f"/api/v1/communities/{cast.community.slug}/sessions/{session.pk}/signups"
    before = SignUp.objects.count()
    resident = _post(
        csrf_client, base, {"member": resident_without_login.pk}, cast.user("resident")
    )
    assert resident.status_code == 403
    with_login = _post(
        csrf_client, base, {"member": cast.members["resident"].pk}, cast.user("coordinator")
    )
    assert with_login.status_code == 403  # a member with a login decides for themselves
    elsewhere = Member.objects.filter(community=cast.other, user__isnull=True).first()
    outside = _post(csrf_client, base, {"member": elsewhere.pk}, cast.user("coordinator"))
    assert outside.status_code == 422 and "member" in outside.json()["error"]["fields"]
    assert SignUp.objects.count() == before
