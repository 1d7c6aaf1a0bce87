"""The email that tells someone their certificate is ready, with the PDF attached. Each
certificate's email goes once (the outbox's sent-log)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from certificates.models import Certificate
from certificates.pdf import certificate_pdf, certificate_pdf_filename
from outbox.messages import absolute_url, email_render, email_send_once
from outbox.models import SentEmail

EMAIL_KIND = "certificate_issued"


def certificate_email_send(*, certificate_id: int) -> bool:
    """Email the holder their certificate, PDF attached, unless it went already or the
    certificate is no longer current. Returns whether it was sent."""
    certificate = Certificate.objects.select_related("holder").filter(pk=certificate_id).first()
    if certificate is None or not certificate.is_current or certificate.holder is None:
        return False
    key = str(certificate.pk)
    if SentEmail.objects.filter(kind=EMAIL_KIND, key=key).exists():
        return False  # saves rendering the PDF again; email_send_once is what guarantees it
    message = email_render(
        "certificates/email/certificate_issued",
        {
            "certificate": certificate,
            "certificates_url": absolute_url(reverse("certificates:mine")),
            "verify_url": absolute_url(certificate.get_verify_url()),
        },
        to=certificate.holder.email,
    )
    message.attach(
        certificate_pdf_filename(certificate), certificate_pdf(certificate), "application/pdf"
    )
    with transaction.atomic():
        return email_send_once(kind=EMAIL_KIND, key=key, message=message)
