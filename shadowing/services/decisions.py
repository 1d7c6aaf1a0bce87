"""The line manager's and the host's decisions on a request.

A host's acceptance takes a place. Places are numbered from 1 to the places on offer, unique per
date (set dates) or per month (by arrangement) in the database; the number is chosen under a
lock of the opportunity's row, so acceptances of one opportunity happen one after another and
the last place goes to one of them only. The constraint is the backstop: were two ever to pick
the same number, the second would be refused with the same sentence.

Lock order, everywhere in shadowing: the opportunity's row before the placement's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from organisations.models import Membership
from shadowing.enums import PLACE_HOLDING_STATUSES, Action, Event, Status
from shadowing.errors import ShadowingError
from shadowing.models import Opportunity, Placement
from shadowing.permissions import parties_of
from shadowing.services import notifications
from shadowing.services.history import NOT_FOUND, placement_locked, placement_save
from shadowing.states import transition_check

if TYPE_CHECKING:
    from accounts.models import User


def day_text(day: date | None) -> str:
    """25 November 2026."""
    if day is None:
        return "no date"
    return f"{day.day} {day:%B %Y}"


def _reason_required(reason: str, *, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ShadowingError(f"Say why you are {what} this request.", field="reason")
    return reason


def placement_manager_approve(*, placement_id: int, by: User) -> Placement:
    """The visitor's line manager agrees to the visit: the request goes to the host."""
    with transaction.atomic():
        placement = placement_locked(placement_id)
        transition_check(
            action=Action.MANAGER_APPROVE,
            status=placement.status,
            parties=parties_of(by, placement),
        )
        placement.status = Status.AWAITING_HOST
        placement.manager_decided_at = timezone.now()
        # The manager who decided, which may not be the one the visitor had when they asked.
        placement.line_manager_id = placement.visitor.line_manager_id
        placement_save(placement, by=by, reason="Approved by the line manager")
        notifications.placement_notify(placement=placement, event=Event.MANAGER_APPROVED)
    return placement


def placement_manager_decline(*, placement_id: int, by: User, reason: str) -> Placement:
    """The visitor's line manager says no, saying why."""
    with transaction.atomic():
        placement = placement_locked(placement_id)
        transition_check(
            action=Action.MANAGER_DECLINE,
            status=placement.status,
            parties=parties_of(by, placement),
        )
        reason = _reason_required(reason, what="declining")
        now = timezone.now()
        placement.status = Status.DECLINED_BY_MANAGER
        placement.manager_decided_at = now
        placement.line_manager_id = placement.visitor.line_manager_id
        placement.reason = reason
        placement.ended_by = by
        placement.ended_at = now
        placement_save(placement, by=by, reason="Declined by the line manager")
        notifications.placement_notify(placement=placement, event=Event.MANAGER_DECLINED)
    return placement


def visit_date_check(*, opportunity: Opportunity, visit_date: date) -> None:
    """Refuse a visit date the opportunity does not offer, or one too soon for its notice."""
    today = timezone.localdate()
    if opportunity.by_arrangement:
        earliest = today + timedelta(days=opportunity.minimum_notice_days)
        if visit_date < earliest:
            raise ShadowingError(
                f"Choose a date on or after {day_text(earliest)}: this opportunity needs "
                f"{opportunity.minimum_notice_days} days' notice.",
                field="visit_date",
            )
        return
    if visit_date < today or not opportunity.dates.filter(date=visit_date).exists():
        raise ShadowingError(
            "Choose one of the dates this opportunity offers that has not passed.",
            field="visit_date",
        )


def place_take(*, placement: Placement, opportunity: Opportunity, visit_date: date) -> str:
    """Give the placement the lowest free place on its date or in its month, or refuse; returns
    the sentence said when there is none. The caller holds the opportunity's row lock; a
    placement moving to another date gives up its own place in the same save."""
    if opportunity.by_arrangement:
        month = visit_date.replace(day=1)
        places = opportunity.places_per_month
        same = Q(visit_month=month)
        full = f"There are no places left in {month:%B %Y}."
    else:
        month = None
        places = opportunity.places_per_date
        same = Q(visit_date=visit_date, visit_month__isnull=True)
        full = f"There are no places left on {day_text(visit_date)}."
    holders = Placement.objects.filter(same, opportunity=opportunity).exclude(pk=placement.pk)
    # Any number still set is taken as far as the database's constraint is concerned, even on
    # a placement that should have let it go, so it is skipped too.
    taken = set(holders.filter(place_number__isnull=False).values_list("place_number", flat=True))
    holding = holders.filter(status__in=PLACE_HOLDING_STATUSES).count()
    free = [number for number in range(1, places + 1) if number not in taken]
    if not free or holding >= places:
        raise ShadowingError(full, field="visit_date")
    placement.visit_date = visit_date
    placement.visit_month = month
    placement.place_number = free[0]
    placement.places = places
    return full


def placement_host_accept(
    *, placement_id: int, by: User, supervisor: Membership, visit_date: date
) -> Placement:
    """The host agrees to the visit on `visit_date`, with `supervisor` looking after the visitor.

    Takes a place; then the visit waits for its checks, or is confirmed at once when the
    opportunity asks for none."""
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
            action=Action.HOST_ACCEPT,
            status=placement.status,
            parties=parties_of(by, placement),
        )
        if not (
            Membership.objects.current()
            .filter(pk=supervisor.pk, organisation_id=placement.host_organisation_id)
            .exists()
        ):
            raise ShadowingError(
                f"The supervisor must be a current member of {placement.host_organisation}.",
                field="supervisor",
            )
        visit_date_check(opportunity=opportunity, visit_date=visit_date)
        no_places = place_take(placement=placement, opportunity=opportunity, visit_date=visit_date)
        now = timezone.now()
        placement.supervisor = supervisor
        placement.host_decided_at = now
        if opportunity.conditions.exists():
            placement.status = Status.AWAITING_CHECKS
            event = Event.HOST_ACCEPTED
        else:
            placement.status = Status.CONFIRMED
            placement.confirmed_at = now
            event = Event.CONFIRMED
        try:
            with transaction.atomic():
                placement_save(placement, by=by, reason="Accepted by the host")
        except IntegrityError:
            raise ShadowingError(no_places, field="visit_date") from None
        notifications.placement_notify(placement=placement, event=event)
    return placement


def placement_host_decline(*, placement_id: int, by: User, reason: str) -> Placement:
    """The host says no, saying why."""
    with transaction.atomic():
        placement = placement_locked(placement_id)
        transition_check(
            action=Action.HOST_DECLINE,
            status=placement.status,
            parties=parties_of(by, placement),
        )
        reason = _reason_required(reason, what="declining")
        now = timezone.now()
        placement.status = Status.DECLINED_BY_HOST
        placement.host_decided_at = now
        placement.reason = reason
        placement.ended_by = by
        placement.ended_at = now
        placement_save(placement, by=by, reason="Declined by the host")
        notifications.placement_notify(placement=placement, event=Event.HOST_DECLINED)
    return placement
