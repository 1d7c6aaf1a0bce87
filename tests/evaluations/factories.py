"""Factories for evaluations: questions, a course's evaluation with its questions at each step,
invitations in each state and answers. Dates come from `timezone.now()`, which the tests'
clock controls."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from evaluations.enums import QuestionKind, Step
from evaluations.models import Answer, CourseEvaluation, CourseQuestion, Invitation, Question
from tests.training.factories import BookingFactory, CourseFactory


class QuestionFactory(factory.django.DjangoModelFactory):
    """A confidence rating, 1 to 5, on one learning outcome."""

    class Meta:
        model = Question

    text = factory.Sequence(lambda n: f"How confident are you to recognise concern {n}?")
    kind = QuestionKind.RATING
    learning_outcome = factory.Sequence(lambda n: f"Recognise concern {n}")
    scale_max = 5

    class Params:
        yes_no = factory.Trait(
            kind=QuestionKind.YES_NO, learning_outcome="", text="Would you recommend it?"
        )
        free_text = factory.Trait(
            kind=QuestionKind.FREE_TEXT,
            learning_outcome="",
            text="What will you do differently in your practice?",
        )


class CourseEvaluationFactory(factory.django.DjangoModelFactory):
    """Every step used, the certificate waiting for "straight after", follow-up at 6 weeks."""

    class Meta:
        model = CourseEvaluation
        django_get_or_create = ("course",)

    course = factory.SubFactory(CourseFactory)


class CourseQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseQuestion

    evaluation = factory.SubFactory(CourseEvaluationFactory)
    question = factory.SubFactory(QuestionFactory)
    step = Step.AFTER
    position = factory.Sequence(lambda n: n)


class InvitationFactory(factory.django.DjangoModelFactory):
    """Asked a day ago, open for two more weeks, not answered."""

    class Meta:
        model = Invitation

    booking = factory.SubFactory(BookingFactory)
    step = Step.AFTER
    asked_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyAttribute(lambda o: o.asked_at + timedelta(days=14))

    class Params:
        completed = factory.Trait(completed_at=factory.LazyFunction(timezone.now))
        closed = factory.Trait(
            asked_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=20)),
        )


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    invitation = factory.SubFactory(InvitationFactory, completed=True)
    question = factory.SubFactory(QuestionFactory)
    rating = 4


# Added for the answering tests ------------------------------------------------------------------

from typing import TYPE_CHECKING  # noqa: E402  (the answering tests' additions)

if TYPE_CHECKING:
    from training.models import Booking


def questions_at(
    evaluation: CourseEvaluation,
    kinds: list[str],
    *,
    step: str = Step.AFTER,
    required: bool = True,
) -> list[CourseQuestion]:
    """One question of each kind given, in that order, at the step."""
    return [
        CourseQuestionFactory.create(
            evaluation=evaluation,
            question=QuestionFactory.create(
                yes_no=kind == QuestionKind.YES_NO, free_text=kind == QuestionKind.FREE_TEXT
            ),
            step=step,
            is_required=required,
        )
        for kind in kinds
    ]


EVERY_KIND = [QuestionKind.RATING, QuestionKind.YES_NO, QuestionKind.FREE_TEXT]


def invitation_to_answer(
    kinds: list[str] | None = None,
    *,
    step: str = Step.AFTER,
    booking: Booking | None = None,
    certificate_waits: bool = False,
    **invitation: object,
) -> Invitation:
    """An open invitation at `step` for an attended booking of a past session, whose course
    asks a rating, a yes/no and a free-text question there (or the kinds given)."""
    if booking is None:
        start = timezone.localtime() - timedelta(days=2)
        start = start.replace(hour=9, minute=30, second=0, microsecond=0)
        booking = BookingFactory.create(
            attended=True,
            session__parts=[(start, start.replace(hour=16, minute=30))],
        )
    evaluation = CourseEvaluationFactory.create(course=booking.session.course)
    if evaluation.certificate_waits_for_after != certificate_waits:
        evaluation.certificate_waits_for_after = certificate_waits
        evaluation.save(update_fields=["certificate_waits_for_after"])
    questions_at(evaluation, EVERY_KIND if kinds is None else kinds, step=step)
    return InvitationFactory.create(booking=booking, step=step, **invitation)


# What the answering tests type in: a 4, yes, and a sentence.
TYPED_ANSWERS = {
    QuestionKind.RATING: "4",
    QuestionKind.YES_NO: "yes",
    QuestionKind.FREE_TEXT: "I will check the chronology before a strategy meeting.",
}


def answers_posted(invitation: Invitation, **overrides: str) -> dict[str, str]:
    """A complete, valid submission of the invitation's form, as the browser posts it."""
    data = {
        f"question_{cq.question_id}": TYPED_ANSWERS[QuestionKind(cq.question.kind)]
        for cq in CourseQuestion.objects.filter(
            evaluation__course=invitation.booking.session.course_id, step=invitation.step
        ).select_related("question")
    }
    data.update(overrides)
    return data
