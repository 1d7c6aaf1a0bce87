"""The learner's evaluation form, built from the course's questions at one step, and the line
manager's comment at follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

from evaluations.enums import QuestionKind
from evaluations.models import CourseQuestion
from evaluations.services.answers import ANSWER_MAX_LENGTH, AnswerValue

# Shown with every free-text box on evaluations: people write about their work, and their
# work is with children and families.
NO_CHILD_OR_FAMILY_INFORMATION = (
    "Do not include anything that could identify a child or family, such as a name, "
    "address, school or date of birth."
)

_YES, _NO = "yes", "no"


def _to_bool(value: str) -> bool:
    return value == _YES


@dataclass(frozen=True)
class FormQuestion:
    """One question on the form: its number, what it asks and its bound field."""

    number: int
    course_question: CourseQuestion
    field: forms.BoundField

    @property
    def kind(self) -> str:
        return self.course_question.question.kind

    @property
    def is_required(self) -> bool:
        return self.course_question.is_required


def field_name(course_question: CourseQuestion) -> str:
    return f"question_{course_question.question_id}"


def _field_for(course_question: CourseQuestion, number: int) -> forms.Field:
    question = course_question.question
    required = course_question.is_required
    label = question.text if required else f"{question.text} (optional)"
    if question.kind == QuestionKind.RATING:
        choices = [(str(n), str(n)) for n in range(1, question.scale_max + 1)]
        return forms.TypedChoiceField(
            label=label,
            help_text=question.hint,
            choices=choices,
            coerce=int,
            empty_value=None,
            required=required,
            widget=forms.RadioSelect,
            error_messages={
                "required": (
                    f"Choose a number from 1 to {question.scale_max} to answer question {number}."
                ),
                "invalid_choice": (
                    f"Choose a number from 1 to {question.scale_max} to answer question {number}."
                ),
            },
        )
    if question.kind == QuestionKind.YES_NO:
        return forms.TypedChoiceField(
            label=label,
            help_text=question.hint,
            choices=[(_YES, "Yes"), (_NO, "No")],
            coerce=_to_bool,
            empty_value=None,
            required=required,
            widget=forms.RadioSelect,
            error_messages={
                "required": f"Choose yes or no to answer question {number}.",
                "invalid_choice": f"Choose yes or no to answer question {number}.",
            },
        )
    return forms.CharField(
        label=label,
        help_text=question.hint,
        required=required,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": f"Enter your answer to question {number}.",
            "max_length": (
                f"Your answer to question {number} must be {ANSWER_MAX_LENGTH:,} characters "
                "or fewer."
            ),
        },
    )


class EvaluationForm(forms.Form):
    """One field per question, named by the question's id, in the course's order."""

    def __init__(
        self, *args: Any, course_questions: Sequence[CourseQuestion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.course_questions = list(course_questions)
        for number, course_question in enumerate(self.course_questions, start=1):
            self.fields[field_name(course_question)] = _field_for(course_question, number)

    @property
    def questions(self) -> list[FormQuestion]:
        return [
            FormQuestion(number=number, course_question=cq, field=self[field_name(cq)])
            for number, cq in enumerate(self.course_questions, start=1)
        ]

    def answers(self) -> dict[int, AnswerValue]:
        """The cleaned answers by question id; a question left out (optional) is None."""
        return {
            cq.question_id: self.cleaned_data.get(field_name(cq)) for cq in self.course_questions
        }


class ManagerCommentForm(forms.Form):
    comment = forms.CharField(
        label="What has changed in their practice?",
        help_text=(
            "For example, what they now do differently, or how they have shared what they "
            "learnt with the team."
        ),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter what has changed in their practice.",
            "max_length": (
                f"What has changed in their practice must be {ANSWER_MAX_LENGTH:,} characters "
                "or fewer."
            ),
        },
    )
