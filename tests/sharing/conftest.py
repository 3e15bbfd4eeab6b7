"""Gift and take's fixtures: photos built with Pillow (one with GPS in its EXIF), a
media folder of each test's own, and an item Rosnah (the resident) gives."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image


def jpeg_bytes(size=(2400, 1200), *, gps: bool = False, colour="red") -> bytes:
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info.update({1: "N", 2: (1.0, 21.0, 10.0), 3: "E", 4: (103.0, 56.0, 38.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"home of the giver")
    return out.getvalue()


def upload(data: bytes | None = None, name: str = "item.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(), content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def gift(cast):
    """An item the resident gives, nobody has asked for yet."""
    from kampung.sharing import actions

    return actions.list_item(
        by=cast.user("resident"),
        community=cast.community,
        title="Dining chairs (pair)",
        category="furniture",
        pickup_area="Blk 125 Seri Mawar",
    )


@pytest.fixture
def asker(cast):
    """A second member with a login who asks for things (not the demo volunteer)."""
    from kampung.people.models import Member, User

    user = User.objects.create_user("asker@example.test", "pw-asker-123", display_name="Lim")
    Member.objects.create(
        community=cast.community, user=user, display_name="Lim", phone="+65 9000 1111"
    )
    return user
