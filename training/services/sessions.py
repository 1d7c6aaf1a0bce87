"""Writes for sessions as the partnership team edits them: keeping a session's times in step
with its parts, the checks a session's details must pass, and telling booked people when the
time or place changes.

Cancelling a session is a booking matter (everyone booked loses their place), so it lives in
`training.services.booking.session_cancel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Max, Min

from training.enums import SessionStatus
from training.models import Session, SessionPart
from training.services.notifications import session_changed_notify

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class SessionSchedule:
    """What booked people rely on: when each part runs and where the session is."""

    parts: tuple[tuple[datetime, datetime], ...]
    venue: str
    joining_link: str


def session_schedule_stored(*, session_id: int) -> SessionSchedule:
    """The schedule as the database holds it now, before a form's changes are saved."""
    venue, joining_link = Session.objects.values_list("venue", "joining_link").get(pk=session_id)
    parts = SessionPart.objects.filter(session_id=session_id).order_by("starts_at")
    return SessionSchedule(
        parts=tuple(parts.values_list("starts_at", "ends_at")),
        venue=venue,
        joining_link=joining_link,
    )


def session_save_times(*, session: Session) -> bool:
    """Make `starts_at` and `ends_at` the first part's start and the last part's end, as stored.

    Returns whether they changed. Called after the parts are saved, never before.
    """
    bounds = SessionPart.objects.filter(session_id=session.pk).aggregate(
        first=Min("starts_at"), last=Max("ends_at")
    )
    if (session.starts_at, session.ends_at) == (bounds["first"], bounds["last"]):
        return False
    session.starts_at, session.ends_at = bounds["first"], bounds["last"]
    session.save(update_fields=["starts_at", "ends_at"])
    return True


def session_saved(*, session: Session, before: SessionSchedule | None, saved_by: User) -> bool:
    """Finish saving a session from the admin: keep its times in step with its parts and, when
    the times or place of a session people are booked on have changed, tell them.

    `before` is the schedule read before the form was saved (None for a new session). Returns
    whether booked people are told.
    """
    session_save_times(session=session)
    if session.status != SessionStatus.CANCELLED:
        # More places, or a changed mix rule, may let people on the waiting list in.
        from training.services.booking import waiting_list_fill

        waiting_list_fill(session=session)
    if before is None or session.status == SessionStatus.CANCELLED:
        return False
    if session_schedule_stored(session_id=session.pk) == before:
        return False
    if not session.bookings.active().exists():
        return False
    session_changed_notify(session=session, changed_by=saved_by)
    return True


def session_parts_check(*, parts: Sequence[tuple[datetime, datetime]]) -> None:
    """The parts of one session: at least one, each ending after it starts, none overlapping.

    Raises a ValidationError with one plain message per problem.
    """
    if not parts:
        raise ValidationError("Add at least one date and time for the session.", code="no_parts")
    problems = []
    ordered = sorted(parts)
    for number, (starts_at, ends_at) in enumerate(ordered, start=1):
        if ends_at <= starts_at:
            problems.append(
                ValidationError(
                    f"Part {number} must end after it starts.", code="part_ends_before_start"
                )
            )
    for number, ((_, earlier_end), (later_start, _)) in enumerate(pairwise(ordered), start=1):
        if later_start < earlier_end:
            problems.append(
                ValidationError(
                    f"Parts {number} and {number + 1} overlap. "
                    "Each part must end before the next one starts.",
                    code="parts_overlap",
                )
            )
    if problems:
        raise ValidationError(problems)


def session_places_taken(*, session: Session) -> int:
    """How many places are held (booked, awaiting approval, offered or already marked)."""
    if session.pk is None:
        return 0
    return session.bookings.holding_places().count()


def session_capacity_check(*, session: Session, capacity: int, minimum_numbers: int) -> None:
    """The capacity must hold the minimum numbers and everyone who already has a place.

    Raises a ValidationError keyed by field, so a form can show each message by its field.
    """
    if minimum_numbers > capacity:
        raise ValidationError(
            {"minimum_numbers": "The minimum number of people cannot be more than the capacity."},
            code="minimum_above_capacity",
        )
    taken = session_places_taken(session=session)
    if capacity < taken:
        people = (
            "1 person already has a place" if taken == 1 else f"{taken} people already have places"
        )
        raise ValidationError(
            {"capacity": f"{people}. The capacity cannot be less than {taken}."},
            code="capacity_below_taken",
        )
