"""Choices for training, with the named groups of booking states that rules rely on."""

from django.db import models


class Delivery(models.TextChoices):
    CLASSROOM = "classroom", "Classroom"
    VIRTUAL = "virtual", "Online, live"
    ELEARNING = "elearning", "E-learning, at your own pace"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class MixScope(models.TextChoices):
    ORGANISATION = "organisation", "Each organisation"
    SECTOR = "sector", "Each sector"


class BookingStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    CONFIRMED = "confirmed", "Booked"
    WAITLISTED = "waitlisted", "On the waiting list"
    OFFERED = "offered", "Place offered"
    DECLINED = "declined", "Declined by manager"
    EXPIRED = "expired", "Request expired"
    CANCELLED = "cancelled", "Cancelled"
    LATE_CANCELLED = "late_cancelled", "Cancelled late"
    SESSION_CANCELLED = "session_cancelled", "Session cancelled"
    ATTENDED = "attended", "Attended"
    PARTIALLY_ATTENDED = "partially_attended", "Partially attended"
    NO_SHOW = "no_show", "Did not attend"


# Bookings that hold one of the session's places.
PLACE_HOLDING_STATUSES = frozenset(
    {
        BookingStatus.AWAITING_APPROVAL,
        BookingStatus.CONFIRMED,
        BookingStatus.OFFERED,
        BookingStatus.ATTENDED,
        BookingStatus.PARTIALLY_ATTENDED,
        BookingStatus.NO_SHOW,
    }
)
# Bookings that still count as the person's one booking for the session (database constraint).
ACTIVE_STATUSES = PLACE_HOLDING_STATUSES | {BookingStatus.WAITLISTED}
# Bookings whose register may be marked.
MARKABLE_STATUSES = frozenset(
    {
        BookingStatus.CONFIRMED,
        BookingStatus.ATTENDED,
        BookingStatus.PARTIALLY_ATTENDED,
        BookingStatus.NO_SHOW,
    }
)
ATTENDANCE_STATUSES = frozenset(
    {BookingStatus.ATTENDED, BookingStatus.PARTIALLY_ATTENDED, BookingStatus.NO_SHOW}
)


class ChargeKind(models.TextChoices):
    LATE_CANCELLATION = "late_cancellation", "Late cancellation"
    NO_SHOW = "no_show", "Did not attend"
    FEE = "fee", "Course fee"


class RecordSource(models.TextChoices):
    ATTENDANCE = "attendance", "Attended a session"
    ELEARNING = "elearning", "E-learning"
    EXTERNAL = "external", "Training elsewhere, verified"
    IMPORT = "import", "Imported"
    SHADOWING = "shadowing", "Shadowing another agency"


class NotificationKind(models.TextChoices):
    BOOKING_CONFIRMED = "booking_confirmed", "Booking confirmed"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVAL_REQUESTED = "approval_requested", "Approval requested (to the manager)"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    REQUEST_EXPIRED = "request_expired", "Request expired"
    WAITLISTED = "waitlisted", "Added to the waiting list"
    OFFER = "offer", "Waiting-list place offered"
    REMINDER = "reminder", "Reminder"
    JOINING_INSTRUCTIONS = "joining_instructions", "Joining instructions"
    SESSION_CHANGED = "session_changed", "Session changed"
    SESSION_CANCELLED = "session_cancelled", "Session cancelled"
    BOOKING_CANCELLED = "booking_cancelled", "Booking cancelled"
    NO_SHOW = "no_show", "Did not attend"
