"""What the sweeps must do now: which bookings are due to be asked each step, and which
invitations are due their one reminder. Reads only; `evaluations.services.invitations` acts.

When each step is asked:

- **before**: a confirmed place on a scheduled session that has not started;
- **straight after**: once the register marks the person attended or partially attended (they
  were trained, if not for the whole course, and their view of it counts);
- **follow-up**: `follow_up_weeks` after the session ended, for the same people.

Only courses whose evaluation uses the step and has questions at it are asked. Nothing is asked
once the step would have closed had it been asked on time: a course that gets its evaluation
today does not ask about sessions long past. "Before" is asked only until the session starts;
"straight after" only within `open_days` of the register being marked; follow-up only within
`open_days` of its due date.

Each course sets its own days and weeks, and the database cannot multiply a column by a
duration on SQLite, so each query narrows by the widest setting the model allows and the exact
rule is applied to the few rows that come back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from evaluations.enums import Step
from evaluations.models import CourseQuestion, Invitation
from training.enums import BookingStatus, SessionStatus
from training.models import Booking

# Who is asked straight after and at follow-up: everyone the register says was trained.
EVALUATED_STATUSES = frozenset({BookingStatus.ATTENDED, BookingStatus.PARTIALLY_ATTENDED})

# The booking statuses a step is about, for asking and for the reminder: someone who cancelled
# is not reminded about a baseline, nor someone whose attendance was corrected to "did not
# attend" about a course they missed.
STEP_STATUSES: dict[Step, frozenset[str]] = {
    Step.BEFORE: frozenset({BookingStatus.CONFIRMED}),
    Step.AFTER: EVALUATED_STATUSES,
    Step.FOLLOW_UP: EVALUATED_STATUSES,
}

# The widest settings CourseEvaluation's validators allow, to narrow queries in the database
# before the exact per-course rule is applied.
LONGEST_OPEN = timedelta(days=90)
SHORTEST_FOLLOW_UP = timedelta(weeks=2)
LONGEST_FOLLOW_UP = timedelta(weeks=26)
SHORTEST_REMINDER = timedelta(days=1)

_USES = {
    Step.BEFORE: "session__course__evaluation__uses_before",
    Step.AFTER: "session__course__evaluation__uses_after",
    Step.FOLLOW_UP: "session__course__evaluation__uses_follow_up",
}


def _askable(step: Step, booking_ids: Iterable[int] | None) -> QuerySet[Booking]:
    """Bookings in the step's statuses, on courses using the step with questions at it, by an
    active person, and not yet asked it."""
    bookings = Booking.objects.filter(
        status__in=sorted(STEP_STATUSES[step]),
        user__is_active=True,
        **{_USES[step]: True},
    ).filter(
        Exists(
            CourseQuestion.objects.filter(evaluation__course=OuterRef("session__course"), step=step)
        ),
        ~Exists(Invitation.objects.filter(booking=OuterRef("pk"), step=step)),
    )
    if booking_ids is not None:
        bookings = bookings.filter(pk__in=list(booking_ids))
    return bookings


def bookings_due_before(*, now: datetime, booking_ids: Iterable[int] | None = None) -> list[int]:
    """Confirmed places on sessions that have not started, not yet asked for a baseline."""
    return list(
        _askable(Step.BEFORE, booking_ids)
        .filter(session__status=SessionStatus.SCHEDULED, session__starts_at__gt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def bookings_due_after(*, now: datetime, booking_ids: Iterable[int] | None = None) -> list[int]:
    """People marked attended (or partially), whose "straight after" step would still be open
    had it been asked when the register was marked."""
    rows = (
        _askable(Step.AFTER, booking_ids)
        .annotate(marked_at=Coalesce("attendance_marked_at", "session__ends_at"))
        .filter(marked_at__gt=now - LONGEST_OPEN)
        .order_by("pk")
        .values_list("pk", "marked_at", "session__course__evaluation__open_days")
    )
    return [pk for pk, marked_at, open_days in rows if marked_at + timedelta(days=open_days) > now]


def follow_up_due_at(*, ends_at: datetime, follow_up_weeks: int) -> datetime:
    """When a session's follow-up is asked."""
    return ends_at + timedelta(weeks=follow_up_weeks)


def bookings_due_follow_up(*, now: datetime, booking_ids: Iterable[int] | None = None) -> list[int]:
    """People trained on a session that ended `follow_up_weeks` ago, whose follow-up would
    still be open had it been asked on the day it was due."""
    rows = (
        _askable(Step.FOLLOW_UP, booking_ids)
        .filter(
            session__ends_at__lte=now - SHORTEST_FOLLOW_UP,
            session__ends_at__gt=now - LONGEST_FOLLOW_UP - LONGEST_OPEN,
        )
        .order_by("pk")
        .values_list(
            "pk",
            "session__ends_at",
            "session__course__evaluation__follow_up_weeks",
            "session__course__evaluation__open_days",
        )
    )
    due = []
    for pk, ends_at, weeks, open_days in rows:
        if ends_at is None:  # excluded by the query's filter on it; this tells mypy
            continue
        due_at = follow_up_due_at(ends_at=ends_at, follow_up_weeks=weeks)
        if due_at <= now < due_at + timedelta(days=open_days):
            due.append(pk)
    return due


_DUE_BY_STEP = {
    Step.BEFORE: bookings_due_before,
    Step.AFTER: bookings_due_after,
    Step.FOLLOW_UP: bookings_due_follow_up,
}


def invitations_due(
    *, now: datetime, booking_ids: Iterable[int] | None = None
) -> list[tuple[int, Step]]:
    """Every (booking id, step) to be asked now: one query a step, however many bookings."""
    ids = list(booking_ids) if booking_ids is not None else None
    return [
        (pk, step) for step, due in _DUE_BY_STEP.items() for pk in due(now=now, booking_ids=ids)
    ]


def invitation_is_due(*, booking_id: int, step: Step, now: datetime) -> bool:
    """Whether this booking is still to be asked this step (checked again just before asking)."""
    return booking_id in _DUE_BY_STEP[step](now=now, booking_ids=[booking_id])


# Still waiting for someone: the learner's answers, or the line manager's comment.
AWAITING_ANSWER = Q(completed_at__isnull=True) | Q(
    manager__isnull=False, manager_completed_at__isnull=True
)


def invitations_due_reminder(*, now: datetime) -> list[int]:
    """Open invitations asked `reminder_days` ago, not reminded, still waiting for the learner
    or their manager, whose booking is still one the step is about."""
    statuses = Q()
    for step, step_statuses in STEP_STATUSES.items():
        statuses |= Q(step=step, booking__status__in=sorted(step_statuses))
    rows = (
        Invitation.objects.filter(
            AWAITING_ANSWER,
            statuses,
            reminded_at__isnull=True,
            closes_at__gt=now,
            asked_at__lte=now - SHORTEST_REMINDER,
            booking__session__course__evaluation__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", "asked_at", "booking__session__course__evaluation__reminder_days")
    )
    return [pk for pk, asked_at, days in rows if asked_at + timedelta(days=days) <= now]
