"""Before and after the visit: cancelling it, and the host recording whether it happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shadowing.enums import Action, Event, Status
from shadowing.errors import ShadowingError
from shadowing.permissions import parties_of
from shadowing.services import notifications
from shadowing.services.history import placement_locked, placement_save
from shadowing.states import transition_check

if TYPE_CHECKING:
    from accounts.models import User
    from shadowing.models import Placement


def placement_cancel(*, placement_id: int, by: User, reason: str) -> Placement:
    """Cancel a visit that has not happened, saying why; its place is free for someone else and
    calendars are told the event is off."""
    with transaction.atomic():
        placement = placement_locked(placement_id)
        transition_check(
            action=Action.CANCEL, status=placement.status, parties=parties_of(by, placement)
        )
        reason = reason.strip()
        if not reason:
            raise ShadowingError("Say why you are cancelling this visit.", field="reason")
        placement.status = Status.CANCELLED
        placement.place_number = None
        placement.reason = reason
        placement.ended_by = by
        placement.ended_at = timezone.now()
        placement.calendar_sequence += 1
        placement_save(placement, by=by, reason="Cancelled")
        notifications.placement_notify(placement=placement, event=Event.CANCELLED)
    return placement


def placement_outcome_record(*, placement_id: int, by: User, happened: bool) -> Placement:
    """The host records, on or after the day, whether the visit happened. If it did, the
    visitor writes their reflection; if not, the place is let go."""
    action = Action.RECORD_HAPPENED if happened else Action.RECORD_NOT_HAPPENED
    with transaction.atomic():
        placement = placement_locked(placement_id)
        transition_check(action=action, status=placement.status, parties=parties_of(by, placement))
        if placement.visit_date is None or placement.visit_date > timezone.localdate():
            raise ShadowingError("You can record this on or after the day of the visit.")
        now = timezone.now()
        placement.outcome_recorded_at = now
        if happened:
            placement.status = Status.AWAITING_REFLECTION
            event = Event.HAPPENED
            change = "The visit happened"
        else:
            placement.status = Status.DID_NOT_HAPPEN
            placement.place_number = None
            placement.ended_by = by
            placement.ended_at = now
            event = Event.NOT_HAPPENED
            change = "The visit did not happen"
        placement_save(placement, by=by, reason=change)
        notifications.placement_notify(placement=placement, event=event)
    return placement
