"""Notifications about bookings, each sent exactly once (see docs/notifications.md).

Services call `notify_on_commit`; the email goes from a Celery task after the transaction
commits. Time-based notifications (reminders, joining instructions) come from a beat sweep,
`notifications_sweep`, which picks the bookings due in one query a kind.

Exactly once: for each recipient, one transaction inserts the `NotificationLog` row (unique per
booking, kind, key and recipient) and sends the email. A second run hits the unique constraint
and skips; a run that fails before commit leaves no row, so the retry or the next sweep sends.
"""

from __future__ import annotations

import enum
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from outbox.messages import absolute_url, email_render
from training.calendar_files import (
    booking_calendar_file,
    joining_details_shown,
    session_url,
)
from training.enums import (
    ACTIVE_STATUSES,
    ATTENDANCE_STATUSES,
    BookingStatus,
    ChargeKind,
    NotificationKind,
    SessionStatus,
)
from training.models import (
    Booking,
    BookingRules,
    Charge,
    NotificationLog,
    Session,
    SessionPart,
)

logger = logging.getLogger(__name__)


class Audience(enum.Enum):
    """Whom, in relation to the booking, a notification is for."""

    ATTENDEE = "attendee"
    MANAGER = "manager"


# Who hears about each kind; every kind not listed goes to the attendee only.
AUDIENCES: dict[NotificationKind, tuple[Audience, ...]] = {
    NotificationKind.APPROVAL_REQUESTED: (Audience.MANAGER,),
    # The partnership's terms: a no-show email goes to the learner and to their manager.
    NotificationKind.NO_SHOW: (Audience.ATTENDEE, Audience.MANAGER),
}

# Emails that carry the calendar file: the ones that put the session in the person's diary,
# change it there, or take it out.
CALENDAR_KINDS = frozenset(
    {
        NotificationKind.BOOKING_CONFIRMED,
        NotificationKind.APPROVED,
        NotificationKind.SESSION_CHANGED,
        NotificationKind.SESSION_CANCELLED,
        NotificationKind.BOOKING_CANCELLED,
    }
)

# Bookings told when their session's time or place changes. Attendance statuses belong to
# sessions that have already run.
TOLD_OF_CHANGES = ACTIVE_STATUSES - ATTENDANCE_STATUSES

# A person who cancelled, was declined or whose request expired has no place to lose.
_NOT_TOLD_OF_SESSION_CANCELLATION = frozenset(
    {
        BookingStatus.CANCELLED,
        BookingStatus.LATE_CANCELLED,
        BookingStatus.DECLINED,
        BookingStatus.EXPIRED,
    }
)


def notify_on_commit(*, booking_id: int, kind: NotificationKind, key: str = "") -> None:
    """Queue one notification about a booking, sent once the current transaction commits."""
    from training.tasks.bookings import notification_send_task

    # The task's arguments travel as JSON: plain strings, not the enum.
    kind_value = NotificationKind(kind).value
    transaction.on_commit(lambda: notification_send_task.delay(booking_id, kind_value, key))


def notification_send(
    *,
    booking: Booking,
    kind: NotificationKind | str,
    key: str = "",
    now: datetime | None = None,
) -> bool:
    """Email one notification about a booking to each of its recipients, once.

    Returns whether anything was sent. Nothing is sent when the notification no longer applies
    (a reminder for a booking cancelled meanwhile), or to a recipient who already has it.
    `key` tells repeats of one kind apart, such as each change to a session.
    """
    kind = NotificationKind(kind)
    now = now or timezone.now()
    sent = False
    for audience in AUDIENCES.get(kind, (Audience.ATTENDEE,)):
        log_extra = {"booking_id": booking.pk, "kind": kind.value, "key": key, "to": audience.value}
        try:
            with transaction.atomic():
                # Locked, so a cancellation committing now either waits for this email or is
                # seen by the check below.
                current = _booking_for_email(booking_id=booking.pk)
                if current is None or not notification_applies(
                    booking=current, kind=kind, key=key, now=now
                ):
                    logger.info("notification no longer applies", extra=log_extra)
                    return sent
                recipient = _recipient(current, audience)
                if recipient is None:
                    logger.warning("notification has no recipient", extra=log_extra)
                    continue
                NotificationLog.objects.create(
                    booking=current, kind=kind, key=key, recipient=recipient.email
                )
                _message(
                    booking=current,
                    kind=kind,
                    key=key,
                    recipient=recipient,
                    to_manager=audience is Audience.MANAGER,
                    now=now,
                ).send()
        except IntegrityError:
            logger.info("notification already sent", extra=log_extra)
            continue
        sent = True
        logger.info("notification sent", extra=log_extra)
    return sent


