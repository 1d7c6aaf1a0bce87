"""Choices for compliance: statuses against a requirement and kinds of notice."""

from django.db import models


class ComplianceStatus(models.TextChoices):
    """Where a person stands against one requirement on a given day (see docs/compliance.md)."""

    IN_DATE = "in_date", "In date"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    MISSING = "missing", "Missing"
    NEW_STARTER = "new_starter", "New starter"


# Statuses that count as holding the training today.
MET_STATUSES = frozenset({ComplianceStatus.IN_DATE, ComplianceStatus.DUE_SOON})
# Statuses that ask the person to book something.
ACTION_STATUSES = frozenset(
    {
        ComplianceStatus.DUE_SOON,
        ComplianceStatus.OVERDUE,
        ComplianceStatus.MISSING,
        ComplianceStatus.NEW_STARTER,
    }
)


class ComplianceNoticeKind(models.TextChoices):
    FIRST_REMINDER = "first_reminder", "First reminder before expiry"
    SECOND_REMINDER = "second_reminder", "Second reminder before expiry"
    EXPIRED = "expired", "Training expired"
    NEW_REQUIREMENT = "new_requirement", "New requirement"


class DigestKind(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator's monthly digest"
    CLERK = "clerk", "Clerk's monthly digest"
