"""Organisation logos: check an upload is a real, reasonably sized image and make a clean copy.

The stored logo is always a PNG that fits within `LOGO_BOX`, with no metadata (camera details,
GPS positions and comments in an uploaded file are never kept). The file type is decided by
opening the file with Pillow, never by its name or the browser's claimed content type.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError

# Big enough for any sensible logo export; small enough to keep uploads quick.
LOGO_MAX_BYTES = 2 * 1024 * 1024
# Decompression-bomb guard: a small compressed file can claim a huge canvas. 25 megapixels
# (5000 by 5000) is far beyond any logo yet needs only ~100 MB to decode.
LOGO_MAX_PIXELS = 25_000_000
# Logos are shown small (page headers, certificates); 400 px covers high-density screens.
LOGO_BOX = (400, 400)
# Pillow's names for the formats we accept.
ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})

NOT_AN_IMAGE = "The logo must be a PNG, JPEG or WebP image. This file is not an image."
TOO_LARGE_FILE = "The logo must be smaller than 2 MB."
TOO_MANY_PIXELS = "The logo image is too big. Upload an image smaller than 5000 by 5000 pixels."


def logo_prepare(*, upload: UploadedFile) -> ContentFile[bytes]:
    """Check an uploaded logo and return a metadata-free PNG that fits within `LOGO_BOX`.

    Raises `ValidationError` with a plain-English message when the file is too large, is not
    an image, is an image type we do not accept, or has too many pixels.
    """
    if upload.size is not None and upload.size > LOGO_MAX_BYTES:
        raise ValidationError(TOO_LARGE_FILE, code="file_too_large")
    with _open(upload) as original:
        upright = ImageOps.exif_transpose(original)  # keep photos upright once EXIF is gone
        image = _without_metadata(upright)
    image.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    name = slugify(Path(upload.name or "").stem) or "logo"
    return ContentFile(output.getvalue(), name=f"{name}.png")


def _open(upload: UploadedFile) -> Image.Image:
    """Open and decode the upload, refusing anything that is not an accepted, sane image."""
    upload.seek(0)
    data = io.BytesIO(upload.read())
    with warnings.catch_warnings():
        # Pillow warns, then fails, past its own (much higher) pixel limit; treat both as "too big".
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(data)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
        if image.format not in ACCEPTED_FORMATS:
            image.close()
            raise ValidationError(
                f"The logo must be a PNG, JPEG or WebP image, not {image.format}.",
                code="unaccepted_type",
            )
        # Checked from the header, before any pixels are decoded.
        if image.width * image.height > LOGO_MAX_PIXELS:
            image.close()
            raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels")
        try:
            image.load()
        except (OSError, SyntaxError, ValueError):
            image.close()
            raise ValidationError(
                "The logo file is damaged or incomplete. Save it again and upload the new copy.",
                code="damaged",
            ) from None
    return image


def _without_metadata(image: Image.Image) -> Image.Image:
    """A copy holding only pixels: no EXIF, XMP, ICC profile, text chunks or comments."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    pixels = image.convert("RGBA" if has_alpha else "RGB")
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    return clean
