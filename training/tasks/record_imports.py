"""Background jobs for the training records import. Each takes ids and calls a service."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from training.services.record_imports import record_import_check, record_import_check_too_slow


@shared_task
def record_import_check_task(batch_id: int) -> None:
    """Read and check a large file of training records for its preview. Queued with time
    limits (organisations.imports.checking); at the soft one the file is refused with a
    message."""
    try:
        record_import_check(batch_id=batch_id)
    except SoftTimeLimitExceeded:
        record_import_check_too_slow(batch_id=batch_id)
