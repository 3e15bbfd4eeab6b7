"""A photo's address is random and checked: only people who may see the listing get it,
never through a public media address."""

from __future__ import annotations

from django.urls import reverse

from kampung.sharing import actions

from .conftest import upload


def test_a_member_gets_the_photo_others_do_not(cast, client, gift):
    actions.add_photos(by=cast.user("resident"), listing=gift, photos=[upload()])
    photo = gift.photos.get()
    url = reverse("gift_photo", args=[cast.community.slug, gift.pk, photo.key])
    client.force_login(cast.user("volunteer"))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(cast.user("outsider"))
    assert client.get(url).status_code == 404
    client.force_login(cast.user("analyst"))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert client.get(f"/media/{photo.file.name}").status_code == 404


def test_a_guessed_name_finds_nothing(cast, client, gift):
    client.force_login(cast.user("volunteer"))
    url = reverse("gift_photo", args=[cast.community.slug, gift.pk, "a" * 32])
    assert client.get(url).status_code == 404


def test_a_collected_items_photos_are_for_its_two_sides_only(cast, client, gift):
    actions.add_photos(by=cast.user("resident"), listing=gift, photos=[upload()])
    request = actions.ask_for_item(by=cast.user("volunteer"), listing=gift)
    actions.choose_receiver(by=cast.user("resident"), listing=gift, request=request)
    url = reverse("gift_photo", args=[cast.community.slug, gift.pk, gift.photos.get().key])
    client.force_login(cast.user("partner"))
    assert client.get(url).status_code == 404
    client.force_login(cast.user("volunteer"))
    assert client.get(url).status_code == 200
