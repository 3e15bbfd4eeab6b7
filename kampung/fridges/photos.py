"""A report's photo, cleaned by the site's one photo cleaner (kampung/photos.py): only a
real image (decoded, not trusted by its name or type), at most 5 MB as sent, re-encoded
as a JPEG at most 1280 px on its longest side with no metadata at all (EXIF, GPS,
comments, colour profiles), so a photo taken at the fridge never says where the person
lives or which phone they have. This module only reads the upload and names the field."""

from __future__ import annotations

from kampung import photos
from kampung.errors import Invalid

MAX_BYTES = photos.MAX_BYTES
LONGEST_SIDE = 1280


def clean_photo(upload, field: str = "photo") -> bytes:
    """The upload as a small, metadata-free JPEG, or Invalid naming `field`."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise Invalid({field: "The photo is too large: send one of at most 5 MB."})
    data = upload.read(MAX_BYTES + 1)
    try:
        cleaned, _width, _height = photos.clean_photo(data, longest_side=LONGEST_SIDE)
    except photos.PhotoRefused as exc:
        raise Invalid({field: str(exc)}) from None
    return cleaned
