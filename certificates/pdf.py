"""A certificate as a PDF: A4 landscape, from its snapshot alone, with a QR code that opens its
verification page. Made on demand (for a download or the email), never stored: the snapshot
does not change, so neither does the PDF's content."""

from __future__ import annotations

import mimetypes
from io import BytesIO

import segno
from django.utils.text import slugify

from certificates.models import Certificate
from config.pdf import render_pdf
from outbox.messages import absolute_url

# Error correction "M" survives a crease or a smudge (15 % of the code) and keeps the code
# small enough to scan from a printed page.
QR_ERROR_CORRECTION = "m"
# Pixels per module: a crisp image when xhtml2pdf scales it to 32 mm.
QR_SCALE = 10


def certificate_pdf(certificate: Certificate) -> bytes:
    verify_url = absolute_url(certificate.get_verify_url())
    images = {"image:qr": ("image/png", qr_png(verify_url))}
    signature = _signature(certificate)
    if signature is not None:
        images["image:signature"] = signature
    return render_pdf(
        "certificates/certificate_pdf.html",
        {
            "certificate": certificate,
            "verify_url": verify_url,
            "has_signature": signature is not None,
        },
        images=images,
    )


def certificate_pdf_filename(certificate: Certificate) -> str:
    title = slugify(certificate.course_title)[:60] or "course"
    return f"certificate-{title}-{certificate.code}.pdf"


def qr_png(url: str) -> bytes:
    """A QR code for `url`, as PNG bytes (segno)."""
    buffer = BytesIO()
    segno.make(url, error=QR_ERROR_CORRECTION, micro=False).save(
        buffer, kind="png", scale=QR_SCALE, border=0
    )
    return buffer.getvalue()


def _signature(certificate: Certificate) -> tuple[str, bytes] | None:
    """The signature image's type and bytes, read through its storage (local or not)."""
    image = certificate.signature_image
    if image is None:
        return None
    content_type = mimetypes.guess_type(image.file.name)[0] or ""
    if content_type not in {"image/png", "image/jpeg", "image/gif"}:
        return None
    try:
        with image.file.open("rb") as file:
            return content_type, file.read()
    except OSError:
        return None
