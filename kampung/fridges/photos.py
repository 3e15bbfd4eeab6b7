"""A report's photo: only a real image (decoded by Pillow, not trusted by its name or
type), at most 5 MB as sent, re-encoded as a JPEG at most 1280 px on its longest side
with no metadata at all (EXIF, GPS, comments, colour profiles), so a photo taken by a
phone at the fridge never says where the person lives or which phone they have."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kampung.errors import Invalid

MAX_BYTES = 5 * 1024 * 1024
LONGEST_SIDE = 1280
MAX_PIXELS = 40_000_000  # refuses decompression bombs before decoding them
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


def clean_photo(upload, field: str = "photo") -> bytes:
    """The upload as a small, metadata-free JPEG, or Invalid naming `field`."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise Invalid({field: _("The photo is too large: send one of at most 5 MB.")})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Invalid({field: _("The photo is too large: send one of at most 5 MB.")})
    not_an_image = Invalid({field: _("That file is not a photo: choose a JPEG or PNG picture.")})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise not_an_image
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid({field: _("That picture is too big to read: take a smaller one.")})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)  # keep it upright, then drop the EXIF
            image = image.convert("RGB")
            image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            # A fresh image holds pixels only: nothing of the original's info is copied.
            clean = Image.new("RGB", image.size)
            clean.paste(image)
            out = io.BytesIO()
            clean.save(out, "JPEG", quality=82, optimize=True)
            return out.getvalue()
    except Invalid:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise not_an_image from None
