"""Organisation logos: real images made with Pillow in memory, never files on disk."""

from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

from organisations.logos import (
    LOGO_MAX_BYTES,
    NOT_AN_IMAGE,
    TOO_LARGE_FILE,
    TOO_MANY_PIXELS,
    logo_prepare,
)


def _upload(
    image: Image.Image, fmt: str, name: str = "logo", **save_options: object
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save_options)
    return SimpleUploadedFile(name, buffer.getvalue())


def _open_result(upload: SimpleUploadedFile) -> Image.Image:
    result = logo_prepare(upload=upload)
    image = Image.open(io.BytesIO(result.read()))
    image.load()
    return image


def _message(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return error.value.messages[0]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims the given size, with almost no image data behind it."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00"))
        + _png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_accepted_types_become_png_within_400_pixels(fmt: str) -> None:
    """PNG, JPEG and WebP logos are stored as PNG, shrunk to fit 400 by 400, shape kept."""
    upload = _upload(Image.new("RGB", (1200, 600), "navy"), fmt, name=f"Lewisham Logo.{fmt}")
    result = logo_prepare(upload=upload)
    assert result.name == "lewisham-logo.png"
    image = Image.open(io.BytesIO(result.read()))
    assert image.format == "PNG"
    assert image.size == (400, 200)


def test_tall_logo_keeps_its_shape() -> None:
    """A tall logo fits the box by its height."""
    image = _open_result(_upload(Image.new("RGB", (300, 900), "white"), "PNG"))
    assert image.size == (133, 400)


def test_small_logo_is_not_enlarged() -> None:
    """A logo already inside the box keeps its size."""
    image = _open_result(_upload(Image.new("RGB", (120, 60), "white"), "PNG"))
    assert image.size == (120, 60)


def test_type_comes_from_the_content_not_the_name() -> None:
    """A JPEG named .png, and a PNG named .jpg, are both read for what they are."""
    jpeg = _upload(Image.new("RGB", (50, 50), "red"), "JPEG", name="logo.png")
    png = _upload(Image.new("RGB", (50, 50), "red"), "PNG", name="logo.jpg")
    assert _open_result(jpeg).format == "PNG"
    assert _open_result(png).format == "PNG"


def test_text_file_named_like_an_image_is_refused() -> None:
    """A file that is not an image is refused whatever its name says."""
    upload = SimpleUploadedFile("logo.png", b"<svg onload='alert(1)'></svg>")
    with pytest.raises(ValidationError) as error:
        logo_prepare(upload=upload)
    assert _message(error) == NOT_AN_IMAGE


@pytest.mark.parametrize(("fmt", "shown"), [("GIF", "GIF"), ("BMP", "BMP"), ("TIFF", "TIFF")])
def test_other_image_types_are_refused_by_name(fmt: str, shown: str) -> None:
    """Real images of other types are refused, saying what the file is."""
    upload = _upload(Image.new("RGB", (40, 40), "green"), fmt, name="logo.png")
    with pytest.raises(ValidationError) as error:
        logo_prepare(upload=upload)
    assert _message(error) == f"The logo must be a PNG, JPEG or WebP image, not {shown}."


def test_file_over_2_mb_is_refused() -> None:
    """A logo file larger than 2 MB is refused before it is opened."""
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(1000 * 1000 * 3))
    upload = _upload(noise, "PNG")
    assert (upload.size or 0) > LOGO_MAX_BYTES
    with pytest.raises(ValidationError) as error:
        logo_prepare(upload=upload)
    assert _message(error) == TOO_LARGE_FILE


def test_small_file_with_too_many_pixels_is_refused() -> None:
    """A small file that decodes to a huge picture is refused before it is decoded."""
    upload = _upload(Image.new("1", (6000, 5000)), "PNG")
    assert (upload.size or 0) < LOGO_MAX_BYTES
    with pytest.raises(ValidationError) as error:
        logo_prepare(upload=upload)
    assert _message(error) == TOO_MANY_PIXELS


@pytest.mark.parametrize("size", [(10_000, 10_000), (100_000, 100_000)])
def test_decompression_bomb_header_is_refused(size: tuple[int, int]) -> None:
    """Claimed sizes past Pillow's own warning and error limits get the same plain message."""
    upload = SimpleUploadedFile("bomb.png", _png_header_only(*size))
    with pytest.raises(ValidationError) as error:
        logo_prepare(upload=upload)
    assert _message(error) == TOO_MANY_PIXELS


def test_truncated_image_is_refused_as_damaged() -> None:
    """A file cut short says it is damaged, not that something went wrong."""
    whole = _upload(Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3)), "PNG").read()
    upload = SimpleUploadedFile("logo.png", whole[: len(whole) // 2])
    with pytest.raises(ValidationError) as error:
        logo_prepare(upload=upload)
    assert "damaged or incomplete" in _message(error)


def test_metadata_is_removed() -> None:
    """EXIF (camera, GPS), PNG text and ICC profiles in the upload are not kept."""
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x8825] = {1: "N"}  # GPS information
    jpeg = _upload(
        Image.new("RGB", (80, 80), "blue"),
        "JPEG",
        exif=exif,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "Taken at 12 Example Road")
    png = _upload(Image.new("RGB", (80, 80), "blue"), "PNG", pnginfo=text)

    for upload in (jpeg, png):
        image = _open_result(upload)
        assert not image.getexif()
        assert "icc_profile" not in image.info
        assert "exif" not in image.info
        assert "Comment" not in image.info


def test_photo_orientation_is_applied_before_exif_is_removed() -> None:
    """A phone photo marked "rotate 90°" stays upright once its EXIF is gone."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    image = _open_result(_upload(Image.new("RGB", (400, 200), "white"), "JPEG", exif=exif))
    assert image.size == (200, 400)


def test_transparency_is_kept() -> None:
    """A logo with a transparent background keeps it."""
    logo = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (25, 25, 75, 75))
    image = _open_result(_upload(logo, "PNG"))
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert image.getpixel((50, 50)) == (200, 0, 0, 255)


def test_palette_image_with_transparency_becomes_rgba() -> None:
    """A palette PNG whose background colour is marked transparent stays transparent."""
    logo = Image.new("P", (60, 60), 0)
    logo.putpalette([255, 255, 255, 0, 0, 255] + [0] * 762)
    logo.paste(1, (20, 20, 40, 40))
    image = _open_result(_upload(logo, "PNG", transparency=0))
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0  # type: ignore[index]


def test_cmyk_jpeg_becomes_rgb() -> None:
    """Print-ready CMYK logos are converted to screen colours."""
    image = _open_result(_upload(Image.new("CMYK", (50, 50), (0, 100, 100, 0)), "JPEG"))
    assert image.mode == "RGB"
