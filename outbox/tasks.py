"""Background jobs for the outbox. Each calls a service."""

from celery import shared_task

from outbox import services


@shared_task
def outbox_send_task() -> dict[str, int]:
    """Send the emails that are due (queued after a commit, and every minute by beat)."""
    outcome = services.outbox_send()
    return {"sent": outcome.sent, "failed": outcome.failed, "requeued": outcome.requeued}


@shared_task
def outbox_delete_old_task() -> int:
    """Beat job: delete emails older than the outbox keeps them (services.KEEP_DAYS)."""
    return services.outbox_delete_old()
