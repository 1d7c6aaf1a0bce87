"""Reads for the answering pages: the invitation a learner or line manager may open, its
questions in order, and a person's own evaluations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from evaluations.enums import Step
from evaluations.models import CourseQuestion, Invitation

if TYPE_CHECKING:
    from accounts.models import User

# What the answering pages show of an invitation: the course and session it is about, and
# the learner (for the manager's page). One query with the joins.
_INVITATION_RELATED = ("booking__session__course", "booking__user")


def invitation_for_learner(*, pk: int, user: User) -> Invitation | None:
    """The invitation, if it asks `user` about their own booking; otherwise None."""
    if not user.is_authenticated:
        return None
    return (
        Invitation.objects.select_related(*_INVITATION_RELATED)
        .filter(pk=pk, booking__user=user)
        .first()
    )


def invitation_for_manager(*, pk: int, user: User) -> Invitation | None:
    """The follow-up invitation, if `user` is the line manager asked to add to it."""
    if not user.is_authenticated:
        return None
    return (
        Invitation.objects.select_related(*_INVITATION_RELATED)
        .filter(pk=pk, manager=user, step=Step.FOLLOW_UP)
        .first()
    )


def questions_for_invitation(invitation: Invitation) -> list[CourseQuestion]:
    """The questions the course asks at the invitation's step, in order, with their question
    (one query, however many there are)."""
    return list(
        CourseQuestion.objects.filter(
            evaluation__course_id=invitation.booking.session.course_id, step=invitation.step
        )
        .select_related("question")
        .order_by("position", "pk")
    )


def invitation_is_open(invitation: Invitation) -> bool:
    """Not yet answered by the learner, and not yet closed."""
    return invitation.completed_at is None and invitation.closes_at > timezone.now()


def manager_request_is_open(invitation: Invitation) -> bool:
    """The line manager has not yet added to it, and it has not closed."""
    return invitation.manager_completed_at is None and invitation.closes_at > timezone.now()


@dataclass(frozen=True)
class MyEvaluations:
    """A person's evaluations, for the list page."""

    to_answer: list[Invitation]
    for_my_staff: list[Invitation]
    done: list[Invitation]


def evaluations_of(user: User) -> MyEvaluations:
    """Open evaluations to answer (soonest to close first), follow-ups where the person is the
    line manager asked to add, and those answered (newest first). Three queries."""
    now = timezone.now()
    mine = Invitation.objects.select_related(*_INVITATION_RELATED).filter(booking__user=user)
    to_answer = list(
        mine.filter(completed_at__isnull=True, closes_at__gt=now).order_by("closes_at", "pk")
    )
    done = list(mine.filter(completed_at__isnull=False).order_by("-completed_at", "-pk"))
    for_my_staff = list(
        Invitation.objects.select_related(*_INVITATION_RELATED)
        .filter(
            manager=user,
            step=Step.FOLLOW_UP,
            manager_completed_at__isnull=True,
            closes_at__gt=now,
        )
        .order_by("closes_at", "pk")
    )
    return MyEvaluations(to_answer=to_answer, for_my_staff=for_my_staff, done=done)
