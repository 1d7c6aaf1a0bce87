"""The request form: a date offered (set dates) or up to three proposed (by arrangement), and
what the visitor hopes to learn. The rules are the service's; the form reads what was typed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from config.widgets import GOVUKDateField
from shadowing.models import Opportunity, OpportunityDate
from shadowing.selectors.catalogue import DatePlaces
from shadowing.services.requests import (
    LEARNING_GOALS_MAX_LENGTH,
    LEARNING_GOALS_TOO_LONG,
    MOST_PROPOSED_DATES,
    NO_DATE_CHOSEN,
    NO_LEARNING_GOALS,
)

# People write about their work, and their work is with children and families.
NO_CHILD_OR_FAMILY_INFORMATION = "Do not write anything that could identify a child or family."

PROPOSED_FIELDS = [f"proposed_date_{n}" for n in range(1, MOST_PROPOSED_DATES + 1)]


def _places(n: int) -> str:
    return "1 place left" if n == 1 else f"{n} places left"


class PlacementRequestForm(forms.Form):
    learning_goals = forms.CharField(
        label="What do you hope to learn from the visit?",
        help_text=(
            "For example, how the team decides what happens to a referral, and what it "
            "needs from agencies like yours."
        ),
        max_length=LEARNING_GOALS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": NO_LEARNING_GOALS, "max_length": LEARNING_GOALS_TOO_LONG},
    )

    def __init__(
        self, *args: Any, opportunity: Opportunity, dates: list[DatePlaces], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity
        if opportunity.by_arrangement:
            for number, name in enumerate(PROPOSED_FIELDS, start=1):
                self.fields[name] = GOVUKDateField(
                    label=f"Date {number}" if number == 1 else f"Date {number} (optional)",
                    required=False,
                )
        else:
            self.fields["requested_date"] = forms.TypedChoiceField(
                label="Which date would you like to visit?",
                choices=[
                    (str(d.date_id), f"{d.date:%A %-d %B %Y} ({_places(d.places_left)})")
                    for d in dates
                    if d.places_left > 0
                ],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": NO_DATE_CHOSEN, "invalid_choice": NO_DATE_CHOSEN},
            )
        # Learning goals last, after the dates.
        self.order_fields([*PROPOSED_FIELDS, "requested_date", "learning_goals"])

    @property
    def proposed_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PROPOSED_FIELDS if name in self.fields]

    def requested_date(self) -> OpportunityDate | None:
        pk = self.cleaned_data.get("requested_date")
        if pk is None:
            return None
        return OpportunityDate.objects.filter(pk=pk, opportunity=self.opportunity).first()

    def proposed_dates(self) -> list[date]:
        return [
            self.cleaned_data[name]
            for name in PROPOSED_FIELDS
            if self.cleaned_data.get(name) is not None
        ]

    def add_service_error(self, message: str, field: str | None) -> None:
        """Show a service's refusal by the field it concerns."""
        if field == "proposed_dates":
            field = PROPOSED_FIELDS[0]
        if field is not None and field not in self.fields:
            field = None
        self.add_error(field, message)
