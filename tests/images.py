"""Images made with Pillow for the photo tests: a plain PNG and a phone-like JPEG with GPS EXIF."""

from __future__ import annotations

import io

from PIL import ExifTags, Image

# Where the placement is, in the EXIF's degrees, minutes and seconds; none of it may be stored.
LATITUDE = (39.0, 45.0, 31.5)
LONGITUDE = (84.0, 11.0, 27.25)
CAMERA = "ZZCANARY-CAMERA-SERIAL-44"


def png(size: tuple[int, int] = (4, 3), color: str = "teal") -> bytes:
    """Returns a small valid RGB PNG."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def phone_jpeg(size: tuple[int, int] = (3000, 1000), orientation: int = 6) -> bytes:
    """Returns a JPEG as a phone writes it: stored sideways, with orientation, GPS and serial."""
    image = Image.new("RGB", size, "white")
    image.paste("red", (0, 0, size[0] // 10, size[1]))  # a red band on the stored left edge
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.BodySerialNumber] = CAMERA
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: LONGITUDE,
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"ZZCANARY-COMMENT")
    return out.getvalue()
