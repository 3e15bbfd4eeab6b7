"""The REST API skeleton: OpenAPI and docs, session and token auth, one error body,
community scoping and bad input that writes nothing."""

from __future__ import annotations

import pytest

from kampung.people.actions import create_api_token
from kampung.people.models import Member


@pytest.fixture
def token(cast):
    _, secret = create_api_token(user=cast.user("coordinator"))
    return secret


def test_openapi_and_docs_are_published(client, db):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert "/api/v1/communities/{slug}/members" in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # The docs work offline: Swagger UI comes from Kampung's own static files.
    assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()
    assert "cdn." not in docs.content.decode()


def test_it_refuses_an_anonymous_caller_with_the_common_error_body(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "unauthenticated", "message": "Log in or send a valid API token."}
    }


def test_a_token_authenticates_an_integration(client, cast, token):
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "coordinator@demo.kampung.test"
    assert [c["slug"] for c in body["communities"]] == ["kampung-seri-mawar"]
    assert body["communities"][0]["my_role"] == "coordinator"


def test_a_wrong_token_is_refused(client, cast):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer kpg_nope"})
    assert response.status_code == 401


def test_a_token_view_of_a_record_is_audited_as_api(client, cast, token, resident_without_login):
    from kampung.audit.models import AuditEvent

    slug = cast.community.slug
    response = client.get(
        f"/api/v1/communities/{slug}/members/{resident_without_login.pk}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="view", object_id=str(resident_without_login.pk))
    assert event.actor == cast.user("coordinator") and event.via == "api"


def test_another_communitys_data_is_not_found(client, cast, token):
    other_member = Member.objects.filter(community=cast.other).first()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/communities/woking-east/members", headers=headers).status_code == 404
    # Even with the right id, a member is looked up inside the caller's community only.
    response = client.get(
        f"/api/v1/communities/{cast.community.slug}/members/{other_member.pk}", headers=headers
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_creating_a_member_works_and_bad_input_names_the_field(client, cast, token):
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/communities/{cast.community.slug}/members"
    before = Member.objects.count()
    created = client.post(
        url,
        {"display_name": "Mdm Lim", "languages": ["zh"], "skills": ["cooking"]},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    assert Member.objects.count() == before + 1

    for body, field in [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "A", "area_lat": 100, "area_lng": 0}, "area_lat"),
        ({"display_name": "A", "skills": ["juggling-chainsaws"]}, "skills"),
        ({"display_name": "A", "languages": ["xx"]}, "languages"),
    ]:
        response = client.post(url, body, content_type="application/json", headers=headers)
        assert response.status_code == 422, body
        error = response.json()["error"]
        assert error["code"] == "invalid" and field in error["fields"], error
    assert Member.objects.count() == before + 1


def test_a_resident_cannot_create_members(client, cast):
    client.force_login(cast.user("resident"))
    response = client.post(
        f"/api/v1/communities/{cast.community.slug}/members",
        {"display_name": "X"},
        content_type="application/json",
    )
    # Session-authenticated writes need the CSRF token, like the site's forms.
    assert response.status_code in (401, 403)


def test_consent_through_the_api(client, cast, token, resident_without_login):
    headers = {"Authorization": f"Bearer {token}"}
    slug = cast.community.slug
    url = f"/api/v1/communities/{slug}/members/{resident_without_login.pk}/consents"
    resident_without_login.consents.filter(purpose="stories").delete()
    first = client.post(
        url, {"purpose": "stories"}, content_type="application/json", headers=headers
    )
    assert first.status_code == 201 and first.json()["recorded_on_behalf"] is True
    again = client.post(
        url, {"purpose": "stories"}, content_type="application/json", headers=headers
    )
    assert again.status_code == 409
    bad = client.post(url, {"purpose": "nope"}, content_type="application/json", headers=headers)
    assert bad.status_code == 422 and "purpose" in bad.json()["error"]["fields"]
    withdrawn = client.post(
        f"/api/v1/communities/{slug}/consents/{first.json()['id']}/withdraw", headers=headers
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
