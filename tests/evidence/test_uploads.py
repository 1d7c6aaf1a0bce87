"""Checking evidence files: the real type from the content, the size, and a name that matches."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from evidence import uploads
from evidence.uploads import (
    EVIDENCE_MAX_BYTES,
    JPEG,
    PDF,
    PNG,
    evidence_file_check,
    file_type_of,
)
from tests.evidence.factories import PDF_BYTES, pdf_bytes


def image_bytes(format: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=format)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def problem(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        evidence_file_check(upload(name, content))
    (message,) = caught.value.messages
    return message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("certificate.pdf", PDF_BYTES, PDF),
        ("CERTIFICATE.PDF", PDF_BYTES, PDF),
        ("photo.png", image_bytes("PNG"), PNG),
        ("photo.jpg", image_bytes("JPEG"), JPEG),
        ("photo.jpeg", image_bytes("JPEG"), JPEG),
    ],
)
def test_pdfs_pngs_and_jpegs_named_for_what_they_are_are_accepted(
    name: str, content: bytes, expected: uploads.FileType
) -> None:
    """The type comes from the content, and the name's extension agrees (in any case)."""
    assert evidence_file_check(upload(name, content)) == expected


def test_the_file_is_left_at_its_start_after_checking() -> None:
    """The checked file can be saved straight away: nothing has been read past."""
    file = upload("photo.png", image_bytes("PNG"))
    evidence_file_check(file)
    assert file.tell() == 0
    assert file.read() == image_bytes("PNG")


def test_a_file_of_exactly_ten_megabytes_is_accepted() -> None:
    content = PDF_BYTES + b" " * (EVIDENCE_MAX_BYTES - len(PDF_BYTES))
    assert evidence_file_check(upload("scan.pdf", content)) == PDF


def test_a_file_over_ten_megabytes_is_refused() -> None:
    content = PDF_BYTES + b" " * (EVIDENCE_MAX_BYTES - len(PDF_BYTES) + 1)
    assert problem("scan.pdf", content) == "The selected file must be smaller than 10 MB."


def test_an_empty_file_is_refused() -> None:
    assert problem("certificate.pdf", b"").startswith("The selected file is empty.")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("certificate.pdf", b"Certificate of completion\n"),  # text renamed to .pdf
        ("certificate.png", b"<html><script>alert(1)</script></html>"),  # a web page
        ("photo.gif", image_bytes("GIF")),  # an image, but not a type we accept
        ("photo.png", image_bytes("BMP")),
        ("letter.docx", b"PK\x03\x04" + b"\x00" * 40),  # a Word document (a zip file)
        ("certificate.pdf", b" %PDF-1.4\n"),  # the PDF header must come first
    ],
)
def test_files_that_are_not_a_pdf_png_or_jpeg_are_refused(name: str, content: bytes) -> None:
    """Whatever the name says: only the content counts."""
    assert problem(name, content) == "The selected file must be a PDF, PNG or JPEG."


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "certificate.png",
            PDF_BYTES,
            "The selected file's name ends in .png but it is a PDF. Rename it to end in .pdf, "
            "or choose another file.",
        ),
        (
            "photo.jpg",
            image_bytes("PNG"),
            "The selected file's name ends in .jpg but it is a PNG. Rename it to end in .png, "
            "or choose another file.",
        ),
        (
            "photo.pdf",
            image_bytes("JPEG"),
            "The selected file's name ends in .pdf but it is a JPEG. Rename it to end in .jpg "
            "or .jpeg, or choose another file.",
        ),
        (
            "certificate.exe",
            PDF_BYTES,
            "The selected file's name ends in .exe but it is a PDF. Rename it to end in .pdf, "
            "or choose another file.",
        ),
        (
            "certificate",
            PDF_BYTES,
            "The selected file's name must end in .pdf, as it is a PDF. Rename the file and "
            "upload it again.",
        ),
    ],
)
def test_a_name_that_does_not_match_the_content_is_refused(
    name: str, content: bytes, expected: str
) -> None:
    """A file is never stored under a name that would open it as something else."""
    assert problem(name, content) == expected


@pytest.mark.parametrize("format", ["PNG", "JPEG"])
def test_a_damaged_image_is_refused(format: str) -> None:
    """Pillow recognises the header, but the rest of the image is missing."""
    truncated = image_bytes(format)[:60]
    assert problem(f"photo.{format.lower()}", truncated).startswith(
        "The selected image is damaged or incomplete."
    )


def test_an_image_claiming_an_enormous_canvas_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small file can claim billions of pixels; the check refuses it without decoding it.
    (Pillow's limit is lowered here so that the test image can be small.)"""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    assert problem("photo.png", image_bytes("PNG", size=(40, 30))).startswith(
        "The selected image is too big."
    )


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><script>alert(1)</script></html>",  # an HTML page wearing the header
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # the header, no pages
        PDF_BYTES[: len(PDF_BYTES) // 2],  # a real PDF cut in half
    ],
    ids=["html", "no-pages", "truncated"],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused(content: bytes) -> None:
    """The content is opened as a PDF; the first five bytes are not enough."""
    assert problem("certificate.pdf", content).startswith(
        "The selected PDF is damaged or is not really a PDF."
    )


def test_a_pdf_of_several_pages_is_accepted() -> None:
    assert evidence_file_check(upload("certificate.pdf", pdf_bytes(pages=3))) == PDF


def test_a_pdf_that_needs_a_password_to_open_is_refused() -> None:
    """Reviewers could not read it."""
    writer = PdfWriter(clone_from=io.BytesIO(PDF_BYTES))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    protected = io.BytesIO()
    writer.write(protected)
    assert problem("certificate.pdf", protected.getvalue()).startswith(
        "The selected PDF is protected with a password."
    )


def test_a_pdf_only_restricted_from_editing_is_accepted() -> None:
    """Many certificate systems lock editing; the PDF still opens without a password."""
    writer = PdfWriter(clone_from=io.BytesIO(PDF_BYTES))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    restricted = io.BytesIO()
    writer.write(restricted)
    assert evidence_file_check(upload("certificate.pdf", restricted.getvalue())) == PDF


def test_an_image_over_25_megapixels_is_refused() -> None:
    """Within Pillow's own limit, but no certificate needs 60 megapixels (the outside test's)."""
    big = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(big, format="PNG")  # 1-bit: a small file
    assert problem("photo.png", big.getvalue()).startswith("The selected image is too big.")


def test_an_image_of_25_megapixels_is_accepted() -> None:
    edge = io.BytesIO()
    Image.new("1", (5_000, 5_000)).save(edge, format="PNG")
    assert evidence_file_check(upload("photo.png", edge.getvalue())) == PNG


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, PDF),
        (image_bytes("PNG"), PNG),
        (image_bytes("JPEG"), JPEG),
        (b"<html></html>", None),
        (image_bytes("GIF"), None),
    ],
)
def test_the_type_of_a_stored_file_comes_from_its_content(
    content: bytes, expected: uploads.FileType | None
) -> None:
    """Downloads are labelled with what the file is, whatever its name; anything else gets no
    type (the download then says only "a file")."""
    assert file_type_of(ContentFile(content, name="anything.pdf")) == expected
