"""Photos people send (a gift's, a fridge report's), made safe before they are stored.
The one photo cleaner every app uses (Pillow only, no Django):

- only real pictures: the bytes are decoded (their name and stated type are ignored);
- at most 5 MB as sent, and never a "decompression bomb" (a small file that opens
  into a huge picture): the width x height stated in the file's header is checked
  against MAX_PIXELS (40 million, far below Pillow's own MAX_IMAGE_PIXELS, which is
  checked too) before any pixel is decoded, refused in plain words;
- a JPEG is decoded at a reduced scale (Pillow's draft mode) when it is much larger
  than needed, so a big phone photo costs a fraction of the time and memory;
- shrunk so the longer side is at most `longest_side` pixels (1,600 by default),
  turned upright (EXIF orientation), and re-encoded as a fresh JPEG from the pixels
  alone, so no metadata (EXIF with its GPS position, XMP, IPTC, ICC profile, comments)
  survives."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
LONGEST_SIDE = 1600
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}
# A 48-megapixel phone photo is about 8000 x 6000; 40 million pixels leaves room for
# ordinary photos while refusing the near-limit "bombs" (9000 x 9000 cost seconds).
MAX_PIXELS = 40_000_000
TOO_MANY_PIXELS = "This picture is far too big to open (too many pixels): choose a smaller photo."


class PhotoRefused(ValueError):
    """The file cannot be a photo; the message says why, in plain words."""


def fit_within(width: int, height: int, longest: int) -> tuple[int, int]:
    """The size of a `width` x `height` picture shrunk (never enlarged) so that its
    longer side is at most `longest`, keeping its shape; each side at least 1."""
    if width <= 0 or height <= 0:
        raise ValueError("a picture has a positive size")
    side = max(width, height)
    if side <= longest:
        return width, height
    scale = longest / side
    return max(1, round(width * scale)), max(1, round(height * scale))


def clean_photo(data: bytes, *, longest_side: int = LONGEST_SIDE) -> tuple[bytes, int, int]:
    """The photo as a metadata-free JPEG, with its width and height."""
    if len(data) > MAX_BYTES:
        raise PhotoRefused("This photo is too large: choose one of at most 5 MB.")
    if not data:
        raise PhotoRefused("This file is empty: choose a photo.")
    try:
        with warnings.catch_warnings():
            # A picture above MAX_IMAGE_PIXELS but under twice it only warns: refuse it too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise PhotoRefused("This file is not a photo: choose a JPEG or PNG picture.")
                width, height = probe.size
                # From the header alone, before a single pixel is decoded.
                if width <= 0 or height <= 0:
                    raise PhotoRefused("This file is not a photo: choose a JPEG or PNG picture.")
                if width * height > MAX_PIXELS:
                    raise PhotoRefused(TOO_MANY_PIXELS)
                probe.verify()
            with Image.open(io.BytesIO(data)) as picture:
                if picture.format in {"JPEG", "MPO"}:
                    # Decode at 1/2, 1/4 or 1/8 scale while still at least the size kept.
                    picture.draft("RGB", fit_within(width, height, longest_side))
                picture.load()
                upright = ImageOps.exif_transpose(picture) or picture
                rgb = upright.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRefused(TOO_MANY_PIXELS) from exc
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoRefused("This file is not a photo: choose a JPEG or PNG picture.") from exc
    size = fit_within(rgb.width, rgb.height, longest_side)
    if size != rgb.size:
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    # A fresh image from the pixels alone: nothing of the original's info dict comes along.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), clean.width, clean.height
