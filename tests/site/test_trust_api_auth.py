"""API authentication as a real browser and a real integration meet it: a bearer token
alone authenticates (no CSRF, no cookie relied upon); the login cookie needs the CSRF
token for every write."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.request

from django.conf import settings

from kampung.people.actions import create_api_token
from kampung.people.models import Member
from tests.conftest import csrf_token_from

JSON = "application/json"


def _members_url(cast) -> str:
    return f"/api/v1/communities/{cast.community.slug}/members"


def test_it_accepts_a_token_write_with_csrf_enforced(csrf_client, cast):
    _, secret = create_api_token(user=cast.user("coordinator"))
    response = csrf_client.post(
        _members_url(cast),
        {"display_name": "Added by an integration"},
        content_type=JSON,
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201, response.content
    assert Member.objects.filter(display_name="Added by an integration").exists()


def test_a_token_write_is_the_tokens_even_with_a_login_cookie(csrf_client, cast):
    """A bearer request is authenticated by the token only: the cookie of a logged-in
    resident in the same browser neither helps nor gets in the way."""
    csrf_client.force_login(cast.user("resident"))
    _, secret = create_api_token(user=cast.user("coordinator"))
    response = csrf_client.post(
        _members_url(cast),
        {"display_name": "Token, not cookie"},
        content_type=JSON,
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201, response.content
    assert Member.objects.get(display_name="Token, not cookie")


def test_a_wrong_token_is_not_rescued_by_a_login_cookie(csrf_client, cast):
    csrf_client.force_login(cast.user("coordinator"))
    response = csrf_client.get("/api/v1/me", headers={"Authorization": "Bearer kpg_wrong"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_cookie_write_without_the_csrf_token_is_refused(csrf_client, cast):
    csrf_client.force_login(cast.user("coordinator"))
    response = csrf_client.post(_members_url(cast), {"display_name": "Forged"}, content_type=JSON)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert not Member.objects.filter(display_name="Forged").exists()


def test_a_cookie_write_with_the_csrf_token_is_accepted(csrf_client, cast):
    csrf_client.force_login(cast.user("coordinator"))
    token = csrf_token_from(csrf_client, f"/c/{cast.community.slug}/")
    response = csrf_client.post(
        _members_url(cast),
        {"display_name": "Added in the site"},
        content_type=JSON,
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content


def test_cookie_reads_need_no_csrf_token(csrf_client, cast):
    csrf_client.force_login(cast.user("resident"))
    assert csrf_client.get("/api/v1/me").status_code == 200


# --- Against a real server ------------------------------------------------------------


class _Browser:
    """Just enough of a browser: cookies, and the one error body read on refusal."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def send(self, method: str, path: str, body=None, headers=None, form=False):
        headers = dict(headers or {})
        data = None
        if body is not None and form:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = JSON
        headers.setdefault("Referer", self.base + "/")
        request = urllib.request.Request(self.base + path, data, headers, method=method)  # noqa: S310 (the test server)
        try:
            with self.opener.open(request) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def csrf_token(self, path: str) -> str:
        _, html = self.send("GET", path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_real_server_takes_token_writes_and_refuses_forged_cookie_writes(live_server, cast):
    browser = _Browser(live_server.url)
    slug = cast.community.slug
    _, secret = create_api_token(user=cast.user("coordinator"))

    status, body = browser.send(
        "POST",
        f"/api/v1/communities/{slug}/members",
        {"display_name": "Via token"},
        {"Authorization": f"Bearer {secret}"},
    )
    assert status == 201, body

    token = browser.csrf_token("/login/")
    status, _ = browser.send(
        "POST",
        "/login/",
        {
            "username": cast.user("coordinator").email,
            "password": settings.KAMPUNG_DEMO_PASSWORD,
            "csrfmiddlewaretoken": token,
        },
        form=True,
    )
    assert status == 200  # followed the redirect to the dashboard

    status, body = browser.send(
        "POST", f"/api/v1/communities/{slug}/members", {"display_name": "Forged"}
    )
    assert status == 403
    assert json.loads(body)["error"]["code"] == "csrf_failed"

    token = browser.csrf_token(f"/c/{slug}/")
    status, body = browser.send(
        "POST",
        f"/api/v1/communities/{slug}/members",
        {"display_name": "Via the site"},
        {"X-CSRFToken": token},
    )
    assert status == 201, body
    names = set(Member.objects.values_list("display_name", flat=True))
    assert {"Via token", "Via the site"} <= names and "Forged" not in names
