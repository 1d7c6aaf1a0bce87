"""Shadowing's beat job: expiring, chasing, joining details, reflection reminders and closing
(shadowing.services.sweeps). Beat runs it every 15 minutes (config.settings.CELERY_BEAT_SCHEDULE,
"shadowing-sweep"); it selects what is due now, so a missed tick is made up by the next.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from shadowing.services.sweeps import shadowing_sweep


# acks_late with reject_on_worker_lost: a worker killed mid-sweep leaves the message for
# another; each placement is its own transaction and each email is sent once, so the rerun
# redoes only what was cut short.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def shadowing_sweep_task() -> dict[str, int]:
    """Beat job: everything due now for placements. Safe to run twice."""
    return shadowing_sweep(now=timezone.now())
