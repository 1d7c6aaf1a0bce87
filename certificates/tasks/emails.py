"""Sending certificates by email. Takes ids and calls a service."""

from __future__ import annotations

from celery import shared_task

from certificates.services import emails
from training.tasks.bookings import (
    SEND_MAX_RETRIES,
    SEND_RETRY_BACKOFF_MAX_SECONDS,
    SEND_RETRY_BACKOFF_SECONDS,
)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=SEND_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=SEND_RETRY_BACKOFF_MAX_SECONDS,
    max_retries=SEND_MAX_RETRIES,
    acks_late=True,
    reject_on_worker_lost=True,
)
def certificate_emails_send_task(certificate_ids: list[int]) -> int:
    """Email each certificate to its holder. Safe to rerun: each goes once."""
    return sum(
        emails.certificate_email_send(certificate_id=certificate_id)
        for certificate_id in certificate_ids
    )
