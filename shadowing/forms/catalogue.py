"""The catalogue's filters, sent in the address (GET), so a filtered list can be shared."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from config.widgets import GOVUKDateField
from organisations.enums import Sector
from shadowing.selectors.catalogue import CatalogueFilters, organisations_offering


class CatalogueFilterForm(forms.Form):
    sector = forms.ChoiceField(
        label="Host's sector", required=False, choices=[("", "Any sector"), *Sector.choices]
    )
    organisation = forms.TypedChoiceField(
        label="Host organisation", required=False, coerce=int, empty_value=None
    )
    date_from = GOVUKDateField(label="Visiting from", required=False)
    date_to = GOVUKDateField(label="Visiting until", required=False)
    has_places = forms.BooleanField(label="Only opportunities with places left", required=False)
    open_to_me = forms.BooleanField(label="Only opportunities I can ask for", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = cast(forms.TypedChoiceField, self.fields["organisation"])
        organisation.choices = [
            ("", "Any organisation"),
            *((str(pk), name) for pk, name in organisations_offering()),
        ]

        # "return": the completed placement a return visit answers (from My shadowing),
        # kept while filtering and carried to the request form.
        self.fields["return"] = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def return_of(self) -> int | None:
        self.is_valid()  # Fields that are valid keep their value when another is not.
        value = self.cleaned_data.get("return")
        return int(value) if value is not None else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The end of the range must be on or after its start.")
        return cleaned

    def filters(self) -> CatalogueFilters:
        """The filters chosen; none when the form is not valid (every opportunity shown)."""
        if not self.is_valid():
            return CatalogueFilters()
        data = self.cleaned_data
        return CatalogueFilters(
            sector=data.get("sector") or "",
            organisation_id=data.get("organisation"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            has_places=bool(data.get("has_places")),
            open_to_me=bool(data.get("open_to_me")),
        )
