"""Training: standards, courses and sessions, bookings, charges and records.

One module a topic; everything is imported here so Django and other apps see one `models`.
"""

from training.models.bookings import Booking, BookingHold, Charge
from training.models.compliance_notices import ComplianceDigest, ComplianceNotice
from training.models.courses import Course, CourseAudienceSector, CourseFee, TrainingStandard
from training.models.evidence import ExternalEvidence
from training.models.governors import GovernorDeclaration
from training.models.notifications import NotificationLog
from training.models.record_imports import RecordImportBatch
from training.models.records import TrainingRecord
from training.models.requirements import AppliedRequirement, Requirement, StandardCover
from training.models.sessions import Session, SessionPart
from training.models.settings import BookingRules, ComplianceRules

__all__ = [
    "AppliedRequirement",
    "Booking",
    "BookingHold",
    "BookingRules",
    "Charge",
    "ComplianceDigest",
    "ComplianceNotice",
    "ComplianceRules",
    "Course",
    "CourseAudienceSector",
    "CourseFee",
    "ExternalEvidence",
    "GovernorDeclaration",
    "NotificationLog",
    "RecordImportBatch",
    "Requirement",
    "Session",
    "SessionPart",
    "StandardCover",
    "TrainingRecord",
    "TrainingStandard",
]
