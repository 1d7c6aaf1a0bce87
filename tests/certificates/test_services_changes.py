"""Revoking and reissuing, a corrected register revoking its certificate, and the snapshot
staying as issued whatever changes after."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from certificates.models import ATTENDANCE_CORRECTED_REASON, Certificate, CertificateSignatory
from certificates.services.changes import certificate_reissue, certificate_revoke
from certificates.services.issuing import certificate_issue_for_record
from tests.accounts.factories import UserFactory
from tests.certificates.factories import attended_booking
from training.enums import BookingStatus
from training.services.attendance import attendance_mark

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> User:
    return UserFactory.create(partnership_team=True, first_name="Priya", last_name="Shah")


@pytest.fixture
def certificate() -> Certificate:
    issued = certificate_issue_for_record(record_id=attended_booking().record.pk)
    assert issued is not None
    return issued


def test_revoking_keeps_the_reason_and_who_in_the_history(
    certificate: Certificate, team: User
) -> None:
    certificate_revoke(certificate=certificate, reason="Issued in error", revoked_by=team)

    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Issued in error"
    latest = certificate.history.latest()
    assert latest.history_user == team
    assert latest.revoked_reason == "Issued in error"
    assert latest.history_change_reason == "Issued in error"


def test_a_revocation_needs_a_reason(certificate: Certificate, team: User) -> None:
    with pytest.raises(ValidationError, match="Enter why"):
        certificate_revoke(certificate=certificate, reason="  ", revoked_by=team)


def test_a_certificate_is_revoked_once(certificate: Certificate, team: User) -> None:
    certificate_revoke(certificate=certificate, reason="Issued in error", revoked_by=team)

    with pytest.raises(ValidationError, match="already"):
        certificate_revoke(certificate=certificate, reason="Again", revoked_by=team)


def test_a_revoked_certificate_is_issued_again_only_by_the_team(
    certificate: Certificate, team: User
) -> None:
    """Revoking is on purpose: issuing again for the record gives nothing; the team's reissue
    makes a new current certificate, and the revoked one stays revoked."""
    certificate_revoke(certificate=certificate, reason="Revoked in error", revoked_by=team)
    assert certificate_issue_for_record(record_id=certificate.training_record_id) is None

    again = certificate_reissue(certificate=certificate, reissued_by=team)

    certificate.refresh_from_db()
    assert again.pk != certificate.pk
    assert again.is_current
    assert certificate.revoked_at is not None
    assert certificate.superseded_at is None
    with pytest.raises(ValidationError, match="has a current certificate already"):
        certificate_reissue(certificate=certificate, reissued_by=team)


def test_reissuing_supersedes_with_a_new_snapshot(certificate: Certificate, team: User) -> None:
    """After a change of name, the new certificate carries the new name and a new code; the
    old one says it was replaced, and by which."""
    holder = certificate.holder
    assert holder is not None
    holder.last_name = "Okafor-Ellis"
    holder.save()

    new = certificate_reissue(certificate=certificate, reissued_by=team)

    certificate.refresh_from_db()
    assert certificate.superseded_at is not None
    assert certificate.superseded_by == new
    assert new.holder_name == holder.get_full_name()
    assert new.code != certificate.code
    assert new.issued_by == team
    assert new.is_current
    assert not certificate.is_current
    assert certificate.history.latest().history_user == team


def test_a_replaced_certificate_is_not_reissued(certificate: Certificate, team: User) -> None:
    certificate_reissue(certificate=certificate, reissued_by=team)

    with pytest.raises(ValidationError, match="replaced already: reissue the newer one"):
        certificate_reissue(certificate=certificate, reissued_by=team)
    assert Certificate.objects.filter(training_record=certificate.training_record).count() == 2


def test_correcting_attendance_revokes_the_certificate(
    certificate: Certificate, team: User
) -> None:
    """The trainer changes "attended" to "did not attend": the record goes, and the
    certificate stays, revoked, with the reason and who corrected it."""
    record = certificate.training_record
    assert record is not None
    assert record.booking is not None

    attendance_mark(booking=record.booking, status=BookingStatus.NO_SHOW, marked_by=team)

    certificate.refresh_from_db()
    assert certificate.training_record is None
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == ATTENDANCE_CORRECTED_REASON
    assert certificate.revoked_by == team


def test_the_snapshot_does_not_change_when_its_sources_do(
    certificate: Certificate, team: User, settings: Any
) -> None:
    """The course renamed, the person's name changed, a new signatory and a new partnership
    name: the issued certificate says what it said."""
    before = {
        field: getattr(certificate, field)
        for field in (
            "holder_name",
            "course_title",
            "session_dates",
            "cpd_hours",
            "standards_met",
            "issuer",
            "signatory_name",
            "signatory_role",
            "issued_at",
            "expires_on",
            "code",
        )
    }
    record = certificate.training_record
    assert record is not None
    assert record.course is not None
    assert certificate.holder is not None
    record.course.title = "A new title"
    record.course.cpd_hours = 2
    record.course.save()
    certificate.holder.first_name = "Someone"
    certificate.holder.save()
    signatory = CertificateSignatory.load()
    signatory.name, signatory.role = "A new signatory", "Chair"
    signatory.save()
    settings.PARTNERSHIP_NAME = "Another partnership"

    certificate_issue_for_record(record_id=record.pk)
    certificate.refresh_from_db()

    assert {field: getattr(certificate, field) for field in before} == before
