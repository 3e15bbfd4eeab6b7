"""Anyone with the fridge's link (its QR poster) reports in a few taps, without an
account; the map's state changes; bad input is refused naming the field, and nothing
is stored."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kampung.fridges.models import Fridge, Report


def _url(fridge):
    return reverse("fridge_public", args=[fridge.community.slug, fridge.token])


def test_a_report_without_an_account_changes_the_fridges_state(client, fridge):
    before = Report.objects.count()
    response = client.post(_url(fridge), {"fill": "0", "condition": "needs_cleaning"})
    assert response.status_code == 302
    fridge.refresh_from_db()
    assert fridge.fill == 0 and fridge.condition == "needs_cleaning"
    report = Report.objects.latest("created_at")
    assert Report.objects.count() == before + 1
    assert report.member is None  # an anonymous reporter leaves nothing about themselves
    page = client.get(_url(fridge)).content.decode()
    assert "Empty" in page and "fill-0" in page


def test_a_wrong_token_or_another_communitys_slug_is_not_found(client, fridge, cast):
    guessed = reverse("fridge_public", args=[cast.community.slug, "guess"])
    assert client.get(guessed).status_code == 404
    other = reverse("fridge_public", args=[cast.other.slug, fridge.token])
    assert client.get(other).status_code == 404


def test_a_temperature_outside_minus_30_to_40_is_refused_and_nothing_stored(client, fridge):
    before = Report.objects.count()
    response = client.post(_url(fridge), {"fill": "2", "condition": "fine", "temperature_c": "55"})
    assert response.status_code == 200
    assert "between -30 and 40" in response.context["form"].errors["temperature_c"][0]
    assert Report.objects.count() == before
    assert "Please check the form" in response.content.decode()


def test_a_report_without_a_fill_level_names_the_field(client, fridge):
    response = client.post(_url(fridge), {"condition": "fine"})
    assert "fill" in response.context["form"].errors


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (3000, 2000), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = {1: "N", 2: (1.0, 21.0, 0.0), 3: "E", 4: (103.0, 50.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert b"PhoneMaker" in data
    return data


def test_a_photo_is_resized_and_stripped_of_its_metadata_and_place(client, fridge):
    photo = SimpleUploadedFile("fridge.jpg", _jpeg_with_gps(), "image/jpeg")
    response = client.post(_url(fridge), {"fill": "3", "condition": "fine", "photo": photo})
    assert response.status_code == 302
    stored = bytes(Report.objects.latest("created_at").photo)
    assert b"PhoneMaker" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) <= 1280
        assert not image.getexif()
        assert "exif" not in image.info


def test_a_file_that_is_not_an_image_is_refused_and_nothing_stored(client, fridge):
    before = Report.objects.count()
    fake = SimpleUploadedFile("fridge.jpg", b"%PDF-1.4 not a picture", "image/jpeg")
    response = client.post(_url(fridge), {"fill": "3", "condition": "fine", "photo": fake})
    assert response.status_code == 200
    assert "not a photo" in response.context["form"].errors["photo"][0]
    assert Report.objects.count() == before


def test_a_photo_over_5_mb_is_refused(client, fridge, settings):
    settings.KAMPUNG_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10), "image/jpeg")
    before = Report.objects.count()
    response = client.post(_url(fridge), {"fill": "3", "condition": "fine", "photo": big})
    assert response.status_code in (200, 413)
    if response.status_code == 200:
        assert "at most 5 MB" in response.context["form"].errors["photo"][0]
    assert Report.objects.count() == before


def test_anonymous_reports_are_rate_limited(client, fridge, settings):
    settings.KAMPUNG_RATE_FRIDGE_REPORTS_PER_IP = "3/10m"
    for _ in range(3):
        assert client.post(_url(fridge), {"fill": "1", "condition": "fine"}).status_code == 302
    response = client.post(_url(fridge), {"fill": "1", "condition": "fine"})
    assert response.status_code == 429
    assert Fridge.objects.get(pk=fridge.pk).fill == 1
