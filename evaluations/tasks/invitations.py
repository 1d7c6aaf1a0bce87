"""Asking, reminding and closing evaluations in the background. Each task takes ids (or
nothing, for beat) and calls a service.

Beat runs the sweep (config.settings.CELERY_BEAT_SCHEDULE). It selects what is due now, so
nothing is scheduled days ahead and a missed tick is made up by the next; a step whose time to
close has come needs no job, as the answering pages and the reminder both check `closes_at`.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from evaluations.services import invitations


# acks_late with reject_on_worker_lost: a worker killed mid-sweep leaves the message for
# another worker; what was asked before is skipped on the rerun (each invitation is one row,
# made with its emails in one transaction) and the cut-short transaction rolled back and redone.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def invitations_sweep_task() -> dict[str, int]:
    """Beat job: ask every step due now and send every reminder due. Safe to run twice."""
    result = invitations.invitations_sweep(now=timezone.now())
    return {"asked": result.asked, "reminded": result.reminded}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def invitations_ask_for_booking_task(booking_id: int) -> int:
    """Ask the steps due now for one booking, such as "straight after" once its register is
    marked, without waiting for the sweep. Safe to run twice."""
    return invitations.invitations_ask_for_booking(booking_id=booking_id, now=timezone.now())
