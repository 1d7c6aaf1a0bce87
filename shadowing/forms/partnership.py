"""The partnership team's shadowing page's filter."""

from __future__ import annotations

from typing import Any

from django import forms

from config.widgets import GOVUKDateField


class PeriodForm(forms.Form):
    """The partnership page's filter (a GET form, read by its exports too):
    ?date_from_day=…&date_to_year=…, on the day each placement was requested."""

    date_from = GOVUKDateField(
        label="Requested from", required=False, help_text="For example, 1 4 2026"
    )
    date_to = GOVUKDateField(
        label="Requested to", required=False, help_text="For example, 31 3 2027"
    )

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error(
                "date_to", "The end of the period must be the same as or after its start."
            )
        return cleaned_data
