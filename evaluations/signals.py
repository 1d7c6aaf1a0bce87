"""Signals evaluations sends, for the apps above it (certificates) to act on, and what
evaluations does when training tells it a register was marked."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal, receiver

from training.signals import attendance_marked

# Sent inside the transaction that completes an invitation, with `booking_id` and `step`.
# Receivers queue their work with transaction.on_commit.
step_completed = Signal()


@receiver(attendance_marked)
def attendance_was_marked(sender: type, booking_id: int, **kwargs: Any) -> None:
    """Ask "straight after" as soon as the register is saved, rather than at the sweep's next
    tick (which still catches it if this task is lost)."""
    from evaluations.tasks.invitations import invitations_ask_for_booking_task

    transaction.on_commit(lambda: invitations_ask_for_booking_task.delay(booking_id))
