"""Forms for the partnership team's training pages in Wagtail's admin: standards, courses and
sessions.

They parse input and show plain-English messages; the rules a session must keep (parts that do
not overlap, enough capacity for everyone already booked) live in `training.services.sessions`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm

from organisations.enums import Sector
from training.models import TrainingStandard
from training.services.sessions import session_capacity_check, session_parts_check


def _slug_from(form: forms.ModelForm, source_field: str) -> None:
    """Fill a blank slug from another field, as the admin's own title fields do in the browser."""
    cleaned = form.cleaned_data
    if "slug" in form.fields and not cleaned.get("slug") and cleaned.get(source_field):
        max_length = form.instance._meta.get_field("slug").max_length
        cleaned["slug"] = slugify(cleaned[source_field])[:max_length]


class TrainingStandardAdminForm(WagtailAdminModelForm):
    """A standard. It may meet lower standards, but never itself or one that already meets it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if name := self.fields.get("name"):
            name.error_messages["unique"] = "There is already a standard with this name."
        if slug := self.fields.get("slug"):
            slug.required = False
            slug.help_text = "Used in web addresses. Leave it blank to make one from the name."
            slug.error_messages["unique"] = (
                "Another standard already uses this web address. Choose a different one."
            )
        if satisfies := self.fields.get("satisfies"):
            others = TrainingStandard.objects.order_by("name")
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            satisfies.queryset = others
        if validity := self.fields.get("validity_months"):
            validity.label = "Lasts for (months)"

    def clean_satisfies(self) -> Any:
        chosen = self.cleaned_data.get("satisfies")
        if not chosen or not self.instance.pk:
            return chosen
        edges: defaultdict[int, set[int]] = defaultdict(set)
        for higher, lower in TrainingStandard.satisfies.through.objects.values_list(
            "from_trainingstandard_id", "to_trainingstandard_id"
        ):
            edges[higher].add(lower)
        for standard in chosen:
            if self.instance.pk in _reachable(edges, standard.pk):
                raise ValidationError(
                    f"{standard} already meets this standard, so this standard cannot also "
                    f"meet {standard}. Untick it."
                )
        return chosen

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        _slug_from(self, "name")
        return cleaned_data


def _reachable(edges: dict[int, set[int]], start: int) -> set[int]:
    """Every standard met, directly or through others, by the standard `start`."""
    seen: set[int] = set()
    stack = [start]
    while stack:
        for lower in edges.get(stack.pop(), set()):
            if lower not in seen:
                seen.add(lower)
                stack.append(lower)
    return seen


class CourseAdminForm(WagtailAdminModelForm):
    """A course: a slug made from the title when blank, and no course its own prerequisite."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if slug := self.fields.get("slug"):
            slug.required = False
            slug.help_text = "Used in web addresses. Leave it blank to make one from the title."
            slug.error_messages["unique"] = (
                "Another course already uses this web address. Choose a different one."
            )
        if prerequisites := self.fields.get("prerequisites"):
            if self.instance.pk:
                prerequisites.queryset = prerequisites.queryset.exclude(pk=self.instance.pk)
            prerequisites.help_text = "Courses people must have done before booking this one."

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        _slug_from(self, "title")
        return cleaned_data


class DistinctSectorFormSet(BaseChildFormSet):
    """Rows keyed by sector (audience, fees): each sector once, named in the message."""

    duplicate_message = "{sector} is listed more than once. Remove the extra one."

    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            if not form.is_valid() or self._should_delete_form(form):
                continue
            sector = form.cleaned_data.get("sector")
            if not sector:
                continue
            if sector in seen:
                form.add_error("sector", self.duplicate_message.format(sector=Sector(sector).label))
            seen.add(sector)
        super().clean()


class CourseFeeFormSet(DistinctSectorFormSet):
    duplicate_message = "{sector} has more than one fee. Give one fee for each sector."


class SessionPartAdminForm(WagtailAdminModelForm):
    """One dated part of a session."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("starts_at", "Starts"), ("ends_at", "Ends")):
            if field := self.fields.get(name):
                field.label = label
                field.error_messages["required"] = f"Enter when this part {label.lower()}."

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        starts_at, ends_at = cleaned_data.get("starts_at"), cleaned_data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The end must be after the start.")
        return cleaned_data


class SessionPartFormSet(BaseChildFormSet):
    """A session's parts: at least one, and none overlapping another."""

    def kept_forms(self) -> list[forms.Form]:
        """Rows that will be saved: not marked for removal, and not added and left blank."""
        kept = []
        for form in self.forms:
            form.errors  # noqa: B018 (cleans the row, so its removal tick can be read)
            if self._should_delete_form(form):
                continue
            if form.empty_permitted and not form.has_changed():
                continue
            kept.append(form)
        return kept

    def parts(self) -> list[tuple[datetime, datetime]]:
        """The parts that are valid on their own, as (start, end)."""
        return [
            (form.cleaned_data["starts_at"], form.cleaned_data["ends_at"])
            for form in self.kept_forms()
            if form.is_valid() and form.cleaned_data.get("starts_at")
        ]

    def clean(self) -> None:
        super().clean()
        if not self.kept_forms():
            raise ValidationError("Add at least one date and time for the session.")
        session_parts_check(parts=self.parts())


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.email} ({obj.email})"


class SessionAdminForm(WagtailAdminModelForm):
    """A session: its trainers chosen from people who are trainers, and checks on capacity,
    booking dates and the agency mix that a person can act on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if trainers := self.fields.get("trainers"):
            self.fields["trainers"] = TrainerChoiceField(
                queryset=get_user_model()
                .objects.filter(is_trainer=True, is_active=True)
                .order_by("first_name", "last_name", "email"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=trainers.label,
                help_text=(
                    "Trainers see this session's register and mark attendance. Only people the "
                    "partnership has made trainers are listed."
                ),
            )

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        capacity = cleaned_data.get("capacity")
        minimum = cleaned_data.get("minimum_numbers")
        if capacity is not None and minimum is not None:
            try:
                session_capacity_check(
                    session=self.instance, capacity=capacity, minimum_numbers=minimum
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        opens, closes = cleaned_data.get("booking_opens_at"), cleaned_data.get("booking_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("booking_closes_at", "Booking must close after it opens.")
        first_start = self._first_part_start()
        if closes and first_start and closes > first_start:
            self.add_error("booking_closes_at", "Booking must close before the session starts.")
        if opens and first_start and opens >= first_start:
            self.add_error("booking_opens_at", "Booking must open before the session starts.")
        most = cleaned_data.get("mix_max_places")
        if most and capacity and most > capacity:
            self.add_error(
                "mix_max_places",
                "The most places one organisation or sector may hold cannot be more than "
                "the capacity.",
            )
        return cleaned_data

    def _first_part_start(self) -> datetime | None:
        formset = self.formsets.get("parts") if hasattr(self, "formsets") else None
        if not isinstance(formset, SessionPartFormSet):
            return None
        starts = [start for start, _ in formset.parts()]
        return min(starts) if starts else None
