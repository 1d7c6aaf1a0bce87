"""Factories for certificates: a past session attended in full with its training record, and
certificates in each state."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.conf import settings
from django.utils import timezone

from certificates.codes import code_generate
from certificates.models import Certificate
from organisations.models import Membership
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    SessionFactory,
    TrainingRecordFactory,
)
from training.enums import BookingStatus, RecordSource
from training.models import Booking, Course, TrainingRecord


def past_session_start(days_ago: int = 10) -> datetime:
    day = timezone.localtime() - timedelta(days=days_ago)
    return day.replace(hour=9, minute=30, second=0, microsecond=0)


def attended_booking(
    *,
    status: str = BookingStatus.ATTENDED,
    course: Course | None = None,
    attendee: Membership | None = None,
    days_ago: int = 10,
) -> Booking:
    """A booking on a one-day session that ended `days_ago` days ago, marked `status`; a
    training record like the one attendance gives when it is "attended"."""
    start = past_session_start(days_ago)
    session = SessionFactory.create(
        course=course or CourseFactory.create(), parts=[(start, start.replace(hour=16, minute=30))]
    )
    extra = {"attendee": attendee} if attendee is not None else {}
    booking = BookingFactory.create(session=session, status=status, **extra)
    if status == BookingStatus.ATTENDED:
        record_for(booking)
    return booking


def record_for(booking: Booking) -> TrainingRecord:
    course = booking.session.course
    assert booking.session.ends_at is not None
    return TrainingRecordFactory.create(
        user=booking.user,
        membership=booking.attendee,
        booking=booking,
        course=course,
        title=course.title,
        cpd_hours=course.cpd_hours,
        completed_on=timezone.localdate(booking.session.ends_at),
        expires_on=timezone.localdate(booking.session.ends_at) + timedelta(days=3 * 365),
        source=RecordSource.ATTENDANCE,
        standards=list(course.standards.all()),
    )


class CertificateFactory(factory.django.DjangoModelFactory):
    """A current certificate for an attended booking's record."""

    class Meta:
        model = Certificate

    training_record = factory.LazyFunction(lambda: attended_booking().record)
    holder = factory.LazyAttribute(lambda o: o.training_record.user if o.training_record else None)
    code = factory.LazyFunction(code_generate)
    holder_name = factory.LazyAttribute(
        lambda o: o.holder.get_full_name() if o.holder else "Amara Okafor"
    )
    course_title = factory.LazyAttribute(
        lambda o: o.training_record.title if o.training_record else "Working together"
    )
    session_dates = "3 March 2026"
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    cpd_hours = Decimal("6")
    standards_met = "Safeguarding children level 3"
    issuer = factory.LazyFunction(lambda: settings.PARTNERSHIP_NAME)
    signatory_name = "Dr Helen Marsh"
    signatory_role = "Independent Scrutineer"
    issued_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=9))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=1000))
