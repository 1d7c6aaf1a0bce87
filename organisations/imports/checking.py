"""Checking a large upload in a Celery task instead of the request, for every import.

A file that unpacks to more than `IMPORT_BACKGROUND_BYTES` is kept with its batch in the
"checking" state and read by a task queued once the batch is committed, with soft and hard
time limits. The preview page refreshes itself until the task is done. A task stopped by its
soft limit refuses the file with `TOO_SLOW`; one that never finished (its worker killed at the
hard limit, or lost) is given up once `check_is_overdue`, with `OVERDUE`.

Without a broker (`CELERY_TASK_ALWAYS_EAGER`) the task runs in the request straight after the
commit, without time limits, so the preview is ready when the page first loads. The people
import (`organisations.imports.services`) and the training records import
(`training.services.record_imports`) both use these.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import Task
from django.conf import settings
from django.utils import timezone

# How long a queued check may wait for a worker before its batch is given up, on top of its
# hard time limit: a person waiting on the page should not wait longer than this.
QUEUE_WAIT_ALLOWED = timedelta(minutes=10)

# The preview of a file being checked reloads itself this often (a meta refresh: no script).
REFRESH_SECONDS = 5

TOO_SLOW = (
    "Checking “{filename}” took too long, so we stopped. Split it into smaller files and "
    "upload them one at a time."
)
OVERDUE = (
    "We could not finish checking “{filename}”. Upload it again. If the same happens, split it "
    "into smaller files."
)


def checks_in_background(*, unpacked_bytes: int) -> bool:
    """Whether a file this big (once unpacked) is read by a task rather than the request."""
    threshold: int = settings.IMPORT_BACKGROUND_BYTES
    return unpacked_bytes > threshold


def check_queue(*, task: Task, batch_id: int) -> None:
    """Queue `task` for the batch with the import time limits. Call it from `on_commit`."""
    task.apply_async(
        args=(batch_id,),
        soft_time_limit=settings.IMPORT_CHECK_SOFT_TIME_LIMIT,
        time_limit=settings.IMPORT_CHECK_TIME_LIMIT,
    )


def check_is_overdue(*, uploaded_at: datetime) -> bool:
    """Whether a check started for an upload at this time can no longer be finishing."""
    allowed = timedelta(seconds=settings.IMPORT_CHECK_TIME_LIMIT) + QUEUE_WAIT_ALLOWED
    return uploaded_at < timezone.now() - allowed
