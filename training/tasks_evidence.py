"""Background jobs for evidence of training elsewhere. Each takes ids and calls a service.

Kept apart from `training.tasks`, which Celery finds by itself; a worker must import this module
too (`CELERY_IMPORTS`, see docs/evidence.md) or it refuses the task as unregistered.
"""

from __future__ import annotations

from celery import shared_task

from training.services import evidence
from training.tasks import (
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
