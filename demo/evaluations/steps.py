"""The evaluations step of `seed_demo`: the question bank, each demo course's evaluation, and
what past learners answered at each step (see docs/demo-data.md, "Evaluations").

Runs before the certificates step, so a certificate that waits for the "straight after"
evaluation is issued only to those who answered it.

The bank and the evaluations are made for courses that have none. The invitations and answers
are made once, like the programme they follow: a run that finds invitations for the demo
courses adds none, and the practitioner's late register is added only if she is not on it.
"""

from __future__ import annotations

import time
from datetime import datetime
from datetime import time as clock

from django.db.models import Count, Q

from demo.evaluations.bank import asked_questions, evaluations_bank_seed
from demo.evaluations.content import CONTENT
from demo.evaluations.responses import evaluation_responses_seed, follow_up_due_at
from demo.evaluations.stories import practitioner_late_register_seed
from demo.organisations.context import DemoSeed
from demo.training.dates import at
from demo.training.trainers import DEMO_TRAINER
from evaluations.enums import Step
from evaluations.models import CourseEvaluation, Invitation
from training.enums import BookingStatus, SessionStatus
from training.models import Session

MIDNIGHT = clock(0, 0)
STEP_NAMES = {Step.BEFORE: "before", Step.AFTER: "after", Step.FOLLOW_UP: "follow-up"}


def evaluations_seed(seed: DemoSeed) -> None:
    started = time.perf_counter()
    # What had happened by the start of the seeding day: the same day seeds the same answers,
    # whatever the hour.
    now = at(seed.today, MIDNIGHT)
    questions, evaluations = evaluations_bank_seed()
    slugs = [course.slug for course in CONTENT.courses]
    if Invitation.objects.filter(booking__session__course__slug__in=slugs).exists():
        seed.log(f"Evaluations: {questions} questions, {evaluations} course evaluations added")
        return
    story = practitioner_late_register_seed(now=now)
    counts = evaluation_responses_seed(
        rng=seed.rng("evaluations"),
        now=now,
        still_open={story.pk} if story is not None else set(),
        few_session_id=_trainers_smallest_followed_up_session(now),
        asked=asked_questions(),
    )
    steps = ", ".join(
        f"{name} {counts.answered[step]} of {counts.asked[step]}"
        for step, name in STEP_NAMES.items()
    )
    seed.log(
        f"Evaluations: {questions} questions, {evaluations} course evaluations; answered "
        f"{steps}; {counts.answers} answers, {counts.manager_comments} line managers' comments "
        f"({time.perf_counter() - started:.2f} s)"
    )


def _trainers_smallest_followed_up_session(now: datetime) -> int | None:
    """The demo trainer's past session with the fewest attending whose follow-up has been
    asked: the one whose results are too few to show."""
    weeks = dict(
        CourseEvaluation.objects.filter(uses_follow_up=True).values_list(
            "course_id", "follow_up_weeks"
        )
    )
    sessions = (
        Session.objects.filter(
            trainers__email=DEMO_TRAINER,
            status=SessionStatus.SCHEDULED,
            ends_at__lt=now,
            course_id__in=list(weeks),
        )
        .annotate(attended=Count("bookings", filter=Q(bookings__status=BookingStatus.ATTENDED)))
        .filter(attended__gt=0)
        .order_by("attended", "starts_at")
    )
    for session in sessions:
        assert session.ends_at is not None
        if follow_up_due_at(ends_at=session.ends_at, weeks=weeks[session.course_id]) <= now:
            return session.pk
    return None
