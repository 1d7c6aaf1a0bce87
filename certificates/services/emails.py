"""The email that tells someone their certificate is ready, with the PDF attached. Each
certificate's email goes once (the outbox's sent-log)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.pdf import certificate_pdf, certificate_pdf_filename
from outbox.messages import absolute_url, email_render, email_send_once
from outbox.models import SentEmail

EMAIL_KIND = "certificate_issued"
# Emails owed for longer than this were lost with their task (their own task runs within
# seconds of the commit); the sweep sends them. Larger than a busy queue's wait.
OWED_AFTER = timedelta(minutes=15)


def certificate_email_send(*, certificate_id: int) -> bool:
    """Email the holder their certificate, PDF attached, unless it went already or the
    certificate is no longer current. Returns whether it was sent."""
    certificate = Certificate.objects.select_related("holder").filter(pk=certificate_id).first()
    if certificate is None:
        return False
    if not certificate.is_current or certificate.holder is None:
        _paid(certificate_id)  # no longer owed
        return False
    key = str(certificate.pk)
    if SentEmail.objects.filter(kind=EMAIL_KIND, key=key).exists():
        _paid(certificate_id)
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
        sent = email_send_once(kind=EMAIL_KIND, key=key, message=message)
        _paid(certificate_id)
        return sent


def certificates_owed_email(*, now: datetime | None = None) -> list[int]:
    """Current certificates whose email is still owed well after they were issued: their task
    was lost. Oldest first."""
    before = (now or timezone.now()) - OWED_AFTER
    return list(
        Certificate.objects.filter(email_pending=True, issued_at__lt=before)
        .order_by("issued_at", "pk")
        .values_list("pk", flat=True)
    )


def _paid(certificate_id: int) -> None:
    Certificate.objects.filter(pk=certificate_id, email_pending=True).update(email_pending=False)
