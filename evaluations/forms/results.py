"""The results page's filters (a GET form), also read from the exports' query strings.

Choices are the viewer's own (`evaluations.permissions`): a course, session or organisation
from elsewhere, or a guessed id, is "not one of the choices" and filters nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from config.widgets import GOVUKDateField
from organisations.models import Organisation
from training.models import Course, Session


class SessionChoiceField(forms.ModelChoiceField):
    """A session is named by its course and first day."""

    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.starts_at).strftime("%-d %B %Y") if obj.starts_at else ""
        return f"{obj.course.title}, {when}" if when else obj.course.title


class ResultsFilterForm(forms.Form):
    """?course=&session=&organisation=&date_from_day=…&date_to_year=…"""

    course = forms.ModelChoiceField(
        label="Course", queryset=Course.objects.none(), required=False, empty_label="All courses"
    )
    session = SessionChoiceField(
        label="Session", queryset=Session.objects.none(), required=False, empty_label="All sessions"
    )
    organisation = forms.ModelChoiceField(
        label="Organisation of the people answering",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="All organisations",
    )
    date_from = GOVUKDateField(
        label="Sessions from", required=False, help_text="For example, 1 4 2026"
    )
    date_to = GOVUKDateField(
        label="Sessions to", required=False, help_text="For example, 31 3 2027"
    )

    def __init__(
        self,
        *args: Any,
        courses: QuerySet[Course],
        sessions: QuerySet[Session],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, tuple[QuerySet[Any], str]] = {
            "course": (courses.order_by("title"), "a course"),
            "session": (sessions.select_related("course").order_by("-starts_at"), "a session"),
            "organisation": (organisations.order_by("name"), "an organisation"),
        }
        for name, (queryset, noun) in fields.items():
            field = self.fields[name]
            field.queryset = queryset  # type: ignore[attr-defined]
            field.error_messages["invalid_choice"] = f"Choose {noun} from the list."

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error(
                "date_to", "The end of the period must be the same as or after its start."
            )
        course, session = cleaned_data.get("course"), cleaned_data.get("session")
        if course and session and session.course_id != course.pk:
            self.add_error("session", "Choose a session of the course you chose, or all sessions.")
        return cleaned_data
