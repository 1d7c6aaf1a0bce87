"""`ComplianceRules`: the partnership's settings for compliance (when training counts as due
soon, when reminders go, which edition of the statutory guidance governors declare they have
read), edited in the admin under Settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="tasks")
class ComplianceRules(BaseGenericSetting):
    """Partnership-wide compliance rules (edited in the admin under Settings)."""

    due_soon_days = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(1)],
        help_text="Training counts as due soon this many days before it expires.",
    )
    first_reminder_days = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(1)],
        help_text="Remind people this many days before their training expires.",
    )
    second_reminder_days = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text="Remind them again this many days before. Must be fewer than the first.",
    )
    guidance_edition = models.CharField(
        "Current edition of the statutory guidance",
        max_length=120,
        default="Keeping children safe in education 2026",
        help_text="Governors declare each year that they have read this edition.",
    )
    guidance_url = models.URLField(
        "Link to the guidance",
        default="https://www.gov.uk/government/publications/keeping-children-safe-in-education--2",
    )

    class Meta:
        db_table = "training_compliancerules"
        verbose_name = "Compliance rules"

    def clean(self) -> None:
        if self.second_reminder_days >= self.first_reminder_days:
            raise ValidationError(
                {
                    "second_reminder_days": "The second reminder must come fewer days before "
                    "expiry than the first."
                }
            )
