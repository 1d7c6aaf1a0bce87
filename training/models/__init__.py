"""Training: standards, courses and sessions, bookings, charges and records.

One module a topic; everything is imported here so Django and other apps see one `models`.
"""

from training.models.bookings import Booking, BookingHold, Charge
from training.models.courses import Course, CourseAudienceSector, CourseFee, TrainingStandard
from training.models.notifications import NotificationLog
from training.models.records import TrainingRecord
from training.models.sessions import Session, SessionPart
from training.models.settings import BookingRules

__all__ = [
    "Booking",
    "BookingHold",
    "BookingRules",
    "Charge",
    "Course",
    "CourseAudienceSector",
    "CourseFee",
    "NotificationLog",
    "Session",
    "SessionPart",
    "TrainingRecord",
    "TrainingStandard",
]
