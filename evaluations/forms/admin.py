"""Forms for the partnership team's evaluation pages in Wagtail's admin: the question bank and
each course's evaluation with its questions at each step.

They parse input and say what is wrong in plain English: a step ticked with no questions at it,
questions added at a step the course does not use, a question asked twice at one step, a
reminder that would go after the step closes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm

from evaluations.enums import QuestionKind, Step
from evaluations.models import Answer, CourseEvaluation, Question
from training.models import Course

# The "uses" tick box of each step, and how the messages name the step.
STEP_FIELDS: dict[Step, str] = {
    Step.BEFORE: "uses_before",
    Step.AFTER: "uses_after",
    Step.FOLLOW_UP: "uses_follow_up",
}
STEP_IN_WORDS: dict[Step, str] = {
    Step.BEFORE: "before the course",
    Step.AFTER: "straight after the course",
    Step.FOLLOW_UP: "at follow-up",
}


class QuestionAdminForm(WagtailAdminModelForm):
    """A question in the bank. Its kind is fixed once anyone has answered it, so results never
    mix ratings with yes-or-no answers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if text := self.fields.get("text"):
            text.error_messages["required"] = "Enter the question."
            text.help_text = (
                "The question as the learner reads it. Change the wording only to correct it: "
                "for a different question, add a new one, so results stay comparable."
            )
        if kind := self.fields.get("kind"):
            kind.error_messages["required"] = "Choose what kind of answer the question takes."
        if scale := self.fields.get("scale_max"):
            scale.label = "Top of the rating scale"
        if low := self.fields.get("low_label"):
            low.label = "Label for 1"
            low.help_text = "For a rating: what the lowest number means."
        if high := self.fields.get("high_label"):
            high.label = "Label for the top of the scale"
        if active := self.fields.get("is_active"):
            active.label = "In use"
            active.help_text = (
                "Untick to stop offering the question for courses. It stays for the results "
                "it holds."
            )

    def clean_scale_max(self) -> int | None:
        return _within(self, "scale_max", "The top of the scale must be a number from 2 to 10.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if (
            self.instance.pk
            and kind
            and kind != self._stored_kind()
            and Answer.objects.filter(question=self.instance).exists()
        ):
            self.add_error(
                "kind",
                "People have answered this question, so its kind cannot change. Add a new "
                "question instead.",
            )
        if cleaned.get("learning_outcome") and kind and kind != QuestionKind.RATING:
            self.add_error(
                "learning_outcome",
                "Only a rating question can measure a learning outcome. Choose “Rating scale”, "
                "or leave the learning outcome blank.",
            )
        return cleaned

    def _stored_kind(self) -> str:
        return (
            Question.objects.filter(pk=self.instance.pk).values_list("kind", flat=True).first()
            or ""
        )


class CourseQuestionAdminForm(WagtailAdminModelForm):
    """One question at one step. New rows offer the questions in use; a row keeps its question
    even once that question is no longer in use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if question := self.fields.get("question"):
            chosen = Q(pk=self.instance.question_id) if self.instance.question_id else Q()
            question.queryset = Question.objects.filter(Q(is_active=True) | chosen).order_by("text")
            question.error_messages["required"] = "Choose a question."
            question.error_messages["invalid_choice"] = (
                "That question is no longer in use. Choose another."
            )
        if step := self.fields.get("step"):
            step.error_messages["required"] = "Choose when the question is asked."
        if position := self.fields.get("position"):
            position.label = "Order"
            position.help_text = "Lower numbers come first."
        if required := self.fields.get("is_required"):
            required.label = "Must be answered"


class CourseQuestionFormSet(BaseChildFormSet):
    """A course's questions: each question at most once at each step."""

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

    def steps_with_questions(self) -> set[Step]:
        """The steps at which valid rows ask a question."""
        return {
            Step(form.cleaned_data["step"])
            for form in self.kept_forms()
            if form.is_valid() and form.cleaned_data.get("step")
        }

    def validate_unique(self) -> None:
        """Replaces the generic "Please correct the duplicate data" with a message that names
        the question and the step."""
        seen: set[tuple[str, int]] = set()
        for form in self.kept_forms():
            if not form.is_valid():
                continue
            step, question = form.cleaned_data.get("step"), form.cleaned_data.get("question")
            if not step or question is None:
                continue
            if (step, question.pk) in seen:
                form.add_error(
                    "question",
                    f"“{question}” is already asked {STEP_IN_WORDS[Step(step)]}. Remove one of "
                    "them.",
                )
            seen.add((step, question.pk))


