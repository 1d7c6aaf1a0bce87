"""Setting a course's evaluation rule and a booking's "straight after" answer, as evaluations
would, for certificates' tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from evaluations.enums import Step
from evaluations.models import CourseEvaluation, Invitation
from training.models import Booking, Course


def certificate_waits(course: Course) -> None:
    CourseEvaluation.objects.update_or_create(
        course=course, defaults={"uses_after": True, "certificate_waits_for_after": True}
    )


def after_step_done(booking: Booking, *, done: bool = True) -> Invitation:
    now = timezone.now()
    invitation, _ = Invitation.objects.update_or_create(
        booking=booking,
        step=Step.AFTER,
        defaults={
            "asked_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=13),
            "completed_at": now if done else None,
        },
    )
    return invitation
