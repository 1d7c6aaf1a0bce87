"""Answering an evaluation: the learner's answers, and the line manager's comment at
follow-up. Each is saved once: a second submission (a double click, a second tab) changes
nothing, and says so by returning False."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evaluations.enums import QuestionKind, Step
from evaluations.models import Answer, Invitation
from evaluations.selectors.answering import questions_for_invitation
from evaluations.signals import step_completed

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# A rating, yes (True) or no (False), a free-text answer, or None for an optional question
# left out.
AnswerValue = int | bool | str | None

# Long enough for a considered paragraph or two; short enough that nobody pastes in a case file.
ANSWER_MAX_LENGTH = 5000


def _closed_message(invitation: Invitation) -> str:
    day = timezone.localdate(invitation.closes_at)
    return f"This evaluation closed on {day.day} {day:%B %Y}."


def _answers_build(*, invitation: Invitation, answers: Mapping[int, AnswerValue]) -> list[Answer]:
    """One Answer per question answered, checked against the course's questions at the step."""
    course_questions = questions_for_invitation(invitation)
    asked = {cq.question_id for cq in course_questions}
    unknown = set(answers) - asked
    if unknown:
        raise ValidationError("Some answers are to questions this evaluation does not ask.")
    built: list[Answer] = []
    errors: list[str] = []
    for cq in course_questions:
        question = cq.question
        value = answers.get(cq.question_id)
        if value is None or value == "":
            if cq.is_required:
                errors.append(f"Answer “{question.text}”.")
            continue
        answer = Answer(invitation=invitation, question=question)
        if question.kind == QuestionKind.RATING:
            if isinstance(value, bool) or not isinstance(value, int):
                errors.append(f"Choose a number for “{question.text}”.")
                continue
            if not 1 <= value <= question.scale_max:
                errors.append(f"Choose a number from 1 to {question.scale_max}.")
                continue
            answer.rating = value
        elif question.kind == QuestionKind.YES_NO:
            if not isinstance(value, bool):
                errors.append(f"Choose yes or no for “{question.text}”.")
                continue
            answer.yes_no = value
        else:
            text = str(value).strip()
            if len(text) > ANSWER_MAX_LENGTH:
                errors.append(f"Answers must be {ANSWER_MAX_LENGTH:,} characters or fewer.")
                continue
            if not text:
                if cq.is_required:
                    errors.append(f"Answer “{question.text}”.")
                continue
            answer.text = text
        # The invitation and question are known to exist, and the database holds one answer
        # per question: checking either here would cost a query per answer.
        answer.full_clean(
            exclude=["invitation", "question"], validate_unique=False, validate_constraints=False
        )
        built.append(answer)
    if errors:
        raise ValidationError(errors)
    return built


def invitation_complete(
    *, invitation: Invitation, answers: Mapping[int, AnswerValue], by: User
) -> bool:
    """Save the learner's answers and mark the invitation complete, in one transaction, and
    tell the apps above (certificates) with `step_completed` inside it.

    Returns False, changing nothing, when it was already complete. Raises ValidationError when
    `by` is not the learner, the evaluation has closed, or an answer is missing or wrong.
    """
    if invitation.booking.user_id != by.pk:
        raise ValidationError("Only the person who attended can answer their evaluation.")
    with transaction.atomic():
        now = timezone.now()
        # The conditional update is the guard: of two submissions at once, the second waits
        # for the first's row lock, then finds the invitation complete and updates nothing.
        completed = Invitation.objects.filter(
            pk=invitation.pk, completed_at__isnull=True, closes_at__gt=now
        ).update(completed_at=now)
        if not completed:
            current = Invitation.objects.values("completed_at").get(pk=invitation.pk)
            if current["completed_at"] is not None:
                invitation.completed_at = current["completed_at"]
                return False
            raise ValidationError(_closed_message(invitation))
        # Rolls back the update above if an answer is wrong: nothing half-saved.
        Answer.objects.bulk_create(_answers_build(invitation=invitation, answers=answers))
        step_completed.send(
            sender=Invitation, booking_id=invitation.booking_id, step=invitation.step
        )
    invitation.completed_at = now
    logger.info(
        "Evaluation answered",
        extra={"invitation_id": invitation.pk, "step": invitation.step},
    )
    return True


def invitation_manager_comment(*, invitation: Invitation, comment: str, by: User) -> bool:
    """Save the line manager's comment on a follow-up, once.

    Returns False, changing nothing, when they have already added it. Raises ValidationError
    when `by` is not the manager asked, the step is not the follow-up, the evaluation has
    closed, or the comment is empty or too long.
    """
    if invitation.step != Step.FOLLOW_UP:
        raise ValidationError("Line managers are asked only at the follow-up.")
    if invitation.manager_id is None or invitation.manager_id != by.pk:
        raise ValidationError("Only the line manager asked can add to this evaluation.")
    comment = comment.strip()
    if not comment:
        raise ValidationError("Enter what has changed in their practice.")
    if len(comment) > ANSWER_MAX_LENGTH:
        raise ValidationError(f"The comment must be {ANSWER_MAX_LENGTH:,} characters or fewer.")
    with transaction.atomic():
        now = timezone.now()
        saved = Invitation.objects.filter(
            pk=invitation.pk,
            manager=by,
            manager_completed_at__isnull=True,
            closes_at__gt=now,
        ).update(manager_comment=comment, manager_completed_at=now)
        if not saved:
            current = Invitation.objects.values("manager_completed_at", "manager_comment").get(
                pk=invitation.pk
            )
            if current["manager_completed_at"] is not None:
                invitation.manager_completed_at = current["manager_completed_at"]
                invitation.manager_comment = current["manager_comment"]
                return False
            raise ValidationError(_closed_message(invitation))
    invitation.manager_comment, invitation.manager_completed_at = comment, now
    logger.info("Line manager added to a follow-up", extra={"invitation_id": invitation.pk})
    return True
