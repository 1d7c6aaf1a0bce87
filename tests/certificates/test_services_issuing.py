"""Issuing certificates: what they say, issuing automatically when the last condition is met,
the sweep, and idempotency (a rerun adds nothing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from certificates.models import Certificate, CertificateSignatory
from certificates.services.issuing import (
    certificate_issue_for_record,
    certificates_issue_due,
    certificates_issue_for_records,
)
from evaluations.signals import step_completed
from tests.accounts.factories import UserFactory
from tests.certificates.evaluation_states import after_step_done, certificate_waits
from tests.certificates.factories import attended_booking
from tests.organisations.factories import MembershipFactory
from tests.training.factories import CourseFactory, TrainingStandardFactory
from training.enums import BookingStatus
from training.models import Booking
from training.services.attendance import attendance_mark

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> User:
    return UserFactory.create(partnership_team=True)


def test_a_certificate_holds_a_snapshot_of_its_sources(settings: Any) -> None:
    """Name, course, days, hours, standards, issuer, signatory, issue and expiry dates."""
    settings.PARTNERSHIP_NAME = "Lewisham Safeguarding Children Partnership"
    signatory = CertificateSignatory.load()
    signatory.name, signatory.role = "Dr Helen Marsh", "Independent Scrutineer"
    signatory.save()
    level_3 = TrainingStandardFactory.create(name="Safeguarding children level 3")
    course = CourseFactory.create(title="Working together to safeguard children", cpd_hours=6.5)
    course.standards.set([level_3])
    person = MembershipFactory.create(user__first_name="Łucja", user__last_name="Nguyễn")
    booking = attended_booking(course=course, attendee=person)
    record = booking.record

    certificate = certificate_issue_for_record(record_id=record.pk)

    assert certificate is not None
    assert certificate.holder == person.user
    assert certificate.holder_name == "Łucja Nguyễn"
    assert certificate.course_title == "Working together to safeguard children"
    day = timezone.localdate(booking.session.ends_at)
    assert certificate.session_dates == f"{day.day} {day:%B %Y}"
    assert certificate.starts_on == certificate.completed_on == day
    assert certificate.cpd_hours == Decimal("6.5")
    assert certificate.standards_met == "Safeguarding children level 3"
    assert certificate.issuer == "Lewisham Safeguarding Children Partnership"
    assert (certificate.signatory_name, certificate.signatory_role) == (
        "Dr Helen Marsh",
        "Independent Scrutineer",
    )
    assert certificate.expires_on == record.expires_on
    assert len(certificate.code) == 16


def test_issuing_twice_gives_the_same_certificate() -> None:
    record = attended_booking().record

    first = certificate_issue_for_record(record_id=record.pk)
    second = certificate_issue_for_record(record_id=record.pk)

    assert first is not None
    assert second is not None
    assert first.pk == second.pk
    assert Certificate.objects.count() == 1


def test_marking_a_register_issues_the_certificate_and_emails_it(
    team: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """The trainer marks "attended": once that commits, the certificate is issued and its
    PDF emailed to the person."""
    booking = attended_booking(status=BookingStatus.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(booking=booking, status=BookingStatus.ATTENDED, marked_by=team)

    certificate = Certificate.objects.get()
    assert certificate.training_record == booking.record
    (message,) = [m for m in mail.outbox if m.to == [booking.user.email]]
    assert message.subject == f"Your certificate: {certificate.course_title}"
    assert certificate.display_code in message.body
    ((filename, content, content_type),) = message.attachments
    assert filename.endswith(f"{certificate.code}.pdf")
    assert content.startswith(b"%PDF")
    assert content_type == "application/pdf"


def test_a_register_marked_partially_attended_issues_nothing(
    team: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    booking = attended_booking(status=BookingStatus.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(booking=booking, status=BookingStatus.PARTIALLY_ATTENDED, marked_by=team)

    assert not Certificate.objects.exists()


def test_answering_the_evaluation_releases_a_waiting_certificate(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Where the course waits for the evaluation, none is issued at attendance; the answer
    (evaluations' signal) releases it."""
    booking = attended_booking()
    certificate_waits(booking.session.course)
    assert certificate_issue_for_record(record_id=booking.record.pk) is None

    with django_capture_on_commit_callbacks(execute=True):
        after_step_done(booking)
        step_completed.send(sender=Booking, booking_id=booking.pk, step="after")

    assert Certificate.objects.get().training_record == booking.record


