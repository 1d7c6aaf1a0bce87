"""The GOV.UK date input: day, month and year in three boxes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms


class GOVUKDateInput(forms.MultiWidget):
    """Three text boxes for a date. Rendered by templates/includes/field.html."""

    template_name = "django/forms/widgets/multiwidget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [forms.TextInput(), forms.TextInput(), forms.TextInput()]
        super().__init__(widgets, attrs)
        self.widgets_names = ["_day", "_month", "_year"]

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            # What was typed, as value_from_datadict joined it: show it again after an error.
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str | None:  # type: ignore[override]
        day, month, year = (
            data.get(f"{name}{suffix}", "").strip() for suffix in self.widgets_names
        )
        if not (day or month or year):
            return None
        return f"{year}-{month}-{day}"


class GOVUKDateField(forms.DateField):
    """A date asked for as day, month and year, with plain-English errors."""

    widget = GOVUKDateInput
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": "Enter a real date, for example 27 3 2026.",
    }
