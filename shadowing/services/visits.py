"""Before and after the visit: moving it to another date, cancelling it, and the host
recording whether it happened."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from shadowing.enums import Action, Event, Status
from shadowing.errors import ShadowingError
from shadowing.models import Opportunity, Placement
from shadowing.permissions import parties_of
from shadowing.services import notifications
from shadowing.services.decisions import day_text, place_take, visit_date_check
from shadowing.services.history import NOT_FOUND, placement_locked, placement_save
from shadowing.states import transition_check

if TYPE_CHECKING:
    from accounts.models import User


def placement_date_change(
    *, placement_id: int, by: User, visit_date: date, reason: str
) -> Placement:
    """The host moves an accepted visit to another date, saying why (having agreed it with the
    visitor, as the form asks). The place on the old date is let go and one taken on the new
    date, under the opportunity's lock as an acceptance does; checks already recorded stand.
    Everyone is told, with a calendar file whose events keep their UIDs and a higher SEQUENCE,
    so calendars move the visit instead of adding a second one."""
    with transaction.atomic():
        opportunity_id = (
            Placement.objects.filter(pk=placement_id)
            .values_list("opportunity_id", flat=True)
            .first()
        )
        if opportunity_id is None:
            raise ShadowingError(NOT_FOUND)
        opportunity = Opportunity.objects.select_for_update().get(pk=opportunity_id)
        placement = placement_locked(placement_id)
        transition_check(
            action=Action.CHANGE_DATE, status=placement.status, parties=parties_of(by, placement)
        )
        reason = reason.strip()
        if not reason:
            raise ShadowingError("Say why the date is changing.", field="reason")
        old_date = placement.visit_date
        if visit_date == old_date:
            raise ShadowingError(
                "The visit is already on that date. Choose a different date.", field="visit_date"
            )
        visit_date_check(opportunity=opportunity, visit_date=visit_date)
        no_places = place_take(placement=placement, opportunity=opportunity, visit_date=visit_date)
        if not opportunity.by_arrangement:
            # The date asked for moves too, so the host may take the old one off the list.
            placement.requested_date = opportunity.dates.get(date=visit_date)
        placement.calendar_sequence += 1
        change = f"Date changed from {day_text(old_date)} to {day_text(visit_date)}: {reason}"
        try:
            with transaction.atomic():
                placement_save(placement, by=by, reason=change)
        except IntegrityError:
            raise ShadowingError(no_places, field="visit_date") from None
        notifications.placement_notify(placement=placement, event=Event.CHANGED, note=reason)
    return placement


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
