"""Marking attendance from a session's register, and what follows from each mark.

- Attended: the person gets a training record for the course (one per booking, however often
  the register is saved), with the course's standards and CPD hours, completed on the day the
  session ends and expiring after the shortest validity among its standards.
- Partially attended: no training record. Certificates and compliance count full attendance
  only (see docs/training-admin.md); the mark is kept so the partnership can see who left early.
- Did not attend: a did-not-attend charge to the home organisation, a booking hold when the
  person has not attended too often, and an email to them and their manager.

Arriving after the course's late-arrival cut-off counts as not attending, whatever was chosen.
Correcting a mark undoes what the old one did: the record goes when "attended" is changed, and
a did-not-attend charge is waived (with the reason recorded) when the person did come after all.
Every change is kept in the booking's and record's history, with who made it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from training.enums import (
    ATTENDANCE_STATUSES,
    MARKABLE_STATUSES,
    BookingStatus,
    ChargeKind,
    NotificationKind,
    RecordSource,
    SessionStatus,
)
from training.models import Booking, Charge, Session, TrainingRecord
from training.permissions import can_view_register
from training.services.charges import charge_create, charge_waive
from training.services.holds import hold_apply_if_repeated_no_shows
from training.services.notifications import notify_on_commit
from training.services.records import training_record_create
from training.signals import attendance_marked

if TYPE_CHECKING:
    from accounts.models import User

# Marks meaning the person was trained, so a course fee applies.
TRAINED_STATUSES = frozenset({BookingStatus.ATTENDED, BookingStatus.PARTIALLY_ATTENDED})
# Written on the charge when a did-not-attend mark is corrected, for the invoice export.
CORRECTED_WAIVER_REASON = "Attendance corrected: the person did attend."


def late_arrival_cutoff(*, session: Session) -> datetime | None:
    """The latest arrival that still counts as attending: the start plus the course's cut-off."""
    if session.starts_at is None:
        return None
    return timezone.localtime(session.starts_at) + timedelta(
        minutes=session.course.late_arrival_cutoff_minutes
    )


def arrival_is_late(*, session: Session, arrived_at: time | None) -> bool:
    """Whether an arrival time (on the session's first day, UK time) is after the cut-off."""
    cutoff = late_arrival_cutoff(session=session)
    if arrived_at is None or cutoff is None:
        return False
    start = timezone.localtime(session.starts_at)
    arrival = datetime.combine(start.date(), arrived_at, tzinfo=start.tzinfo)
    return arrival > cutoff


def attendance_mark(
    *,
    booking: Booking,
    status: str,
    marked_by: User,
    arrived_at: time | None = None,
    now: datetime | None = None,
) -> Booking:
    """Mark one person's attendance and do what follows from it (see the module's docstring).

    Marking again with the same status and arrival time changes nothing.
    """
    now = now or timezone.now()
    if status not in ATTENDANCE_STATUSES:
        raise ValidationError(
            "Choose attended, partially attended or did not attend.", code="invalid_status"
        )
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("session__course", "user")
            .get(pk=booking.pk)
        )
        _check_markable(booking=booking, marked_by=marked_by, now=now)
        if status != BookingStatus.NO_SHOW and arrival_is_late(
            session=booking.session, arrived_at=arrived_at
        ):
            status = BookingStatus.NO_SHOW
        previous = booking.status
        if previous == status and booking.arrived_at == arrived_at:
            return booking

        booking.status = status
        booking.arrived_at = arrived_at
        booking.attendance_marked_by = marked_by
        booking.attendance_marked_at = now
        booking._history_user = marked_by  # type: ignore[attr-defined]
        booking.full_clean()
        booking.save(
            update_fields=["status", "arrived_at", "attendance_marked_by", "attendance_marked_at"]
        )

        if status == BookingStatus.ATTENDED:
            _record_create(booking=booking, created_by=marked_by)
        elif previous == BookingStatus.ATTENDED:
            _record_remove(booking=booking, removed_by=marked_by)

        if status in TRAINED_STATUSES:
            # Organisations outside the partnership pay the course fee for their sector.
            charge_create(booking=booking, kind=ChargeKind.FEE, actor=marked_by)
        elif previous in TRAINED_STATUSES:
            _charge_withdraw(
                booking=booking,
                kind=ChargeKind.FEE,
                waived_by=marked_by,
                reason="Attendance corrected: the person was not trained.",
            )

        attendance_marked.send(
            sender=Booking, booking_id=booking.pk, status=status, previous=previous
        )

        if status == BookingStatus.NO_SHOW and previous != BookingStatus.NO_SHOW:
            charge_create(booking=booking, kind=ChargeKind.NO_SHOW, actor=marked_by)
            hold_apply_if_repeated_no_shows(user=booking.user, now=now)
            notify_on_commit(booking_id=booking.pk, kind=NotificationKind.NO_SHOW)
        elif previous == BookingStatus.NO_SHOW and status != BookingStatus.NO_SHOW:
            _charge_withdraw(
                booking=booking,
                kind=ChargeKind.NO_SHOW,
                waived_by=marked_by,
                reason=CORRECTED_WAIVER_REASON,
            )
    return booking


