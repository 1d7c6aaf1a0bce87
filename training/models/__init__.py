"""Training: standards, courses and sessions, bookings, charges, notifications and records.

One module a topic; everything is imported here so Django and other apps see one `models`.
Requirements and statuses are in `compliance`, training done elsewhere in `evidence`.
"""

from training.models.bookings import Booking, BookingHold, Charge
from training.models.courses import Course, CourseAudienceSector, CourseFee, TrainingStandard
from training.models.notifications import NotificationLog
from training.models.record_imports import RecordImportBatch
from training.models.records import TrainingRecord
from training.models.sessions import Session, SessionPart
from training.models.settings import BookingRules
from training.models.standards import StandardCover

__all__ = [
    "Booking",
    "BookingHold",
    "BookingRules",
    "Charge",
    "Course",
    "CourseAudienceSector",
    "CourseFee",
    "NotificationLog",
    "RecordImportBatch",
    "Session",
    "SessionPart",
    "StandardCover",
    "TrainingRecord",
    "TrainingStandard",
]