def notification_applies(
    *, booking: Booking, kind: NotificationKind, key: str = "", now: datetime
) -> bool:
    """Whether the notification still says something true about the booking."""
    session = booking.session
    status = booking.status
    upcoming = (
        session.status == SessionStatus.SCHEDULED
        and session.starts_at is not None
        and session.starts_at > now
    )
    match kind:
        case (
            NotificationKind.BOOKING_CONFIRMED
            | NotificationKind.APPROVED
            | NotificationKind.REMINDER
            | NotificationKind.JOINING_INSTRUCTIONS
        ):
            return upcoming and status == BookingStatus.CONFIRMED
        case NotificationKind.AWAITING_APPROVAL | NotificationKind.APPROVAL_REQUESTED:
            return upcoming and status == BookingStatus.AWAITING_APPROVAL
        case NotificationKind.WAITLISTED:
            return upcoming and status == BookingStatus.WAITLISTED
        case NotificationKind.OFFER:
            return (
                upcoming
                and status == BookingStatus.OFFERED
                and (booking.offer_expires_at is None or booking.offer_expires_at > now)
            )
        case NotificationKind.DECLINED:
            return status == BookingStatus.DECLINED
        case NotificationKind.REQUEST_EXPIRED:
            return status == BookingStatus.EXPIRED
        case NotificationKind.SESSION_CHANGED:
            # A later change supersedes this one: its own email carries the newest details.
            return upcoming and status in TOLD_OF_CHANGES and key == str(session.sequence)
        case NotificationKind.SESSION_CANCELLED:
            return (
                session.status == SessionStatus.CANCELLED
                and status not in _NOT_TOLD_OF_SESSION_CANCELLATION
            )
        case NotificationKind.BOOKING_CANCELLED:
            return status in {BookingStatus.CANCELLED, BookingStatus.LATE_CANCELLED}
        case NotificationKind.NO_SHOW:
            return status == BookingStatus.NO_SHOW
    return False


def session_changed_notify(*, session: Session, changed_by: User) -> int:
    """Tell everyone with an active booking that the session's time or place has changed.

    Call it after saving the change. Raises the session's SEQUENCE, so the calendar files
    attached to the emails replace the events people already have. Returns how many bookings
    are told.
    """
    with transaction.atomic():
        # F(), so two changes saved at once both count.
        Session.objects.filter(pk=session.pk).update(sequence=F("sequence") + 1)
        session.refresh_from_db(fields=["sequence"])
        key = str(session.sequence)
        booking_ids = list(
            session.bookings.filter(status__in=TOLD_OF_CHANGES).values_list("pk", flat=True)
        )
        for booking_id in booking_ids:
            notify_on_commit(booking_id=booking_id, kind=NotificationKind.SESSION_CHANGED, key=key)
    logger.info(
        "session changed",
        extra={
            "session_id": session.pk,
            "sequence": session.sequence,
            "changed_by": changed_by.pk,
            "bookings": len(booking_ids),
        },
    )
    return len(booking_ids)


def notifications_due(*, now: datetime) -> list[tuple[int, NotificationKind]]:
    """Reminders and joining instructions due now and not yet sent: (booking id, kind).

    One query a kind, whatever the number of bookings. A reminder goes within
    `reminder_days_before` days of the session, but only to people who booked before that
    window opened (the rest have just had their confirmation) and only until the joining
    instructions are due (which remind them anyway).
    """
    rules = BookingRules.load()
    reminder_window = timedelta(days=rules.reminder_days_before)
    joining_window = timedelta(days=rules.joining_instructions_days_before)
    booked = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        session__status=SessionStatus.SCHEDULED,
        session__starts_at__gt=now,
    )
    reminders = booked.filter(
        session__starts_at__lte=now + reminder_window,
        session__starts_at__gt=now + joining_window,
        created_at__lte=F("session__starts_at") - reminder_window,
    ).exclude(_already_sent(NotificationKind.REMINDER))
    joining = booked.filter(session__starts_at__lte=now + joining_window).exclude(
        _already_sent(NotificationKind.JOINING_INSTRUCTIONS)
    )
    due = [(pk, NotificationKind.REMINDER) for pk in reminders.values_list("pk", flat=True)]
    due += [
        (pk, NotificationKind.JOINING_INSTRUCTIONS) for pk in joining.values_list("pk", flat=True)
    ]
    return due


def notifications_sweep(*, now: datetime) -> int:
    """Queue the reminders and joining instructions that are due. Returns how many.

    Safe to run twice at once: both may queue the same notification, and the sent-log lets
    only one of them send it.
    """
    from training.tasks.bookings import notification_send_task

    due = notifications_due(now=now)
    for booking_id, kind in due:
        notification_send_task.delay(booking_id, kind.value, "")
    if due:
        logger.info("notifications due", extra={"count": len(due)})
    return len(due)


def _already_sent(kind: NotificationKind) -> Exists:
    return Exists(NotificationLog.objects.filter(booking=OuterRef("pk"), kind=kind, key=""))


