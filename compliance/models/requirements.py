"""What each membership must hold, and the tables compliance is computed from.

- `Requirement`: which memberships (sector, job roles, kind, governor role) must hold which
  standard, renewed how often, with how long a grace period for new starters. Edited by the
  partnership team; nothing about requirements is written in code.
- `AppliedRequirement`: a database view with one row for each membership and each requirement
  that applies to it. Django cannot join two unrelated tables on a condition, so the view does
  that one join; everything else (dates, statuses, counts) is ORM annotation and aggregation in
  `compliance.selectors.statuses`. See docs/compliance.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from organisations.enums import GovernorRole, MembershipKind, Sector


class RequirementQuerySet(models.QuerySet["Requirement"]):
    def active(self) -> RequirementQuerySet:
        return self.filter(is_active=True)


class Requirement(models.Model):
    """A standard that some memberships must hold. Blank conditions match every membership."""

    name = models.CharField(
        max_length=200,
        help_text='What people see, for example "Level 3 for health practitioners".',
    )
    standard = models.ForeignKey(
        "training.TrainingStandard", on_delete=models.PROTECT, related_name="requirements"
    )
    sector = models.CharField(
        max_length=40, choices=Sector.choices, blank=True, help_text="Blank means every sector."
    )
    membership_kind = models.CharField(
        "Kind of membership",
        max_length=20,
        choices=MembershipKind.choices,
        blank=True,
        help_text="Blank means staff, governors and volunteers alike.",
    )
    governor_role = models.CharField(
        max_length=20,
        choices=GovernorRole.choices,
        blank=True,
        help_text="Only governors holding this role, such as the chair. Blank means any.",
    )
    job_roles = models.ManyToManyField(
        "organisations.JobRole",
        blank=True,
        related_name="requirements",
        db_table="training_requirement_job_roles",
        help_text="Only people in these job roles. Leave empty for every job role.",
    )
    renewal_months = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=(
            "Renew every this many months. Blank uses the standard's validity; a standard "
            "that does not expire is then needed once."
        ),
    )
    grace_months = models.PositiveIntegerField(
        default=3,
        help_text="How long a new starter has to meet it before they count as missing.",
    )
    applies_from = models.DateField(
        default=timezone.localdate,
        help_text=(
            "The day it starts to apply. People already in post have the grace period from "
            "this day."
        ),
    )
    is_active = models.BooleanField(default=True, help_text="Clear to stop applying it.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        db_table = "training_requirement"  # made by the training app before compliance had one
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(governor_role="")
                | models.Q(membership_kind=MembershipKind.GOVERNOR),
                name="requirement_governor_role_only_for_governors",
            ),
            models.CheckConstraint(
                condition=models.Q(renewal_months__isnull=True) | models.Q(renewal_months__gt=0),
                name="requirement_renewal_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.governor_role and self.membership_kind != MembershipKind.GOVERNOR:
            raise ValidationError(
                {
                    "governor_role": "A governor role applies only to governors: choose Governor "
                    "as the kind of membership, or clear the governor role."
                }
            )
        if self.renewal_months == 0:
            raise ValidationError(
                {"renewal_months": "Enter a number of months of 1 or more, or leave it blank."}
            )


class AppliedRequirement(models.Model):
    """One membership and one active requirement that applies to it (a database view).

    The view is created by migration 0004 in SQL that PostgreSQL and SQLite both run. It does
    not filter by date: callers choose the memberships current on the day they ask about.
    """

    pk = models.CompositePrimaryKey("membership_id", "requirement_id")
    membership = models.ForeignKey(
        "organisations.Membership", on_delete=models.DO_NOTHING, related_name="+"
    )
    requirement = models.ForeignKey(Requirement, on_delete=models.DO_NOTHING, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+"
    )
    standard = models.ForeignKey(
        "training.TrainingStandard", on_delete=models.DO_NOTHING, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.DO_NOTHING, related_name="+"
    )

    class Meta:
        managed = False
        db_table = "training_appliedrequirement"

    def __str__(self) -> str:
        return f"{self.requirement} for membership {self.membership_id}"
