"""The practitioner's evaluation to complete.

The last registers the programme marked are weeks old, so every "straight after" evaluation
they asked has closed. For practitioner@demo.example to have one open, she was on the latest
practice reviews briefing (a course with no standard, so her compliance is as the training
steps left it) and the trainer put her on its register late, on the last working day: she had
joined the online briefing by phone, so the register showed her absent until she said so.
Her "straight after" evaluation was asked then; her certificate waits for it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from demo.training.bookings import history_add
from demo.training.courses import PRACTICE_REVIEWS
from demo.training.dates import at, months_after
from demo.training.programme import PRACTITIONER
from organisations.enums import MembershipKind
from organisations.models import Membership
from training.enums import BookingStatus, RecordSource, SessionStatus
from training.models import Booking, Session, TrainingRecord
from training.working_days import is_working_day

# She booked three weeks before the briefing, and the register was put right in the afternoon.
BOOKED_BEFORE = timedelta(days=21)
CORRECTED_AT = time(16, 10)


def practitioner_late_register_seed(*, now: datetime) -> Booking | None:
    """Put the practitioner on the latest past practice reviews briefing, marked attended on
    the last working day; None if she is on it already or there is none."""
    session = (
        Session.objects.filter(
            course__slug=PRACTICE_REVIEWS, status=SessionStatus.SCHEDULED, ends_at__lt=now
        )
        .filter(bookings__attendance_marked_at__isnull=False)
        .select_related("course")
        .order_by("-starts_at")
        .first()
    )
    membership = (
        Membership.objects.filter(user__email=PRACTITIONER, kind=MembershipKind.STAFF)
        .select_related("user")
        .first()
    )
    if session is None or membership is None or session.starts_at is None:
        return None
    if session.ends_at is None or session.bookings.filter(user=membership.user).exists():
        return None
    trainer = session.trainers.order_by("pk").first()
    day = timezone.localdate(now) - timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    marked_at = at(day, CORRECTED_AT)
    if marked_at <= session.ends_at or marked_at >= now:
        marked_at = session.ends_at + timedelta(minutes=15)
    booked_at = max(
        at(timezone.localdate(session.starts_at) - BOOKED_BEFORE, time(10, 35)),
        session.booking_opens_at or session.starts_at - BOOKED_BEFORE,
    )
    trainer_id = trainer.pk if trainer is not None else None
    booking = Booking(
        session=session,
        attendee=membership,
        user=membership.user,
        booked_by=membership.user,
        status=BookingStatus.ATTENDED,
        attendance_marked_by_id=trainer_id,
        attendance_marked_at=marked_at,
    )
    # Bulk inserts, as the programme writes: no history dated today, and the times put back.
    Booking.objects.bulk_create([booking])
    Booking.objects.filter(pk=booking.pk).update(created_at=booked_at)
    booking.created_at = booked_at
    course = session.course
    standards = list(course.standards.all())
    months = [s.validity_months for s in standards if s.validity_months]
    completed_on = timezone.localdate(session.ends_at)
    record = TrainingRecord(
        user=membership.user,
        membership=membership,
        course=course,
        booking=booking,
        title=course.title,
        cpd_hours=course.cpd_hours,
        completed_on=completed_on,
        expires_on=months_after(completed_on, min(months)) if months else None,
        source=RecordSource.ATTENDANCE,
        created_by_id=trainer_id,
    )
    TrainingRecord.objects.bulk_create([record])
    TrainingRecord.objects.filter(pk=record.pk).update(created_at=marked_at)
    record.created_at = marked_at
    through = TrainingRecord.standards.through
    through.objects.bulk_create(
        [through(trainingrecord=record, trainingstandard=standard) for standard in standards]
    )
    history_add(Booking, [(booking, marked_at, trainer_id)])
    history_add(TrainingRecord, [(record, marked_at, trainer_id)])
    return booking
