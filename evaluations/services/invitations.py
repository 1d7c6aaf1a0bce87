"""Asking each booking each step of its course's evaluation, and the one reminder.

Exactly once: the invitation row is the sent-log. One transaction locks the booking, checks the
step is still due, inserts the invitation (one per booking and step, a unique constraint) and
stores its emails in the outbox (which writes in the caller's transaction). A second worker
waits for the lock and then finds the invitation; a run that fails before commit leaves
neither, so the next sweep asks.

The reminder is claimed by a conditional update (`reminded_at` still empty) in the
transaction that stores its emails, so two workers cannot both send it.

A step closes at `closes_at`: the answering pages refuse answers after it and the reminder is
not sent, so closing needs no job of its own.

Who is asked when is in `evaluations.selectors.invitations`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from evaluations.enums import Step
from evaluations.models import CourseEvaluation, Invitation
from evaluations.selectors.invitations import (
    AWAITING_ANSWER,
    invitation_is_due,
    invitations_due,
    invitations_due_reminder,
)
from outbox.messages import absolute_url, email_render
from training.enums import BookingStatus
from training.models import Booking

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

EMAIL_FOLDER = "evaluations/email"


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    asked: int
    reminded: int


def invitations_sweep(*, now: datetime) -> SweepResult:
    """Ask every step that is due now and send every reminder that is due. Safe to run twice,
    or in two workers at once: each invitation and each reminder is made once."""
    asked = sum(
        invitation_ask(booking_id=booking_id, step=step, now=now) is not None
        for booking_id, step in invitations_due(now=now)
    )
    reminded = sum(
        invitation_remind(invitation_id=invitation_id, now=now)
        for invitation_id in invitations_due_reminder(now=now)
    )
    if asked or reminded:
        logger.info("evaluation sweep", extra={"asked": asked, "reminded": reminded})
    return SweepResult(asked=asked, reminded=reminded)


def invitations_ask_for_booking(*, booking_id: int, now: datetime) -> int:
    """Ask whatever steps are due now for one booking (say, just after its register is
    marked). Returns how many were asked."""
    return sum(
        invitation_ask(booking_id=booking_id, step=step, now=now) is not None
        for _, step in invitations_due(now=now, booking_ids=[booking_id])
    )


def invitation_ask(*, booking_id: int, step: Step | str, now: datetime) -> Invitation | None:
    """Ask one booking one step, if it is still due: the invitation, the learner's email and,
    at follow-up, the line manager's, in one transaction. None if it was not due (asked
    already, by this or another worker, or no longer applicable)."""
    step = Step(step)
    log_extra: dict[str, Any] = {"booking_id": booking_id, "step": step.value}
    try:
        with transaction.atomic():
            # Locked, so a second worker asking at the same moment waits, then finds the
            # invitation; and a cancellation committing now waits for this or is seen below.
            booking = _booking_locked(booking_id=booking_id)
            if booking is None or not invitation_is_due(booking_id=booking_id, step=step, now=now):
                return None
            evaluation = booking.session.course.evaluation
            invitation = Invitation(
                booking=booking,
                step=step,
                asked_at=now,
                closes_at=_closes_at(booking=booking, evaluation=evaluation, step=step, now=now),
                manager=_manager_asked(booking=booking, evaluation=evaluation, step=step),
            )
            # The unique constraint on booking and step is the sent-log: the database checks
            # it on insert (checking first as well would only cost a query).
            invitation.full_clean(validate_unique=False, validate_constraints=False)
            invitation.save()
            _email(invitation, "invitation", to=booking.user)
            if invitation.manager is not None:
                _email(invitation, "manager_invitation", to=invitation.manager)
    except IntegrityError:
        logger.info("evaluation already asked", extra=log_extra)
        return None
    logger.info("evaluation asked", extra=log_extra | {"invitation_id": invitation.pk})
    return invitation


def invitation_remind(*, invitation_id: int, now: datetime) -> bool:
    """Send an invitation's one reminder, to the learner if they have not answered and to the
    line manager if they have not added to it. False if it was not due (already reminded,
    answered by both, or closed)."""
    with transaction.atomic():
        # Only this row's own columns in the condition, so the database re-checks all of it
        # when a second worker's update waits for the first's.
        claimed = (
            Invitation.objects.filter(
                AWAITING_ANSWER, pk=invitation_id, reminded_at__isnull=True, closes_at__gt=now
            ).update(reminded_at=now)
            == 1
        )
        if not claimed:
            return False
        invitation = (
            Invitation.objects.select_related(
                "booking__session__course__evaluation", "booking__user", "manager"
            )
            .filter(pk=invitation_id)
            .get()
        )
        recipients = []
        if invitation.completed_at is None and invitation.booking.user.is_active:
            recipients.append(("reminder", invitation.booking.user))
        manager = invitation.manager
        if manager is not None and invitation.manager_completed_at is None and manager.is_active:
            recipients.append(("manager_reminder", manager))
        if not recipients:
            transaction.set_rollback(True)  # nobody to remind: leave the row as it was
            return False
        for template, recipient in recipients:
            _email(invitation, template, to=recipient)
    logger.info("evaluation reminded", extra={"invitation_id": invitation_id})
    return True


def _booking_locked(*, booking_id: int) -> Booking | None:
    return (
        Booking.objects.select_related(
            "session__course__evaluation", "user", "attendee__line_manager__user"
        )
        # Only the booking row: the joined line manager may be missing (an outer join).
        .select_for_update(of=("self",))
        .filter(pk=booking_id)
        .first()
    )


def _closes_at(
    *, booking: Booking, evaluation: CourseEvaluation, step: Step, now: datetime
) -> datetime:
    """`open_days` after asking; a baseline closes when the session starts, as answers given
    after it are no longer a baseline."""
    closes_at = now + timedelta(days=evaluation.open_days)
    starts_at = booking.session.starts_at
    if step == Step.BEFORE and starts_at is not None:
        closes_at = min(closes_at, starts_at)
    return closes_at


def _manager_asked(*, booking: Booking, evaluation: CourseEvaluation, step: Step) -> User | None:
    """At follow-up, the learner's current line manager, when the course asks managers."""
    if step != Step.FOLLOW_UP or not evaluation.asks_manager_at_follow_up:
        return None
    manager = booking.attendee.line_manager
    if manager is None or not manager.is_current() or not manager.user.is_active:
        return None
    if manager.user_id == booking.user_id:
        return None
    return manager.user


def _email(invitation: Invitation, template: str, *, to: User) -> None:
    """Store one of the invitation's emails in the outbox, in the current transaction."""
    booking = invitation.booking
    session = booking.session
    evaluation = getattr(session.course, "evaluation", None)
    context = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "invitation": invitation,
        "step": invitation.step,
        "recipient": to,
        "learner": booking.user,
        "course": session.course,
        "session": session,
        "evaluation": evaluation,
        # Only someone who attended the whole course gets a certificate.
        "certificate_waits": (
            invitation.step == Step.AFTER
            and evaluation is not None
            and evaluation.certificate_waits_for_after
            and booking.status == BookingStatus.ATTENDED
        ),
        "answer_url": absolute_url(reverse("evaluations_answering:answer", args=[invitation.pk])),
        "manager_url": absolute_url(reverse("evaluations_answering:manager", args=[invitation.pk])),
    }
    email_render(f"{EMAIL_FOLDER}/{template}", context, to=to.email).send()
