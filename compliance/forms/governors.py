"""Forms for the governors' pages: the declaration, and the take-up table's order and export."""

from __future__ import annotations

from django import forms

# Columns the take-up table sorts by, as they appear in the address (?sort=rate).
TAKE_UP_SORTS = [("school", "School"), ("rate", "In date"), ("overdue", "Overdue or missing")]
SORT_ORDERS = [("asc", "Ascending"), ("desc", "Descending")]
EXPORT_FORMATS = [("csv", "CSV"), ("xlsx", "Excel")]


class DeclarationForm(forms.Form):
    """ "I have read <edition>". The edition the governor saw travels with the form, so a new
    edition published meanwhile is never declared unread."""

    edition = forms.CharField(widget=forms.HiddenInput, max_length=120)


class TakeUpSortForm(forms.Form):
    """The take-up table's order (sent with GET). Anything unexpected falls back to school
    name, A to Z."""

    sort = forms.ChoiceField(choices=TAKE_UP_SORTS, required=False)
    order = forms.ChoiceField(choices=SORT_ORDERS, required=False)

    def sort_and_order(self) -> tuple[str, str]:
        if not self.is_valid():
            return "school", "asc"
        return self.cleaned_data["sort"] or "school", self.cleaned_data["order"] or "asc"


class TakeUpExportForm(TakeUpSortForm):
    format = forms.ChoiceField(choices=EXPORT_FORMATS)
