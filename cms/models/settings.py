"""Site-wide settings the partnership team edits in the admin (Settings menu)."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from cms.blocks import PHONE_VALIDATOR


@register_setting(icon="warning")
class SafeguardingContacts(BaseGenericSetting):
    """The numbers in "Worried about a child?" on the home page, every guide and every poster.

    "If a child is in immediate danger, call 999" is not a setting: the templates always show it.
    """

    front_door_name = models.CharField(
        "Front door",
        max_length=200,
        default="Multi-Agency Safeguarding Hub (MASH)",
        help_text="Where to report a concern about a child in office hours.",
    )
    front_door_phone = models.CharField(
        "Front door phone", max_length=30, validators=[PHONE_VALIDATOR], default="020 8314 6660"
    )
    front_door_email = models.EmailField("Front door email", blank=True)
    front_door_hours = models.CharField(
        "Front door hours", max_length=200, default="Monday to Friday, 9am to 5pm"
    )
    out_of_hours_name = models.CharField(
        "Out of hours", max_length=200, default="Emergency Duty Team"
    )
    out_of_hours_phone = models.CharField(
        "Out-of-hours phone", max_length=30, validators=[PHONE_VALIDATOR], default="020 8314 6000"
    )
    out_of_hours_hours = models.CharField(
        "Out-of-hours times",
        max_length=200,
        default="Evenings, weekends and bank holidays",
    )
    textphone = models.CharField(
        "Textphone or Relay UK",
        max_length=100,
        blank=True,
        help_text="For example '18001 020 8314 6660' (Relay UK).",
    )
    police_non_emergency = models.CharField(
        "Police non-emergency", max_length=30, default="101", validators=[PHONE_VALIDATOR]
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("front_door_name"),
                FieldPanel("front_door_phone"),
                FieldPanel("front_door_email"),
                FieldPanel("front_door_hours"),
            ],
            heading="In office hours",
        ),
        MultiFieldPanel(
            [
                FieldPanel("out_of_hours_name"),
                FieldPanel("out_of_hours_phone"),
                FieldPanel("out_of_hours_hours"),
            ],
            heading="Out of hours",
        ),
        FieldPanel("textphone"),
        FieldPanel("police_non_emergency"),
    ]

    class Meta:
        verbose_name = "safeguarding contacts"
