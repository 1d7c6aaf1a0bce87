"""What certificates does when training or evaluations change: a register marked or an
evaluation answered may make a certificate due, as does a shadowing placement's record (a
task, after commit); a training record
removed (attendance corrected) revokes its certificate, in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from evaluations.signals import step_completed
from training.enums import RecordSource
from training.models import TrainingRecord
from training.signals import attendance_marked


def _issue_on_commit(booking_id: int) -> None:
    from certificates.tasks.issuing import certificate_issue_for_booking_task

    transaction.on_commit(lambda: certificate_issue_for_booking_task.delay(booking_id))


@receiver(attendance_marked)
def attendance_was_marked(sender: type, booking_id: int, status: str, **kwargs: Any) -> None:
    _issue_on_commit(booking_id)


@receiver(step_completed)
def evaluation_step_completed(sender: type, booking_id: int, **kwargs: Any) -> None:
    _issue_on_commit(booking_id)


@receiver(post_save, sender=TrainingRecord)
def record_saved(sender: type, instance: TrainingRecord, created: bool, **kwargs: Any) -> None:
    """A shadowing placement's record is due its certificate as soon as it exists."""
    if created and instance.source == RecordSource.SHADOWING:
        from certificates.tasks.issuing import certificate_issue_for_record_task

        record_id = instance.pk
        transaction.on_commit(lambda: certificate_issue_for_record_task.delay(record_id))


@receiver(pre_delete, sender=TrainingRecord)
def record_removed(sender: type, instance: TrainingRecord, **kwargs: Any) -> None:
    from certificates.services.changes import certificates_revoke_for_record

    certificates_revoke_for_record(
        record=instance, removed_by=getattr(instance, "_history_user", None)
    )
