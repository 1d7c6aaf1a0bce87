"""Booking rules the partnership team can change without a release."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="calendar")
class BookingRules(BaseGenericSetting):
    """Partnership-wide booking rules (edited in the admin under Settings)."""

    offer_hours = models.PositiveIntegerField(
        default=48,
        validators=[MinValueValidator(1)],
        help_text="How long someone on the waiting list has to accept a place.",
    )
    offer_hours_near_session = models.PositiveIntegerField(
        default=12,
        validators=[MinValueValidator(1)],
        help_text="The shorter time to accept when the session is close.",
    )
    near_session_days = models.PositiveIntegerField(
        default=5, help_text="Within this many days of the session, use the shorter time."
    )
    approval_expires_hours_before = models.PositiveIntegerField(
        default=48,
        help_text="Requests a manager has not answered expire this long before the session.",
    )
    reminder_days_before = models.PositiveIntegerField(default=14)
    joining_instructions_days_before = models.PositiveIntegerField(default=5)
    joining_details_shown_days_before = models.PositiveIntegerField(
        default=7,
        help_text="The venue details or joining link are shown this close to the session.",
    )
    no_show_hold_threshold = models.PositiveIntegerField(
        default=2,
        validators=[MinValueValidator(1)],
        help_text="This many non-attendances in the window below put a booking hold in place.",
    )
    no_show_window_months = models.PositiveIntegerField(
        default=12, validators=[MinValueValidator(1)]
    )
    hold_days = models.PositiveIntegerField(
        default=90, validators=[MinValueValidator(1)], help_text="How long a booking hold lasts."
    )

    class Meta:
        verbose_name = "Booking rules"
