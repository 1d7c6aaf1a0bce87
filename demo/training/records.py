"""Writing the history's training records in bulk, dated as they happened.

E-learning is recorded the afternoon it was done; imported records on the day the partnership
moved its records to the hub (or, for training since, that evening), by the partnership team.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from datetime import time as clock

from django.db.models import DateTimeField, Model

from demo.training.bookings import BATCH_SIZE, history_add
from demo.training.dates import at, months_after
from demo.training.history_plans import Planned
from training.enums import RecordSource
from training.models import TrainingRecord


@contextmanager
def created_at_kept(*models: type[Model]) -> Iterator[None]:
    """Let bulk inserts keep the `created_at` the seed gives (the demo's past) instead of the
    moment of the insert that `auto_now_add` would: one insert, where putting the times back
    afterwards would update every row again."""
    fields: list[DateTimeField] = []
    for model in models:
        field = model._meta.get_field("created_at")
        assert isinstance(field, DateTimeField), model
        fields.append(field)
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def records_write(
    planned: list[Planned], *, imported_by_id: int, imported_on: date, with_history: bool = True
) -> None:
    """Insert the records with their standards and, unless told not to, one history row each."""
    imported_at = at(imported_on, clock(10, 0))
    rows: list[TrainingRecord] = []
    for p in planned:
        activity = p.activity
        elearning = activity.source == RecordSource.ELEARNING
        months = activity.validity_months
        rows.append(
            TrainingRecord(
                user_id=p.user_id,
                membership_id=p.membership_id,
                course_id=activity.course_id,
                title=p.title or activity.title,
                cpd_hours=activity.hours,
                completed_on=p.completed_on,
                expires_on=months_after(p.completed_on, months) if months else None,
                source=activity.source,
                created_by_id=None if elearning else imported_by_id,
                created_at=(
                    at(p.completed_on, clock(14, 0))
                    if elearning
                    else max(imported_at, at(p.completed_on, clock(17, 0)))
                ),
            )
        )
    with created_at_kept(TrainingRecord):
        TrainingRecord.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    if with_history:
        history_add(TrainingRecord, [(row, row.created_at, row.created_by_id) for row in rows])
    through = TrainingRecord.standards.through
    through.objects.bulk_create(
        [
            through(trainingrecord_id=row.pk, trainingstandard_id=standard_id)
            for row, p in zip(rows, planned, strict=True)
            for standard_id in p.activity.standard_ids
        ],
        batch_size=BATCH_SIZE,
    )
