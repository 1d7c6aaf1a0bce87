"""Checking uploaded evidence files: a PDF or an image, of a sensible size, named for what it is.

A file's type is decided from its content, never from its name or the type the browser claims:
a PDF is one pypdf can open and count the pages of (a file that merely starts with `%PDF-`,
such as an HTML page with that in front, is refused), and PNG and JPEG images are those Pillow
recognises and verifies, with at most EVIDENCE_MAX_PIXELS pixels.
The name's extension must then agree with the content, so a file is never stored (or later
downloaded) under a name that would make a computer open it as something else.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

# A phone photo of a certificate is 2 to 5 MB and a scanned PDF rarely more; 10 MB leaves room
# for a multi-page scan without letting the private store fill up with video or archives.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Every PDF begins with this (ISO 32000-1, 7.5.2).
PDF_MAGIC = b"%PDF-"
# A 12-megapixel phone photo is well inside; so is an A4 page scanned at 600 dpi (35 MP is not,
# and needs no such detail). The same limit as organisations' logos. Checked from the header,
# before any pixels are decoded, so a small file claiming a huge canvas costs nothing.
EVIDENCE_MAX_PIXELS = 25_000_000


@dataclass(frozen=True)
class FileType:
    """A kind of file we accept: its name for people, its media type and its extensions."""

    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
PNG = FileType("PNG", "image/png", (".png",))
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"))
# Pillow's format names for the images we accept.
IMAGE_TYPES = {"PNG": PNG, "JPEG": JPEG}
ACCEPTED_EXTENSIONS = PDF.extensions + PNG.extensions + JPEG.extensions
# For the file input's `accept`: browsers offer only these files in the chooser.
ACCEPT_ATTRIBUTE = ",".join(
    (*ACCEPTED_EXTENSIONS, PDF.content_type, PNG.content_type, JPEG.content_type)
)

EMPTY = "The selected file is empty. Choose the file with your certificate in it."
TOO_LARGE = "The selected file must be smaller than 10 MB."
WRONG_TYPE = "The selected file must be a PDF, PNG or JPEG."
DAMAGED_IMAGE = (
    "The selected image is damaged or incomplete. Save it again and upload the new copy."
)
TOO_MANY_PIXELS = (
    "The selected image is too big. Take the photo at a lower resolution, or save it as a PDF."
)
DAMAGED_PDF = (
    "The selected PDF is damaged or is not really a PDF. Save or print it as a PDF again and "
    "upload the new copy."
)
PASSWORD_PDF = (
    "The selected PDF is protected with a password. Save a copy without the password and "
    "upload that."
)


def evidence_file_check(upload: File[bytes]) -> FileType:
    """Check an uploaded evidence file and return its real type.

    Raises `ValidationError` with a plain-English message when the file is empty, too large,
    not a PDF, PNG or JPEG, a damaged image, or named with an extension that does not match
    what it is.
    """
    size = upload.size
    if size == 0:
        raise ValidationError(EMPTY, code="empty")
    if size is not None and size > EVIDENCE_MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    file_type = _sniff(upload, strict=True)
    if file_type is None:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in file_type.extensions:
        raise ValidationError(_name_mismatch(extension, file_type), code="extension_mismatch")
    return file_type


def file_type_of(file: File[bytes]) -> FileType | None:
    """The type of a file already stored (which was checked on upload), from its content.

    Reads only what it needs: the PDF header or the image header. None when the content is not
    one we accept (a file changed on disk since, say), so the caller can refuse to label it.
    """
    try:
        return _sniff(file, strict=False)
    except ValidationError:
        return None


def _sniff(file: File[bytes] | IO[bytes], *, strict: bool) -> FileType | None:
    """PDF, PNG or JPEG from the first bytes; with `strict`, images are verified right through.

    Leaves the file at its start, ready to be saved or streamed.
    """
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    file.seek(0)
    if head == PDF_MAGIC:
        if strict:
            _pdf_check(file)
        return PDF
    with warnings.catch_warnings():
        # Pillow warns, then fails, about images with a huge number of pixels: a small file
        # can claim an enormous canvas. Nobody needs one to show a certificate.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(file) as image:
                file_type = IMAGE_TYPES.get(image.format or "")
                if file_type is not None and strict:
                    if image.width * image.height > EVIDENCE_MAX_PIXELS:
                        raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels")
                    image.verify()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from None
        except UnidentifiedImageError:
            file_type = None
        except (OSError, SyntaxError, ValueError, IndexError, EOFError):
            # Recognised as an image by its header, but the rest does not hold together.
            raise ValidationError(DAMAGED_IMAGE, code="damaged") from None
        finally:
            file.seek(0)
    return file_type


def _pdf_check(file: File[bytes] | IO[bytes]) -> None:
    """Refuse a "PDF" that pypdf cannot open and find at least one page in, or that needs a
    password to open (reviewers could not read it). Leaves the file at its start."""
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            # Protected by a password to open; "" opens those only restricted from editing.
            raise ValidationError(PASSWORD_PDF, code="password")
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (
        PyPdfError,
        OSError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        NotImplementedError,
    ):
        # pypdf raises its own errors for most damage, and plain ones for the rest.
        raise ValidationError(DAMAGED_PDF, code="damaged_pdf") from None
    finally:
        file.seek(0)
    if pages < 1:
        raise ValidationError(DAMAGED_PDF, code="damaged_pdf")


def _name_mismatch(extension: str, file_type: FileType) -> str:
    wanted = " or ".join(file_type.extensions)
    if not extension:
        return (
            f"The selected file's name must end in {wanted}, as it is a {file_type.name}. "
            "Rename the file and upload it again."
        )
    return (
        f"The selected file's name ends in {extension} but it is a {file_type.name}. "
        f"Rename it to end in {wanted}, or choose another file."
    )
