"""Error pages (400, 403, 404, 413, 429, 500) in the site's layout, in plain words, with a
way back; 500 renders without a request. With DEBUG off, as in production."""

from __future__ import annotations

import pytest
from django.template.loader import get_template
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ERRORS = {
    "/boom/400/": (400, "Something in that request was not right"),
    "/boom/403/": (403, "You cannot open this page"),
    "/no-such-page/": (404, "We cannot find that page"),
    "/boom/500/": (500, "Sorry, something went wrong on our side"),
}


@pytest.fixture
def client_no_raise():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ERRORS)
@override_settings(DEBUG=False, ROOT_URLCONF="tests.site.error_urls")
def test_each_error_page_is_styled_and_offers_a_way_back(client_no_raise, path):
    status, title = ERRORS[path]
    response = client_no_raise.get(path, HTTP_REFERER="http://testserver/c/somewhere/")
    body = response.content.decode()
    assert response.status_code == status
    assert title in body
    assert 'name="viewport"' in body and "site.css" in body  # the base layout, phone-sized
    assert f'href="{reverse("home")}"' in body  # the start page
    if status != 500:  # 500 has no request: no "previous page", only the start page
        assert 'href="http://testserver/c/somewhere/"' in body
    assert "a test" not in body  # never the exception's own words


@override_settings(DEBUG=False, ROOT_URLCONF="tests.site.error_urls")
def test_the_back_link_never_points_at_another_site(client_no_raise):
    body = client_no_raise.get("/no-such-page/", HTTP_REFERER="https://evil.example/x").content
    assert b"evil.example" not in body


def test_the_500_page_renders_without_a_request():
    html = get_template("500.html").render({})
    assert "Sorry, something went wrong on our side" in html and "Go to the start page" in html


def test_a_staff_page_refused_to_a_resident_is_the_styled_403(cast, client_no_raise):
    client_no_raise.force_login(cast.user("resident"))
    with override_settings(DEBUG=False):
        response = client_no_raise.get(reverse("member_list", args=[cast.community.slug]))
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


def test_the_429_and_413_pages_have_a_way_back(rf):
    from kampung.limits import too_large_response
    from kampung.ratelimits import RateLimited, too_many_page

    request = rf.get("/", HTTP_REFERER="http://testserver/c/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    for response in (
        too_many_page(request, RateLimited(retry_after=60)),
        too_large_response(request),
    ):
        body = response.content.decode()
        assert "Go to the start page" in body and 'href="http://testserver/c/x/"' in body
