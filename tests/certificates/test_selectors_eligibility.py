"""The certificate rule, as a table: full attendance, and the "straight after" evaluation
where the course's certificate waits for it."""

from __future__ import annotations

import pytest

from certificates.models import Certificate
from certificates.selectors.eligibility import RecordFacts, certificate_is_due
from certificates.services.issuing import certificate_issue_for_record, certificates_issue_due
from tests.certificates.evaluation_states import after_step_done, certificate_waits
from tests.certificates.factories import attended_booking, record_for
from tests.training.factories import TrainingRecordFactory
from training.enums import BookingStatus, RecordSource

ATTENDED, PARTIAL, NO_SHOW = (
    BookingStatus.ATTENDED,
    BookingStatus.PARTIALLY_ATTENDED,
    BookingStatus.NO_SHOW,
)
NOT_REQUIRED, DONE, NOT_DONE = "evaluation not required", "required and done", "required, not done"

TABLE = [
    (ATTENDED, NOT_REQUIRED, True),
    (ATTENDED, DONE, True),
    (ATTENDED, NOT_DONE, False),
    (PARTIAL, NOT_REQUIRED, False),
    (PARTIAL, DONE, False),
    (PARTIAL, NOT_DONE, False),
    (NO_SHOW, NOT_REQUIRED, False),
    (NO_SHOW, DONE, False),
    (NO_SHOW, NOT_DONE, False),
]


@pytest.mark.parametrize(("attendance", "evaluation", "due"), TABLE)
def test_the_rule(attendance: str, evaluation: str, due: bool) -> None:
    """Only full attendance earns a certificate, and then only once a required evaluation is
    answered."""
    facts = RecordFacts(
        source=RecordSource.ATTENDANCE,
        has_booking=True,
        booking_status=attendance,
        waits_for_evaluation=evaluation != NOT_REQUIRED,
        evaluation_done=evaluation == DONE,
    )
    assert certificate_is_due(facts) is due


@pytest.mark.django_db
@pytest.mark.parametrize(("attendance", "evaluation", "due"), TABLE)
def test_the_rule_through_the_database(attendance: str, evaluation: str, due: bool) -> None:
    """The same table, for real bookings and evaluations, one record at a time and by the
    sweep. (Partial attendance and no-shows get no record from the register; a record left
    behind, say by an import, still earns nothing.)"""
    booking = attended_booking(status=attendance)
    record = booking.record if attendance == ATTENDED else record_for(booking)
    if evaluation != NOT_REQUIRED:
        certificate_waits(booking.session.course)
        after_step_done(booking, done=evaluation == DONE)

    issued = certificate_issue_for_record(record_id=record.pk)

    assert (issued is not None) is due
    Certificate.objects.all().delete()
    assert certificates_issue_due() == int(due)


@pytest.mark.parametrize(
    "source", [RecordSource.ELEARNING, RecordSource.EXTERNAL, RecordSource.IMPORT]
)
def test_training_elsewhere_earns_no_certificate(source: str) -> None:
    """Records from evidence, e-learning or imports are not the partnership's own
    training."""
    facts = RecordFacts(
        source=source,
        has_booking=True,
        booking_status=ATTENDED,
        waits_for_evaluation=False,
        evaluation_done=False,
    )
    assert not certificate_is_due(facts)


@pytest.mark.django_db
def test_a_record_without_a_booking_earns_no_certificate() -> None:
    record = TrainingRecordFactory.create(source=RecordSource.ATTENDANCE)

    assert certificate_issue_for_record(record_id=record.pk) is None