def _booking_for_email(*, booking_id: int) -> Booking | None:
    """The booking with everything an email needs, locked for the current transaction."""
    return (
        Booking.objects.select_related(
            "session__course",
            "user",
            "booked_by",
            "decided_by",
            "attendee__organisation",
            "attendee__line_manager__user",
        )
        .prefetch_related(
            Prefetch("session__parts", queryset=SessionPart.objects.order_by("starts_at"))
        )
        # Only the booking row: the joined line manager may be missing (an outer join).
        .select_for_update(of=("self",))
        .filter(pk=booking_id)
        .first()
    )


def _recipient(booking: Booking, audience: Audience) -> User | None:
    if audience is Audience.ATTENDEE:
        return booking.user if booking.user.is_active else None
    manager = booking.attendee.line_manager
    if manager is None or not manager.is_current() or not manager.user.is_active:
        return None
    return manager.user


def _message(
    *,
    booking: Booking,
    kind: NotificationKind,
    key: str,
    recipient: User,
    to_manager: bool,
    now: datetime,
) -> EmailMessage:
    context = _context(booking=booking, kind=kind, key=key, now=now)
    context |= {"recipient": recipient, "to_manager": to_manager}
    attach_calendar = kind in CALENDAR_KINDS and not to_manager
    if kind == NotificationKind.SESSION_CHANGED:
        # An update to the calendar is only for someone who has the place.
        attach_calendar = attach_calendar and booking.status == BookingStatus.CONFIRMED
    elif kind in {NotificationKind.SESSION_CANCELLED, NotificationKind.BOOKING_CANCELLED}:
        # Only a place that was booked is in the person's calendar to be removed.
        attach_calendar = attach_calendar and context["had_place"]
    context["has_calendar"] = attach_calendar
    message = email_render(f"training/email/{kind.value}", context, to=recipient.email)
    if attach_calendar:
        calendar_file = booking_calendar_file(booking=booking, now=now)
        message.attach("invite.ics", calendar_file.content, calendar_file.content_type)
    return message


def _context(
    *, booking: Booking, kind: NotificationKind, key: str, now: datetime
) -> dict[str, Any]:
    session = booking.session
    booked = booking.status == BookingStatus.CONFIRMED
    rules = BookingRules.load()
    joining_shown = booked and (
        kind == NotificationKind.JOINING_INSTRUCTIONS
        or joining_details_shown(session=session, now=now, rules=rules)
    )
    manager = booking.attendee.line_manager
    context: dict[str, Any] = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "booking": booking,
        "session": session,
        "course": session.course,
        "parts": list(session.parts.all()),
        "attendee": booking.user,
        "organisation": booking.attendee.organisation,
        "booked_for_them": booking.booked_by_id != booking.user_id,
        "manager": manager.user if manager else None,
        "key": key,
        "session_url": session_url(session),
        # The full venue (room, directions) is for people with a place; others see the building.
        "venue": session.venue.strip() if booked else _first_line(session.venue),
        "joining_shown": joining_shown,
        "joining_link": session.joining_link if joining_shown else "",
        "joining_details": session.joining_details.strip() if joining_shown else "",
        "has_joining": bool(session.joining_link or session.joining_details),
        "joining_shown_days": rules.joining_details_shown_days_before,
        "rules": rules,
    }
    if kind == NotificationKind.APPROVAL_REQUESTED:
        context["approvals_url"] = absolute_url(reverse("training:approvals"))
    if kind == NotificationKind.WAITLISTED:
        context["waiting_position"] = (
            Booking.objects.waiting()
            .filter(session=session, waitlisted_at__lt=booking.waitlisted_at or now)
            .count()
            + 1
        )
    if kind in {NotificationKind.SESSION_CANCELLED, NotificationKind.BOOKING_CANCELLED}:
        before = _status_before_cancelling(booking)
        context["status_before"] = before
        # No history (a booking imported as cancelled): assume the place was booked.
        context["had_place"] = before in {None, BookingStatus.CONFIRMED}
    charge_kind = {
        NotificationKind.BOOKING_CANCELLED: ChargeKind.LATE_CANCELLATION,
        NotificationKind.NO_SHOW: ChargeKind.NO_SHOW,
    }.get(kind)
    if charge_kind is not None:
        context["charge"] = Charge.objects.filter(
            booking=booking, kind=charge_kind, waived_at__isnull=True
        ).first()
    return context


def _status_before_cancelling(booking: Booking) -> str | None:
    """What the booking was before it was cancelled (booked, waiting, offered…), from its
    history, so the email can say what the person has lost."""
    cancelled = [
        BookingStatus.CANCELLED,
        BookingStatus.LATE_CANCELLED,
        BookingStatus.SESSION_CANCELLED,
    ]
    return (
        booking.history.exclude(status__in=cancelled)
        .order_by("-history_date", "-history_id")
        .values_list("status", flat=True)
        .first()
    )


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""
