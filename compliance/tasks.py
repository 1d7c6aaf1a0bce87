"""Background jobs for compliance reminders and digests. Each takes ids (or nothing, for beat)
and calls `compliance.services.notices`.

Beat runs the two sweeps once a day (config.settings.CELERY_BEAT_SCHEDULE). Each selects what
is due today in a few set-based queries and queues one send task for each reminder or digest;
a day the sweep missed is made up by the next run, which sends the most urgent reminder due.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task

from compliance.enums import ComplianceNoticeKind, DigestKind
from compliance.services import notices as compliance_notices
from training.tasks.bookings import (
    SEND_MAX_RETRIES,
    SEND_RETRY_BACKOFF_MAX_SECONDS,
    SEND_RETRY_BACKOFF_SECONDS,
)


@shared_task
def compliance_notices_sweep_task() -> int:
    """Beat job: queue the reminders to people due today."""
    return compliance_notices.compliance_notices_sweep()


@shared_task
def compliance_digests_sweep_task() -> int:
    """Beat job: queue this month's digests to coordinators and clerks not yet sent."""
    return compliance_notices.compliance_digests_sweep()


# A mail server that is down: retried with the booking notifications' backoff
# (training.tasks.bookings).
@shared_task(
    autoretry_for=(OSError,),  # smtplib's errors and socket errors are all OSErrors
    retry_backoff=SEND_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=SEND_RETRY_BACKOFF_MAX_SECONDS,
    max_retries=SEND_MAX_RETRIES,
)
def compliance_notice_send_task(
    membership_id: int, requirement_id: int, kind: str, key: str
) -> bool:
    """Email one reminder about one requirement. Safe to run twice: it goes once."""
    return compliance_notices.compliance_notice_send(
        membership_id=membership_id,
        requirement_id=requirement_id,
        kind=ComplianceNoticeKind(kind),
        key=date.fromisoformat(key),
    )


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=SEND_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=SEND_RETRY_BACKOFF_MAX_SECONDS,
    max_retries=SEND_MAX_RETRIES,
)
def compliance_digest_send_task(recipient_id: int, kind: str, month: str) -> bool:
    """Email one monthly digest. Safe to run twice: it goes once."""
    return compliance_notices.compliance_digest_send(
        recipient_id=recipient_id, kind=DigestKind(kind), month=date.fromisoformat(month)
    )
