"""Sending the outbox: each email that is due goes to the mail server, outside any request.

A Celery worker sends it when there is a broker (queued once the transaction that stored an
email commits, and every minute by beat for retries); without one, `manage.py outbox_watch`
sends it every few seconds. A failed email is tried again later (POST_OFFICE["MAX_RETRIES"],
["RETRY_INTERVAL"]) and each attempt is logged. See docs/email.md.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from post_office.lockfile import FileLock, FileLocked
from post_office.mail import get_queued, send_queued
from post_office.settings import get_lock_file_name
from post_office.utils import cleanup_expired_mails

logger = logging.getLogger(__name__)

# One sender at a time, on every host (the cache is Redis in production), so no email is sent
# twice by two workers picking up the same batch. Held for longer than a batch may take
# (post_office gives up on a batch after 180 seconds) and renewed after each batch; a sender
# that dies frees it when it expires.
SENDING_LOCK = "outbox:sending"
SENDING_LOCK_SECONDS = 5 * 60
# Set while a send task is queued and not yet started, so a transaction storing a thousand
# invitations queues one task, not a thousand. Expires in case the transaction rolls back;
# beat's minute tick sends anything that waited on it.
SEND_QUEUED = "outbox:send-queued"
SEND_QUEUED_SECONDS = 60
# Emails and their logs are deleted after this long: they hold names and links (invitations,
# password resets), all expired by then (the longest, an invitation, lasts 14 days). A month
# is enough to answer "did my email go?".
KEEP_DAYS = 30


@dataclass(frozen=True)
class SendOutcome:
    """How many emails one run of the sender delivered, gave up on and will try again."""

    sent: int = 0
    failed: int = 0
    requeued: int = 0


def outbox_send_on_commit() -> None:
    """Have a worker send the outbox once the surrounding transaction commits.

    Without a broker Celery runs tasks inside the request, which is what the outbox avoids;
    then nothing is queued and `outbox_watch` sends the email within seconds.
    """
    from config.celery import app
    from outbox.tasks import outbox_send_task

    if app.conf.task_always_eager:
        return
    if not cache.add(SEND_QUEUED, True, SEND_QUEUED_SECONDS):
        return
    # Robust: a broker that is down must not turn a saved change into an error page. Beat's
    # tick sends the email once the broker is back.
    transaction.on_commit(outbox_send_task.delay, robust=True)


def outbox_send() -> SendOutcome:
    """Send every email that is due, a batch at a time, unless another sender is at it."""
    cache.delete(SEND_QUEUED)  # a commit from now on queues another run
    token = uuid.uuid4().hex
    if not cache.add(SENDING_LOCK, token, SENDING_LOCK_SECONDS):
        logger.info("outbox already being sent")
        return SendOutcome()
    sent = failed = requeued = 0
    try:
        # The cache is per process without Redis: the file lock covers processes on this host.
        with FileLock(_lock_file()):
            while get_queued().exists():
                batch_sent, batch_failed, batch_requeued = send_queued()
                sent, failed, requeued = (
                    sent + batch_sent,
                    failed + batch_failed,
                    requeued + batch_requeued,
                )
                cache.touch(SENDING_LOCK, SENDING_LOCK_SECONDS)
    except FileLocked:
        logger.info("outbox already being sent")
    finally:
        if cache.get(SENDING_LOCK) == token:
            cache.delete(SENDING_LOCK)
    outcome = SendOutcome(sent=sent, failed=failed, requeued=requeued)
    extra = {"sent": sent, "failed": failed, "requeued": requeued}
    if failed or requeued:
        logger.warning("outbox emails not delivered", extra=extra)
    elif sent:
        logger.info("outbox emails delivered", extra=extra)
    return outcome


def outbox_delete_old(*, older_than_days: int = KEEP_DAYS) -> int:
    """Delete emails stored more than `older_than_days` ago, with their logs and attachments."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _attachments = cleanup_expired_mails(cutoff, delete_attachments=True)
    return int(deleted)


def _lock_file() -> str:
    # Read each time, so tests can give each run a lock of its own.
    return os.path.join(tempfile.gettempdir(), get_lock_file_name())
