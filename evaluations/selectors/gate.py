"""What certificates ask of evaluations: does a booking's certificate wait for an evaluation,
and has it been answered. The only part of evaluations that certificates use."""

from __future__ import annotations

from collections.abc import Iterable

from evaluations.enums import Step
from evaluations.models import CourseEvaluation, Invitation


def certificate_waits_for_evaluation(*, course_id: int) -> bool:
    """True when the course's certificate waits for its "straight after" evaluation."""
    return CourseEvaluation.objects.filter(
        course_id=course_id, uses_after=True, certificate_waits_for_after=True
    ).exists()


def courses_waiting_for_evaluation(course_ids: Iterable[int]) -> set[int]:
    """Of these courses, those whose certificate waits for the evaluation (one query)."""
    return set(
        CourseEvaluation.objects.filter(
            course_id__in=list(course_ids), uses_after=True, certificate_waits_for_after=True
        ).values_list("course_id", flat=True)
    )


def bookings_with_after_step_done(booking_ids: Iterable[int]) -> set[int]:
    """Of these bookings, those whose "straight after" evaluation is complete (one query)."""
    return set(
        Invitation.objects.filter(
            booking_id__in=list(booking_ids), step=Step.AFTER, completed_at__isnull=False
        ).values_list("booking_id", flat=True)
    )
