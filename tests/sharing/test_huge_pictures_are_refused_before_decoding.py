"""A small file that opens into a huge picture (a near-limit "bomb": 9000 x 9000, just
under Pillow's own limit) is refused from its header, before it is decoded; an ordinary
large phone photo still works, decoded at a reduced scale, and loses its GPS position."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, ImageFile

from kampung.photos import LONGEST_SIDE, MAX_PIXELS, PhotoRefused, clean_photo

from .conftest import jpeg_bytes


def _png(size) -> bytes:
    out = io.BytesIO()
    Image.new("1", size, 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def test_a_9000_by_9000_png_is_refused_in_plain_words():
    bomb = _png((9000, 9000))
    assert len(bomb) < 5 * 1024 * 1024
    assert 9000 * 9000 > MAX_PIXELS and 9000 * 9000 < Image.MAX_IMAGE_PIXELS
    with pytest.raises(PhotoRefused, match="too big to open"):
        clean_photo(bomb)


def test_the_huge_picture_is_never_decoded(monkeypatch):
    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the picture was decoded")

    bomb = _png((9000, 9000))
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(PhotoRefused, match="too big to open"):
        clean_photo(bomb)


def test_a_4000_by_3000_phone_photo_still_works_shrunk_and_without_gps():
    original = jpeg_bytes((4000, 3000), gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    data, width, height = clean_photo(original)
    image = Image.open(io.BytesIO(data))
    assert image.size == (width, height) == (1600, 1200)
    assert max(image.size) <= LONGEST_SIDE
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"PhoneMaker" not in data


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    asked = []
    draft = Image.Image.draft

    def spy(self, mode, size):
        asked.append(size)
        return draft(self, mode, size)

    from PIL import JpegImagePlugin

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    clean_photo(jpeg_bytes((4000, 3000)))
    assert asked == [(1600, 1200)]
