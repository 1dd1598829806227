"""Photos are re-encoded before they are stored: no EXIF or GPS, upright, capped in size."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine

from bot.service.intake import IntakeService
from bot.service.photos import LONG_SIDE, Mime, clean
from bot.terminal.console import run_console
from flows.schema import Field, Flow, Kind, Section
from tests import images
from tests import test_telegram_app as tg
from tests.conftest import NOW, ZONE

# A flow whose first question is the photo, so each adapter's test sends it straight away.
PHOTO_ONLY = Flow(
    id="photo_only",
    version="1",
    title="Photo",
    sections=(Section("photos", "Photos", (Field("photo", Kind.PHOTO, "Send a photo."),)),),
)


def opened(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def assert_bare(content: bytes) -> None:
    """The stored bytes hold no EXIF, GPS, serial number or comment."""
    image = opened(content)
    assert len(image.getexif()) == 0 and image.getexif().get_ifd(0x8825) == {}
    assert not {"exif", "comment", "icc_profile", "xmp"} & set(image.info)
    assert images.CAMERA.encode() not in content and b"ZZCANARY-COMMENT" not in content
    assert b"Exif" not in content and struct.pack(">d", images.LATITUDE[2]) not in content


def test_a_phone_photo_loses_its_gps_and_is_turned_upright_and_capped() -> None:
    original = images.phone_jpeg()
    assert opened(original).getexif().get_ifd(0x8825)  # the GPS really is in the input
    photo = clean(original)
    assert photo is not None and photo.mime is Mime.JPEG
    assert_bare(photo.content)
    upright = opened(photo.content)
    # Stored 3000x1000 sideways (orientation 6): shown 1000x3000, capped at 2048 on the long side.
    assert upright.size == (683, LONG_SIDE)
    red, _, _ = upright.convert("RGB").getpixel((upright.width // 2, 10))  # type: ignore[misc]
    assert red > 200  # the band along the stored left edge is now along the top


def test_a_small_upright_photo_keeps_its_size() -> None:
    photo = clean(images.phone_jpeg((640, 480), orientation=1))
    assert photo is not None and opened(photo.content).size == (640, 480)
    assert_bare(photo.content)


def test_a_transparent_png_stays_a_png_with_its_alpha_and_a_webp_becomes_a_jpeg() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (5, 5), (0, 0, 0, 0)).save(out, "PNG")
    photo = clean(out.getvalue())
    assert photo is not None and photo.mime is Mime.PNG and opened(photo.content).mode == "RGBA"
    webp = io.BytesIO()
    Image.new("RGB", (5, 5), "blue").save(webp, "WEBP")
    again = clean(webp.getvalue())
    assert again is not None and again.mime is Mime.JPEG


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7 not an image",
        b"\xff\xd8\xff\xe0" + b"0" * 32,  # a JPEG's first bytes and nothing a decoder can read
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        images.phone_jpeg((300, 200))[:200],  # cut short
        b"",
    ],
    ids=["pdf", "jpeg-magic-only", "png-magic-only", "truncated", "empty"],
)
def test_bytes_that_pillow_cannot_decode_are_not_a_photo(content: bytes) -> None:
    assert clean(content) is None


def test_a_gif_or_tiff_is_not_a_photo_we_take() -> None:
    for kind in ("GIF", "TIFF"):
        out = io.BytesIO()
        Image.new("RGB", (4, 4), "red").save(out, kind)
        assert clean(out.getvalue()) is None


async def test_a_photo_sent_in_telegram_is_stored_without_its_gps(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tg, "PNG", images.phone_jpeg())  # what the download returns
    async for chat in tg._chat(engine, PHOTO_ONLY):
        await chat.send("/start")
        await chat.photo("p1")
        (stored,) = chat.service.photos(1)
        assert_bare(stored)
        assert opened(stored).size == (683, LONG_SIDE)


def test_a_photo_given_by_path_in_the_terminal_is_stored_without_its_gps(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(images.phone_jpeg())
    service = IntakeService(flow=PHOTO_ONLY, engine=engine, clock=lambda: NOW, zone=ZONE)
    screen = io.StringIO()
    run_console(service, worker="console:ana", stdin=io.StringIO(f"{path}\n"), stdout=screen)
    assert "✗" not in screen.getvalue()
    (stored,) = service.photos(1)
    assert_bare(stored)
