"""Forms for the charges pages: filtering, waiving and the invoicing export's parameters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from config.widgets import GOVUKDateField
from organisations.models import Organisation

EXPORT_FORMATS = [("csv", "CSV"), ("xlsx", "Excel (XLSX)")]


def _period_check(form: forms.Form, date_from: Any, date_to: Any, field: str) -> None:
    if date_from and date_to and date_to < date_from:
        form.add_error(field, "The end of the period must be the same as or after its start.")


class ChargeFilterForm(forms.Form):
    """Which organisation and period to show. The period is the date of the sessions."""

    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="All organisations",
    )
    date_from = GOVUKDateField(
        label="Sessions from", required=False, help_text="For example, 1 4 2026"
    )
    date_to = GOVUKDateField(
        label="Sessions to", required=False, help_text="For example, 30 6 2026"
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("name")  # type: ignore[attr-defined]
        self.fields["organisation"].error_messages["invalid_choice"] = (
            "Choose an organisation from the list."
        )

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        _period_check(self, cleaned_data.get("date_from"), cleaned_data.get("date_to"), "date_to")
        return cleaned_data


class ChargeExportForm(forms.Form):
    """The export's query string: ?organisation=&from=&to=&format=csv|xlsx (dates as 2026-04-01)."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    format = forms.ChoiceField(choices=EXPORT_FORMATS, required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        # "from" is a Python keyword, so these two are added by name.
        self.fields["from"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        _period_check(self, cleaned_data.get("from"), cleaned_data.get("to"), "to")
        return cleaned_data


class ChargeWaiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is the charge waived?",
        help_text=(
            "This is kept with the charge and shown in the invoicing export. Do not include "
            "information about children or anyone's health."
        ),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why the charge is waived."},
    )
