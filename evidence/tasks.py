"""Background jobs for evidence of training elsewhere. Each takes ids and calls a service."""

from __future__ import annotations

from celery import shared_task

from evidence import services as evidence
from training.tasks.bookings import (
    SEND_MAX_RETRIES,
    SEND_RETRY_BACKOFF_MAX_SECONDS,
    SEND_RETRY_BACKOFF_SECONDS,
)


@shared_task(
    autoretry_for=(OSError,),  # smtplib's errors and socket errors are all OSErrors
    retry_backoff=SEND_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=SEND_RETRY_BACKOFF_MAX_SECONDS,
    max_retries=SEND_MAX_RETRIES,
)
def evidence_decision_send_task(evidence_id: int) -> bool:
    """Email the person the decision on their evidence. Safe to run twice: it goes once."""
    return evidence.evidence_decision_send(evidence_id=evidence_id)