def test_the_sweep_issues_what_is_missing_and_a_rerun_adds_nothing(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    records = [attended_booking().record for _ in range(5)]
    certificate_issue_for_record(record_id=records[0].pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert certificates_issue_due(batch_size=2) == 4
    assert certificates_issue_due(batch_size=2) == 0

    assert Certificate.objects.count() == 5
    assert set(Certificate.objects.values_list("training_record", flat=True)) == {
        r.pk for r in records
    }
    # Each issued by the sweep has its history row and its one email.
    assert Certificate.history.filter(history_type="+").count() == 5
    assert len(mail.outbox) == 4


def test_a_batch_inserts_only_what_is_missing() -> None:
    """A batch redone (after a worker was killed, say) skips records already issued."""
    records = [attended_booking().record.pk for _ in range(3)]
    first = certificates_issue_for_records(record_ids=records[:2])

    second = certificates_issue_for_records(record_ids=records)

    assert len(first) == 2
    assert len(second) == 1
    assert Certificate.objects.count() == 3


def test_a_batch_takes_the_same_queries_for_ten_records_as_for_one() -> None:
    """Bulk issuing is a fixed number of queries per batch, not per certificate."""
    CertificateSignatory.load()
    one = [attended_booking().record.pk]
    ten = [attended_booking().record.pk for _ in range(10)]
    with CaptureQueriesContext(connection) as for_one:
        certificates_issue_for_records(record_ids=one)
    with CaptureQueriesContext(connection) as for_ten:
        certificates_issue_for_records(record_ids=ten)

    assert len(for_ten) == len(for_one)
    assert Certificate.objects.count() == 11


def test_an_expired_record_still_gets_its_certificate_with_its_expiry() -> None:
    """The certificate copies the record's expiry, whatever it is."""
    booking = attended_booking()
    booking.record.expires_on = timezone.localdate() - timedelta(days=1)
    booking.record.save()

    certificate = certificate_issue_for_record(record_id=booking.record.pk)

    assert certificate is not None
    assert certificate.expires_on == booking.record.expires_on


def test_a_revoked_certificate_is_not_issued_again(team: User) -> None:
    """The team revoked it on purpose (issued in error): neither the sweep nor the register
    marked again gives the record a new one."""
    from certificates.services.changes import certificate_revoke

    record = attended_booking().record
    certificate = certificate_issue_for_record(record_id=record.pk)
    assert certificate is not None
    certificate_revoke(certificate=certificate, reason="Issued in error", revoked_by=team)

    assert certificates_issue_due() == 0
    assert certificate_issue_for_record(record_id=record.pk) is None
    assert certificates_issue_for_records(record_ids=[record.pk]) == []
    assert Certificate.objects.filter(training_record=record).count() == 1


def test_an_email_whose_task_was_lost_is_sent_by_the_sweep_once(
    time_machine: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """Issued, and its email task never queued (the worker died after the commit, which in a
    test is a transaction whose on-commit callbacks are dropped): the email stays owed, and
    the hourly sweep sends it once, with the PDF, and never again."""
    from certificates.tasks.issuing import certificates_issue_sweep_task

    record = attended_booking().record
    certificate = certificate_issue_for_record(record_id=record.pk)  # callbacks dropped
    assert certificate is not None
    certificate.refresh_from_db()
    assert certificate.email_pending
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        certificates_issue_sweep_task.delay()
    assert mail.outbox == []  # too soon: its own task may still be on its way

    time_machine.move_to(timezone.now() + timedelta(minutes=20))
    with django_capture_on_commit_callbacks(execute=True):
        certificates_issue_sweep_task.delay()
        certificates_issue_sweep_task.delay()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [record.user.email]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    certificate.refresh_from_db()
    assert not certificate.email_pending


def test_certificates_issued_without_email_are_owed_none(time_machine: Any) -> None:
    """The demo's past certificates: issued with email=False, never emailed by the sweep."""
    from certificates.tasks.issuing import certificates_issue_sweep_task

    attended_booking()
    assert certificates_issue_due(email=False) == 1
    time_machine.move_to(timezone.now() + timedelta(hours=2))

    certificates_issue_sweep_task.delay()

    assert mail.outbox == []
    assert not Certificate.objects.get().email_pending
