"""Listing an item on the page: the form with photos, and bad input refused with a
message at the field and nothing stored."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from kampung.sharing.models import Listing

from .conftest import upload


def _post(client, cast, **fields):
    data = {
        "title": "Baby cot",
        "category": "baby",
        "condition": "good",
        "pickup_area": "Blk 120 Seri Mawar",
        **fields,
    }
    return client.post(reverse("gift_create", args=[cast.community.slug]), data)


def test_a_member_lists_an_item_with_a_photo(cast, client):
    client.force_login(cast.user("resident"))
    response = _post(client, cast, photos=[upload()])
    listing = Listing.objects.get(title="Baby cot")
    assert response.status_code == 302
    assert response.url == reverse("gift_detail", args=[cast.community.slug, listing.pk])
    assert listing.giver == cast.members["resident"]
    local_today = timezone.localdate(timezone.now(), ZoneInfo(cast.community.timezone))
    assert listing.available_until == local_today + dt.timedelta(days=14)
    assert listing.photos.count() == 1
    page = client.get(response.url).content.decode()
    assert "Baby cot" in page and listing.photos.get().key in page


def test_a_day_in_the_past_is_refused_at_its_field(cast, client):
    client.force_login(cast.user("resident"))
    yesterday = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    response = _post(client, cast, available_until=yesterday)
    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot be in the past" in page and "error-summary" in page
    assert not Listing.objects.filter(title="Baby cot").exists()


def test_a_price_is_refused(cast, client):
    client.force_login(cast.user("resident"))
    response = _post(client, cast, title="Baby cot $20")
    assert "leave out any price" in response.content.decode()
    assert not Listing.objects.filter(title__startswith="Baby cot").exists()


def test_a_file_that_is_not_a_picture_is_refused_on_the_page(cast, client):
    client.force_login(cast.user("resident"))
    response = _post(client, cast, photos=[upload(b"hello", name="cot.png")])
    assert "not a photo" in response.content.decode()
    assert not Listing.objects.filter(title="Baby cot").exists()


def test_five_photos_are_refused(cast, client):
    client.force_login(cast.user("resident"))
    response = _post(client, cast, photos=[upload() for _ in range(5)])
    assert "At most 4 photos" in response.content.decode()
    assert not Listing.objects.filter(title="Baby cot").exists()


def test_the_list_finds_items_by_words_kind_and_area(cast, client, gift):
    client.force_login(cast.user("volunteer"))
    url = reverse("gift_list", args=[cast.community.slug])
    assert "Dining chairs" in client.get(url, {"q": "chairs"}).content.decode()
    found = client.get(url, {"category": "furniture", "area": "blk 125"})
    assert "Dining chairs" in found.content.decode()
    assert "Dining chairs" not in client.get(url, {"category": "books"}).content.decode()
    assert "Dining chairs" not in client.get(url, {"area": "Woking"}).content.decode()


def test_the_analyst_and_the_outsider_see_no_listings(cast, client, gift):
    url = reverse("gift_list", args=[cast.community.slug])
    client.force_login(cast.user("analyst"))
    assert client.get(url).status_code == 403
    client.force_login(cast.user("outsider"))
    assert client.get(url).status_code == 404
