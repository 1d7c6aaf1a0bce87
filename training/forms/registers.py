"""Forms for registers and for cancelling a session. They parse input; what a mark does lives
in `training.services.attendance`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from django import forms

from training.enums import ATTENDANCE_STATUSES, BookingStatus
from training.models import Booking

# The order people think in: came, came for part, did not come.
MARK_CHOICES = [
    (BookingStatus.ATTENDED.value, "Attended"),
    (BookingStatus.PARTIALLY_ATTENDED.value, "Partially attended"),
    (BookingStatus.NO_SHOW.value, "Did not attend"),
]

# 9:45, 09:45, 9.45, 0945 and 9:45am all mean the same arrival time.
ARRIVAL_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%I:%M%p", "%I.%M%p", "%I%p"]


class ArrivalTimeField(forms.TimeField):
    """A time typed as people write it, with "am"/"pm" in any case and spaces ignored."""

    def to_python(self, value: Any) -> time | None:
        if isinstance(value, str):
            value = value.replace(" ", "").upper()
        return super().to_python(value)


@dataclass
class RegisterRow:
    booking: Booking
    status: forms.BoundField
    arrived_at: forms.BoundField


class RegisterForm(forms.Form):
    """One mark and an optional arrival time for each person on the register.

    A person left without a mark is left as they are.
    """

    def __init__(self, *args: Any, bookings: Sequence[Booking], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bookings = list(bookings)
        for booking in self.bookings:
            name = booking.user.get_full_name() or booking.user.email
            self.fields[f"status_{booking.pk}"] = forms.ChoiceField(
                label=name,
                choices=MARK_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"arrived_{booking.pk}"] = ArrivalTimeField(
                label=f"Arrival time for {name} (optional)",
                required=False,
                input_formats=ARRIVAL_INPUT_FORMATS,
                widget=forms.TimeInput(format="%H:%M"),
                error_messages={
                    "invalid": f"Enter {name}'s arrival time like 9:45 or 13:10.",
                },
            )
            if booking.status in ATTENDANCE_STATUSES:
                self.initial.setdefault(f"status_{booking.pk}", booking.status)
            if booking.arrived_at is not None:
                self.initial.setdefault(f"arrived_{booking.pk}", booking.arrived_at)

    def rows(self) -> Iterator[RegisterRow]:
        for booking in self.bookings:
            yield RegisterRow(
                booking=booking,
                status=self[f"status_{booking.pk}"],
                arrived_at=self[f"arrived_{booking.pk}"],
            )

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        for booking in self.bookings:
            if cleaned_data.get(f"arrived_{booking.pk}") and not cleaned_data.get(
                f"status_{booking.pk}"
            ):
                name = booking.user.get_full_name() or booking.user.email
                self.add_error(
                    f"status_{booking.pk}",
                    f"Choose whether {name} attended, or remove their arrival time.",
                )
        return cleaned_data

    def marks(self) -> dict[int, tuple[str, time | None]]:
        """Booking id → (mark, arrival time) for everyone given a mark."""
        marks = {}
        for booking in self.bookings:
            status = self.cleaned_data.get(f"status_{booking.pk}")
            if status:
                marks[booking.pk] = (status, self.cleaned_data.get(f"arrived_{booking.pk}"))
        return marks


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the session cancelled?",
        help_text=(
            "This is sent to everyone booked. Do not include information about children "
            "or anyone's health."
        ),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why the session is cancelled."},
    )