class CourseEvaluationAdminForm(WagtailAdminModelForm):
    """A course's evaluation: the steps it uses, the questions at each, and its timings. A
    step ticked must have questions, and questions must be at a step that is ticked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if course := self.fields.get("course"):
            others = CourseEvaluation.objects.exclude(pk=self.instance.pk or None)
            course.queryset = Course.objects.exclude(pk__in=others.values("course_id")).order_by(
                "title"
            )
            course.error_messages["required"] = "Choose the course."
            course.error_messages["invalid_choice"] = (
                "That course already has an evaluation. Edit that one instead."
            )
            if self.instance.pk:
                # Invitations and answers belong to this course's bookings.
                course.disabled = True
                course.help_text = "An evaluation stays with its course."
        labels = {
            "follow_up_weeks": ("Follow-up after (weeks)", None),
            "open_days": ("Each step stays open for (days)", None),
            "reminder_days": (
                "Remind after (days)",
                "One reminder is sent this many days after asking, to anyone who has not "
                "answered. It must go before the step closes.",
            ),
        }
        for name, (label, help_text) in labels.items():
            if field := self.fields.get(name):
                field.label = label
                if help_text:
                    field.help_text = help_text

    def clean_follow_up_weeks(self) -> int | None:
        return _within(
            self, "follow_up_weeks", "The follow-up must be 2 to 26 weeks after the course."
        )

    def clean_open_days(self) -> int | None:
        return _within(self, "open_days", "Each step must stay open for 2 to 90 days.")

    def clean_reminder_days(self) -> int | None:
        return _within(self, "reminder_days", "The reminder must go 1 to 60 days after asking.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        asked_at = self._steps_with_questions()
        if asked_at is not None:
            for step, field in STEP_FIELDS.items():
                label = CourseEvaluation._meta.get_field(field).verbose_name
                uses = bool(cleaned.get(field))
                if uses and step not in asked_at:
                    self.add_error(
                        field,
                        f"You ticked “{label}” but added no questions to ask "
                        f"{STEP_IN_WORDS[step]}. Add a question at that step, or untick it.",
                    )
                elif not uses and step in asked_at:
                    self.add_error(
                        field,
                        f"You added questions to ask {STEP_IN_WORDS[step]}, but “{label}” is "
                        "not ticked. Tick it, or remove those questions.",
                    )
        if cleaned.get("certificate_waits_for_after") and not cleaned.get("uses_after"):
            self.add_error(
                "certificate_waits_for_after",
                "The certificate can only wait for the “straight after” step if the course "
                "uses it. Tick “Ask straight after the course”, or untick this.",
            )
        open_days, reminder_days = cleaned.get("open_days"), cleaned.get("reminder_days")
        if open_days is not None and reminder_days is not None and reminder_days >= open_days:
            self.add_error(
                "reminder_days",
                f"The reminder must go before the step closes: fewer than {open_days} days "
                "after asking.",
            )
        return cleaned

    def _steps_with_questions(self) -> set[Step] | None:
        formset = self.formsets.get("course_questions") if hasattr(self, "formsets") else None
        if not isinstance(formset, CourseQuestionFormSet):
            return None
        return formset.steps_with_questions()


def _within(form: forms.ModelForm, name: str, message: str) -> int | None:
    """The field's number, or `message` when it is outside what the model's validators allow
    (whose own wording, "Ensure this value is…", is not ours)."""
    value: int | None = form.cleaned_data.get(name)
    if value is None:
        return value
    for validator in form.instance._meta.get_field(name).validators:
        if isinstance(validator, MinValueValidator) and value < validator.limit_value:
            raise forms.ValidationError(message)
        if isinstance(validator, MaxValueValidator) and value > validator.limit_value:
            raise forms.ValidationError(message)
    return value
