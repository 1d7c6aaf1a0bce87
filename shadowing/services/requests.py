"""Asking to shadow: a visitor's request for an opportunity, which goes to their line manager.

Who may ask is `shadowing.selectors.catalogue.request_refusal`, the rule the catalogue shows;
the dates asked for are checked here. A request holds no place: places are taken when the host
accepts (`shadowing.services.decisions`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from organisations.models import Membership
from shadowing.enums import Event, Status
from shadowing.errors import ShadowingError
from shadowing.models import Opportunity, OpportunityDate, Placement, ReturnInvitation
from shadowing.selectors.catalogue import (
    ALREADY_ASKED,
    FURTHEST_AHEAD,
    places_left_on,
    request_refusal,
)
from shadowing.services import notifications

if TYPE_CHECKING:
    from accounts.models import User

LEARNING_GOALS_MAX_LENGTH = 2000
# By arrangement, the visitor offers up to this many days the host can choose from.
MOST_PROPOSED_DATES = 3

NO_LEARNING_GOALS = "Enter what you hope to learn from the visit."
LEARNING_GOALS_TOO_LONG = (
    f"What you hope to learn must be {LEARNING_GOALS_MAX_LENGTH:,} characters or fewer."
)
NO_DATE_CHOSEN = "Choose the date you would like to visit."
NOT_AN_OFFERED_DATE = "Choose one of the dates this opportunity offers."
NO_DATES_PROPOSED = "Enter at least one date you could visit."
TOO_MANY_DATES = f"Enter no more than {MOST_PROPOSED_DATES} dates."
SAME_DATE_TWICE = "Enter each date once."
PROPOSED_TOO_FAR = "Each date must be within a year from today."
NOT_A_WEEKDAY = "Each date must be a weekday (Monday to Friday)."
NOT_A_RETURN_VISIT = "This return visit was not offered to you for this opportunity."


def _notice(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _check_set_date(
    opportunity: Opportunity, requested_date: OpportunityDate | None, today: date
) -> None:
    if requested_date is None:
        raise ShadowingError(NO_DATE_CHOSEN, field="requested_date")
    if requested_date.opportunity_id != opportunity.pk:
        raise ShadowingError(NOT_AN_OFFERED_DATE, field="requested_date")
    notice = opportunity.minimum_notice_days
    if requested_date.date < today + timedelta(days=notice):
        raise ShadowingError(
            f"Choose a date at least {_notice(notice)} from today: the host needs that notice.",
            field="requested_date",
        )
    if places_left_on(opportunity, requested_date.date) < 1:
        raise ShadowingError(
            f"There are no places left on {requested_date.date:%-d %B %Y}. Choose another date.",
            field="requested_date",
        )


def _check_proposed_dates(opportunity: Opportunity, proposed: list[date], today: date) -> None:
    if not proposed:
        raise ShadowingError(NO_DATES_PROPOSED, field="proposed_dates")
    if len(proposed) > MOST_PROPOSED_DATES:
        raise ShadowingError(TOO_MANY_DATES, field="proposed_dates")
    if len(set(proposed)) != len(proposed):
        raise ShadowingError(SAME_DATE_TWICE, field="proposed_dates")
    notice = opportunity.minimum_notice_days
    for day in proposed:
        if day < today + timedelta(days=notice):
            raise ShadowingError(
                f"Each date must be at least {_notice(notice)} from today: the host needs "
                "that notice.",
                field="proposed_dates",
            )
        if day > today + FURTHEST_AHEAD:
            raise ShadowingError(PROPOSED_TOO_FAR, field="proposed_dates")
        if day.weekday() >= 5:
            raise ShadowingError(NOT_A_WEEKDAY, field="proposed_dates")


def _check_return_visit(
    reciprocal_of: Placement, *, visitor: Membership, opportunity: Opportunity
) -> None:
    """A return visit answers a completed placement's invitation, made to this member, to
    an opportunity of the organisation the first visitor came from."""
    invitation = ReturnInvitation.objects.filter(placement=reciprocal_of).first()
    if (
        reciprocal_of.status != Status.COMPLETED
        or invitation is None
        or invitation.invited_visitor_id != visitor.pk
        or opportunity.organisation_id != reciprocal_of.home_organisation_id
    ):
        raise ShadowingError(NOT_A_RETURN_VISIT)


def placement_request(
    *,
    visitor: Membership,
    opportunity: Opportunity,
    requested_date: OpportunityDate | None,
    proposed_dates: list[date],
    learning_goals: str,
    by: User,
    reciprocal_of: Placement | None = None,
) -> Placement:
    """Ask to shadow: a placement waiting for the visitor's line manager, who is told.

    Raises `ShadowingError` (with the form field it concerns, if any) and creates nothing when
    the visitor may not ask, a date does not suit or the learning goals are missing. On set
    dates `requested_date` is one of the opportunity's dates; by arrangement, 1 to 3 weekdays
    in `proposed_dates`, each with the minimum notice and within a year."""
    today = timezone.localdate()
    with transaction.atomic():
        visitor = Membership.objects.select_related("organisation", "line_manager").get(
            pk=visitor.pk
        )
        refusal = request_refusal(visitor, opportunity)
        if refusal is not None:
            raise ShadowingError(refusal)
        if reciprocal_of is not None:
            _check_return_visit(reciprocal_of, visitor=visitor, opportunity=opportunity)
        if opportunity.by_arrangement:
            _check_proposed_dates(opportunity, proposed_dates, today)
            requested_date = None
        else:
            _check_set_date(opportunity, requested_date, today)
            proposed_dates = []
        goals = learning_goals.strip()
        if not goals:
            raise ShadowingError(NO_LEARNING_GOALS, field="learning_goals")
        if len(goals) > LEARNING_GOALS_MAX_LENGTH:
            raise ShadowingError(LEARNING_GOALS_TOO_LONG, field="learning_goals")
        placement = Placement(
            opportunity=opportunity,
            visitor=visitor,
            home_organisation_id=visitor.organisation_id,
            host_organisation_id=opportunity.organisation_id,
            line_manager=visitor.line_manager,
            status=Status.AWAITING_MANAGER,
            learning_goals=goals,
            requested_date=requested_date,
            proposed_dates=[day.isoformat() for day in sorted(proposed_dates)],
            reciprocal_of=reciprocal_of,
            requested_at=timezone.now(),
        )
        placement._history_user = by  # type: ignore[attr-defined]
        try:
            # A second request sent at the same moment meets the one-open-request constraint.
            with transaction.atomic():
                placement.save()
        except IntegrityError:
            raise ShadowingError(ALREADY_ASKED) from None
        notifications.placement_notify(placement=placement, event=Event.REQUESTED)
    return placement
