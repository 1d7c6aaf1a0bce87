"""Forms for finding and booking training. They parse input; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from config.widgets import GOVUKDateField
from organisations.models import Membership
from training.enums import Delivery
from training.forms.fields import NO_CHILD_INFORMATION, MembershipChoiceField, PersonChoiceField
from training.models import TrainingStandard


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters, sent with GET. Every field is optional."""

    standard = forms.ModelChoiceField(
        label="Training standard",
        queryset=TrainingStandard.objects.none(),
        to_field_name="slug",  # readable, shareable addresses: ?standard=level-2
        required=False,
        empty_label="Any standard",
    )
    delivery = forms.ChoiceField(
        label="How it is delivered",
        required=False,
        choices=[("", "Any way"), *Delivery.choices],
    )
    date_from = GOVUKDateField(
        label="Dates from", required=False, help_text="For example, 1 3 2027"
    )
    date_to = GOVUKDateField(label="Dates to", required=False, help_text="For example, 31 3 2027")
    multi_agency = forms.BooleanField(label="Multi-agency courses only", required=False)
    has_places = forms.BooleanField(label="Only dates with places left", required=False)
    eligible = forms.BooleanField(
        label="Only courses for my sector and job role",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = TrainingStandard.objects.order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "Enter a 'to' date on or after the 'from' date.")
        return cleaned


class BookForm(forms.Form):
    """Booking a place for oneself. Someone with several eligible memberships chooses which one
    they book through (the one whose organisation pays any charge)."""

    def __init__(self, *args: Any, memberships: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"] = MembershipChoiceField(
            label="Which organisation are you booking through?",
            help_text="Any charge for cancelling late or not attending goes to this organisation.",
            queryset=memberships,
            widget=forms.RadioSelect,
            empty_label=None,
            error_messages={
                "required": "Select which organisation you are booking through.",
                "invalid_choice": "Select which organisation you are booking through.",
            },
        )


class StaffSearchForm(forms.Form):
    """Narrows the list of people a coordinator chooses from (sent with GET)."""

    q = forms.CharField(label="Search by name or email address", required=False, max_length=200)


class PersonForm(forms.Form):
    """Choosing one person from a list the view has already scoped to the viewer."""

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Membership],
        label: str,
        help_text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            label=label,
            help_text=help_text,
            queryset=people,
            empty_label="Choose a person",
            error_messages={
                "required": "Choose a person from the list.",
                "invalid_choice": "Choose a person from the list.",
            },
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling? (optional)",
        help_text=NO_CHILD_INFORMATION,
        required=False,
        max_length=1000,
        widget=forms.Textarea,
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why are you declining this request?",
        help_text=f"We will send this to the person who asked. {NO_CHILD_INFORMATION}",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Enter a reason for declining the request."},
    )