def register_mark(
    *,
    session: Session,
    marks: dict[int, tuple[str, time | None]],
    marked_by: User,
    now: datetime | None = None,
) -> int:
    """Mark a whole register at once: booking id → (status, arrival time or None).

    All or nothing: if any mark is refused, none is saved. Returns how many bookings changed.
    """
    now = now or timezone.now()
    if not marks:
        return 0
    with transaction.atomic():
        bookings = {
            booking.pk: booking
            for booking in Booking.objects.filter(
                session=session, pk__in=marks, status__in=MARKABLE_STATUSES
            )
        }
        if set(marks) - set(bookings):
            raise ValidationError(
                "Someone on this list is no longer booked on the session. "
                "Reload the register and try again.",
                code="not_on_register",
            )
        changed = 0
        for pk, (status, arrived_at) in sorted(marks.items()):
            before = (bookings[pk].status, bookings[pk].arrived_at)
            after = attendance_mark(
                booking=bookings[pk],
                status=status,
                marked_by=marked_by,
                arrived_at=arrived_at,
                now=now,
            )
            changed += (after.status, after.arrived_at) != before
    return changed


def _check_markable(*, booking: Booking, marked_by: User, now: datetime) -> None:
    session = booking.session
    if not can_view_register(marked_by, session):
        raise ValidationError(
            "Only the session's trainers and the partnership team can mark its register.",
            code="not_allowed",
        )
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(
            "This session was cancelled, so there is no register to mark.", code="cancelled"
        )
    if session.starts_at is None or now < session.starts_at:
        raise ValidationError(
            "You can mark attendance once the session has started.", code="not_started"
        )
    if booking.status not in MARKABLE_STATUSES:
        raise ValidationError(
            f"{booking.user.get_full_name()} is not booked on this session "
            f"({booking.get_status_display().lower()}), so their attendance cannot be marked.",
            code="not_markable",
        )


def _record_create(*, booking: Booking, created_by: User) -> TrainingRecord:
    """The training record for an attended booking; the existing one if it has one already."""
    existing = TrainingRecord.objects.filter(booking=booking).first()
    if existing is not None:
        return existing
    session, course = booking.session, booking.session.course
    assert session.ends_at is not None  # a session that has started has parts
    return training_record_create(
        membership=booking.attendee,
        course=course,
        booking=booking,
        title=course.title,
        cpd_hours=course.cpd_hours,
        completed_on=timezone.localdate(session.ends_at),
        standards=list(course.standards.all()),
        source=RecordSource.ATTENDANCE,
        created_by=created_by,
    )


def _record_remove(*, booking: Booking, removed_by: User) -> None:
    """Take away the record an "attended" mark gave, when the mark is corrected."""
    record = TrainingRecord.objects.filter(booking=booking).first()
    if record is None:
        return
    record._history_user = removed_by  # type: ignore[attr-defined]
    record.delete()


def _charge_withdraw(*, booking: Booking, kind: ChargeKind, waived_by: User, reason: str) -> None:
    """Waive a charge that a mark, now corrected, had caused (a fee or a did-not-attend)."""
    charge = Charge.objects.filter(booking=booking, kind=kind, waived_at__isnull=True).first()
    if charge is not None:
        charge_waive(
            charge=charge,
            waived_by=waived_by,
            reason=reason,
            correcting_register=True,
        )
