"""Signals: the standards' cover table follows every change to a standard or what it satisfies;
and `attendance_marked`, which training sends for the apps above it (evaluations, certificates).

Saving or deleting a standard in the admin, in a service or in the demo seed all pass through
here, so the table never drifts from the standards. (Bulk inserts send no signals: call
`standard_covers_rebuild` after them.)
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from training.models import TrainingStandard
from training.services.standards import standard_covers_rebuild

# Sent inside the transaction that changes a booking's attendance mark, with `booking_id`,
# `status` and `previous` (the mark before, or the booking's status). Receivers queue their
# work with transaction.on_commit, so a register that is refused leaves nothing behind.
attendance_marked = Signal()


@receiver(post_save, sender=TrainingStandard)
def standard_saved(sender: type, instance: TrainingStandard, created: bool, **kwargs: Any) -> None:
    if created:
        standard_covers_rebuild()


@receiver(m2m_changed, sender=TrainingStandard.satisfies.through)
def standard_satisfies_changed(sender: type, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        standard_covers_rebuild()


@receiver(post_delete, sender=TrainingStandard)
def standard_deleted(sender: type, instance: TrainingStandard, **kwargs: Any) -> None:
    """Deleting cascades to the standard's own cover rows, but a chain that ran through it
    ("3 meets 2, 2 meets 1", then 2 deleted) leaves "3 meets 1" behind: rebuild."""
    standard_covers_rebuild()
