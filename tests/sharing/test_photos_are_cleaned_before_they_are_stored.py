"""Photos: only real pictures, at most 5 MB, never a decompression bomb, shrunk to
1,600 px and stored with no metadata at all (the GPS position above all)."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from PIL import ExifTags, Image

from kampung.errors import Invalid
from kampung.photos import PhotoRefused, clean_photo
from kampung.sharing import actions
from kampung.sharing.models import Listing, Photo

from .conftest import jpeg_bytes, upload


def _list(cast, photos):
    return actions.list_item(
        by=cast.user("resident"),
        community=cast.community,
        title="Kettle",
        category="kitchen",
        pickup_area="Mawar Gardens",
        photos=photos,
    )


def test_the_stored_photo_has_no_gps_and_no_metadata(cast):
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    listing = _list(cast, [upload(original)])
    photo = listing.photos.get()
    with default_storage.open(photo.file.name, "rb") as handle:
        stored = handle.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & set(image.info)
    assert b"home of the giver" not in stored and b"PhoneMaker" not in stored
    # Shrunk to 1,600 px on the longer side, shape kept.
    assert (photo.width, photo.height) == (1600, 800) == image.size


def test_the_stored_name_is_random_not_the_uploaded_one(cast):
    listing = _list(cast, [upload(name="rosnah-at-home.jpg"), upload(name="b.jpg")])
    names = [p.file.name for p in listing.photos.all()]
    assert all(n.startswith("gifts/") and "rosnah" not in n for n in names)
    assert len({p.key for p in listing.photos.all()}) == 2
    assert all(len(p.key) >= 30 for p in listing.photos.all())


def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_stored(cast, media):
    before = Listing.objects.count(), Photo.objects.count()
    files = set(media.rglob("*"))  # whatever is stored already (the demo's photos, or none)
    with pytest.raises(Invalid) as refused:
        _list(cast, [upload(), upload(b"%PDF-1.4 not a picture", name="photo.jpg")])
    assert "not a photo" in refused.value.fields["photos"][0]
    assert (Listing.objects.count(), Photo.objects.count()) == before
    assert set(media.rglob("*")) == files


def test_a_photo_over_5_mb_is_refused(cast):
    with pytest.raises(Invalid) as refused:
        _list(cast, [upload(b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 1))])
    assert "5 MB" in refused.value.fields["photos"][0]


def test_a_decompression_bomb_is_refused_in_plain_words(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(PhotoRefused, match="too big to open"):
        clean_photo(jpeg_bytes((200, 100)))  # 20,000 pixels: over twice the limit
    with pytest.raises(PhotoRefused, match="too big to open"):
        clean_photo(jpeg_bytes((40, 40)))  # 1,600: over the limit, a warning made an error


def test_a_fifth_photo_is_refused(cast, gift):
    actions.add_photos(by=cast.user("resident"), listing=gift, photos=[upload() for _ in range(4)])
    with pytest.raises(Invalid) as refused:
        actions.add_photos(by=cast.user("resident"), listing=gift, photos=[upload()])
    assert "At most 4" in refused.value.fields["photos"][0]
    assert gift.photos.count() == 4
