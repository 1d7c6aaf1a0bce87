"""Which training records are due a certificate.

The rule is one function, `certificate_is_due`, of plain facts about a record; the two
queries below gather those facts for one record or a batch, in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from certificates.models import Certificate
from evaluations.selectors.gate import bookings_with_after_step_done, courses_waiting_for_evaluation
from training.enums import BookingStatus, RecordSource
from training.models import TrainingRecord


@dataclass(frozen=True)
class RecordFacts:
    """What the rule needs to know about one training record."""

    source: str
    has_booking: bool
    booking_status: str | None
    waits_for_evaluation: bool
    evaluation_done: bool


def certificate_is_due(facts: RecordFacts) -> bool:
    """The certificate rule: a completed shadowing placement (its reflection written), or
    training the partnership ran itself (a record from attendance at one of its sessions),
    attended in full, and, where the course's certificate waits for the "straight after"
    evaluation, that evaluation answered."""
    if facts.source == RecordSource.SHADOWING:
        return True
    if facts.source != RecordSource.ATTENDANCE or not facts.has_booking:
        return False
    if facts.booking_status != BookingStatus.ATTENDED:
        return False
    return not facts.waits_for_evaluation or facts.evaluation_done


def current_certificates() -> QuerySet[Certificate]:
    return Certificate.objects.filter(revoked_at__isnull=True, superseded_at__isnull=True)


def records_without_certificate() -> QuerySet[TrainingRecord]:
    """Records from the partnership's own training and from shadowing that never had a
    certificate: the ones the rule might still pass (cheap filters first, in the database). A
    record whose certificate was revoked is not among them: the team revoked it on purpose."""
    return TrainingRecord.objects.filter(
        Q(
            source=RecordSource.ATTENDANCE,
            booking__isnull=False,
            booking__status=BookingStatus.ATTENDED,
        )
        | Q(source=RecordSource.SHADOWING)
    ).exclude(Exists(Certificate.objects.filter(training_record=OuterRef("pk"))))


def records_due(records: Iterable[TrainingRecord]) -> list[TrainingRecord]:
    """Of these records (with `booking` loaded), those due a certificate: two queries to
    evaluations, however many records."""
    records = list(records)
    waiting = courses_waiting_for_evaluation(
        {record.course_id for record in records if record.course_id is not None}
    )
    done = bookings_with_after_step_done(
        [record.booking_id for record in records if record.booking_id is not None]
    )
    return [record for record in records if certificate_is_due(_facts(record, waiting, done))]


def _facts(record: TrainingRecord, waiting: set[int], done: set[int]) -> RecordFacts:
    booking = record.booking
    return RecordFacts(
        source=record.source,
        has_booking=booking is not None,
        booking_status=booking.status if booking is not None else None,
        waits_for_evaluation=record.course_id in waiting,
        evaluation_done=record.booking_id in done,
    )
