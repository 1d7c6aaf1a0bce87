"""Choices used by the published pages, with the named groups that rules rely on."""

from django.db import models


class TimescaleUnit(models.TextChoices):
    """How long a stage of an escalation may take before moving to the next."""

    IMMEDIATELY = "immediately", "Immediately"
    HOURS = "hours", "Hours"
    WORKING_DAYS = "working_days", "Working days"
    DAYS = "days", "Days"


class ReviewStatus(models.TextChoices):
    """Whether a published guide or procedure is within its review date."""

    IN_DATE = "in_date", "In date"
    DUE_SOON = "due_soon", "Review due soon"
    OVERDUE = "overdue", "Overdue for review"


class ReviewReminderKind(models.TextChoices):
    """The reminders a page's review owner gets, each once for each review date."""

    DUE_SOON = "due_soon", "30 days before the review date"
    DUE = "due", "On the review date"


# Days before the review date that the owner is first reminded, and that readers of the
# partnership's currency table see "review due soon". One figure so the two never disagree.
REVIEW_DUE_SOON_DAYS = 30
