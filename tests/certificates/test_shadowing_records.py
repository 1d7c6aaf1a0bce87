"""A completed shadowing placement's training record gets a certificate, as soon as it is made
(tasks run eagerly after commit in tests) and from the sweep for any it missed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.selectors.eligibility import records_without_certificate
from certificates.services.issuing import certificates_issue_due
from tests.organisations.factories import MembershipFactory
from training.enums import RecordSource
from training.services.records import training_record_create

pytestmark = pytest.mark.django_db(transaction=True)


def _shadowing_record():
    return training_record_create(
        membership=MembershipFactory(),
        title="Shadowing: A day with the MASH (Lewisham Children's Social Care)",
        cpd_hours=Decimal("7"),
        completed_on=timezone.localdate() - timedelta(days=3),
        standards=[],
        source=RecordSource.SHADOWING,
        created_by=None,
    )


def test_a_shadowing_record_gets_its_certificate_once_committed() -> None:
    record = _shadowing_record()

    certificate = Certificate.objects.get(training_record=record)
    assert certificate.course_title == record.title
    assert certificate.cpd_hours == Decimal("7")
    assert certificate.completed_on == record.completed_on


def test_the_sweep_issues_one_a_lost_task_left() -> None:
    record = _shadowing_record()
    Certificate.objects.filter(training_record=record).delete()
    assert records_without_certificate().filter(pk=record.pk).exists()

    assert certificates_issue_due(email=False) == 1
    assert Certificate.objects.filter(training_record=record).count() == 1


def test_other_records_without_a_booking_get_none() -> None:
    record = training_record_create(
        membership=MembershipFactory(),
        title="Verified elsewhere",
        cpd_hours=Decimal("3"),
        completed_on=timezone.localdate(),
        standards=[],
        source=RecordSource.EXTERNAL,
        created_by=None,
    )
    assert certificates_issue_due(email=False) == 0
    assert not Certificate.objects.filter(training_record=record).exists()
