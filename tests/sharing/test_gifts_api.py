"""The API, as an integration would use it: a bearer token (no CSRF) and the site's
cookie (CSRF enforced), multipart photos, and refusals in the one error body."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from kampung.people.actions import create_api_token
from kampung.sharing.models import Listing

from ..conftest import csrf_token_from
from .conftest import jpeg_bytes, upload


@pytest.fixture
def bearer(cast):
    def _bearer(role):
        _token, secret = create_api_token(user=cast.user(role), name="t")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return _bearer


def base(cast):
    return f"/api/v1/communities/{cast.community.slug}/gifts"


def test_list_search_ask_choose_collect_through_the_api(cast, csrf_client, bearer):
    rosnah, vijay = bearer("resident"), bearer("volunteer")
    created = csrf_client.post(
        base(cast),
        {
            "title": "Bookshelf",
            "category": "furniture",
            "pickup_area": "Blk 130 Seri Mawar",
            "photos": [upload(jpeg_bytes(gps=True))],
        },
        **rosnah,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["giver_name"] == "Rosnah" and len(body["photos"]) == 1
    photo = csrf_client.get(body["photos"][0]["url"], **vijay)
    image = Image.open(io.BytesIO(b"".join(photo.streaming_content)))
    assert dict(image.getexif()) == {}
    found = csrf_client.get(base(cast), {"q": "bookshelf", "category": "furniture"}, **vijay)
    assert [item["id"] for item in found.json()["items"]] == [body["id"]]
    asked = csrf_client.post(
        f"{base(cast)}/{body['id']}/requests",
        {"message": "Could I?", "shares": "email"},
        content_type="application/json",
        **vijay,
    )
    assert asked.status_code == 201
    waiting = csrf_client.get(f"{base(cast)}/{body['id']}/requests", **rosnah).json()
    assert [r["name"] for r in waiting] == ["Vijay"]
    assert csrf_client.get(f"{base(cast)}/{body['id']}/requests", **vijay).status_code == 403
    chosen = csrf_client.post(
        f"{base(cast)}/{body['id']}/choose",
        {"request_id": asked.json()["id"], "shares": "email"},
        content_type="application/json",
        **rosnah,
    )
    assert chosen.status_code == 200
    assert chosen.json()["contacts"][0]["email"] == cast.user("volunteer").email
    seen = csrf_client.get(f"{base(cast)}/{body['id']}", **vijay).json()
    assert seen["contacts"][0]["name"] == "Rosnah"
    again = csrf_client.post(
        f"{base(cast)}/{body['id']}/choose",
        {"request_id": asked.json()["id"]},
        content_type="application/json",
        **rosnah,
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    done = csrf_client.post(f"{base(cast)}/{body['id']}/collected", **rosnah)
    assert done.json()["listing"]["status"] == "collected"
    mine = csrf_client.get(f"{base(cast)}/requests/mine", **vijay).json()["items"]
    assert mine[0]["status"] == "collected"


def test_bad_input_is_refused_in_the_one_error_body_and_nothing_is_stored(
    cast, csrf_client, bearer
):
    rosnah = bearer("resident")
    before = Listing.objects.count()
    not_a_photo = csrf_client.post(
        base(cast),
        {"title": "Lamp", "category": "other", "pickup_area": "Mawar", "photos": [upload(b"no")]},
        **rosnah,
    )
    assert not_a_photo.status_code == 422
    assert "not a photo" in not_a_photo.json()["error"]["fields"]["photos"][0]
    past = csrf_client.post(
        base(cast),
        {
            "title": "Lamp",
            "category": "other",
            "pickup_area": "Mawar",
            "available_until": "2020-01-01",
        },
        **rosnah,
    )
    assert past.status_code == 422 and "available_until" in past.json()["error"]["fields"]
    assert Listing.objects.count() == before


def test_a_write_with_the_cookie_needs_the_csrf_token(cast, csrf_client, gift):
    csrf_client.force_login(cast.user("volunteer"))
    url = f"{base(cast)}/{gift.pk}/requests"
    refused = csrf_client.post(url, {}, content_type="application/json")
    assert refused.status_code == 403
    token = csrf_token_from(csrf_client, f"/c/{cast.community.slug}/gifts/")
    ok = csrf_client.post(url, {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201


def test_the_other_community_cannot_see_an_item(cast, csrf_client, bearer, gift):
    outsider = bearer("outsider")
    assert csrf_client.get(f"{base(cast)}/{gift.pk}", **outsider).status_code == 404
    other = f"/api/v1/communities/{cast.other.slug}/gifts/{gift.pk}"
    assert csrf_client.get(other, **outsider).status_code == 404
