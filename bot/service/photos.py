"""Decides with Pillow what is an image, and re-encodes each photo before it is stored.

A phone photo's EXIF often holds the GPS position of the placement it was taken at, the camera's
serial number and the time; none of it is needed to find the child, so the stored copy is rebuilt
from its pixels alone: upright, at most ``LONG_SIDE`` pixels on its long side, without metadata.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageOps, UnidentifiedImageError


class Mime(StrEnum):
    """The types a stored photo is written as."""

    JPEG = "image/jpeg"
    PNG = "image/png"


# The formats accepted from a worker; anything else (a renamed PDF, an SVG, a TIFF) is refused.
ACCEPTED = frozenset({"JPEG", "PNG", "WEBP"})
LONG_SIDE = 2048  # enough to recognise a face in print; a 12 MP original is ~6x the bytes
JPEG_QUALITY = 88
# Twice Pillow's bomb limit is already an error; refusing from the warning on keeps memory bounded.
MAX_PIXELS = 60_000_000


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A re-encoded photo: its bytes and their type."""

    content: bytes
    mime: Mime


def clean(content: bytes) -> Cleaned | None:
    """Returns the photo re-encoded bare, upright and capped, or None if it is not an image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format not in ACCEPTED or image.width * image.height > MAX_PIXELS:
                    return None
                image.load()
                return _encode(image)
    except (UnidentifiedImageError, Image.DecompressionBombWarning, OSError, ValueError):
        # OSError covers truncated and corrupt files, ValueError a broken EXIF orientation.
        return None


def _encode(image: Image.Image) -> Cleaned:
    upright = ImageOps.exif_transpose(image)
    alpha = upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info
    mode = "RGBA" if alpha else "RGB"
    converted = upright.convert(mode)
    # A new image from the raw pixels carries no info dict: no EXIF, XMP, ICC, comments or text.
    bare = Image.frombytes(mode, converted.size, converted.tobytes())
    bare.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if alpha:
        bare.save(out, format="PNG", optimize=True)
        return Cleaned(out.getvalue(), Mime.PNG)
    bare.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return Cleaned(out.getvalue(), Mime.JPEG)
