"""Issuing certificates in the background. Each task takes ids and calls a service."""

from __future__ import annotations

from celery import shared_task

from certificates.services import emails, issuing
from certificates.tasks.emails import certificate_emails_send_task

# Owed emails queued per task by the sweep: each renders a PDF (about 40 ms).
EMAILS_PER_TASK = 50


@shared_task
def certificate_issue_for_booking_task(booking_id: int) -> int | None:
    """Issue the booking's certificate if it is now due (after a register is marked or an
    evaluation answered). Safe to run twice."""
    certificate = issuing.certificate_issue_for_booking(booking_id=booking_id)
    return certificate.pk if certificate is not None else None


@shared_task
def certificate_issue_for_record_task(record_id: int) -> int | None:
    """Issue the record's certificate if it is due (a shadowing placement completed). Safe to
    run twice."""
    certificate = issuing.certificate_issue_for_record(record_id=record_id)
    return certificate.pk if certificate is not None else None


# acks_late with reject_on_worker_lost: a worker killed mid-sweep leaves the message on the
# queue for another worker; batches already committed are skipped on the rerun, the cut-short
# batch rolled back and redone.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def certificates_issue_sweep_task(batch_size: int = issuing.SWEEP_BATCH_SIZE) -> int:
    """Issue every certificate that is due and missing (a signal's task lost, say), or a big
    programme's in bulk. `batch_size` records per transaction (beat uses the default). Then
    queues the emails still owed for certificates issued earlier, whose task was lost."""
    issued = issuing.certificates_issue_due(batch_size=batch_size)
    owed = emails.certificates_owed_email()
    for start in range(0, len(owed), EMAILS_PER_TASK):
        certificate_emails_send_task.delay(owed[start : start + EMAILS_PER_TASK])
    return issued
