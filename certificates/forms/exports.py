"""The form a coordinator fills in to download their staff's certificates."""

from __future__ import annotations

from django import forms

from config.widgets import GOVUKDateField


class ExportForm(forms.Form):
    """The period, by the date each course was completed. The service checks the period
    (certificates.services.exports.export_period_check)."""

    period_from = GOVUKDateField(
        label="Courses completed from",
        help_text="For example, 1 4 2026",
        error_messages={"required": "Enter the first day of the period."},
    )
    period_to = GOVUKDateField(
        label="Courses completed to",
        help_text="For example, 31 3 2027",
        error_messages={"required": "Enter the last day of the period."},
    )
