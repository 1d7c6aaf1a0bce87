"""Asking to shadow: a visitor's request for an opportunity, which goes to their line manager.

Who may ask is `shadowing.selectors.catalogue.request_refusal`, the rule the catalogue shows;
the dates asked for are checked here. A request holds no place: places are taken when the host
accepts (`shadowing.services.decisions`).

A request is made under a lock of the opportunity's row, the lock a host's edit and a host's
acceptance take first too (lock order, everywhere in shadowing: the opportunity's row before
the placement's). So two requests from one person at the same moment (a double click, two tabs)
happen one after the other, and the second is told they have already asked; the database's
one-open-request constraint is the backstop, refused with the same sentence. And a request for
a set date and the host taking that date away happen one after the other: the request made
first keeps the date (the host is told it has a request), or the date taken away first is
refused to the visitor, who is told to choose another."""

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
DATE_NO_LONGER_OFFERED = "{day} is no longer offered. Choose another date."


def _notice(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _check_set_date(
    opportunity: Opportunity, requested_date: OpportunityDate | None, today: date
) -> None:
    if requested_date is None:
        raise ShadowingError(NO_DATE_CHOSEN, field="requested_date")
    if requested_date.opportunity_id != opportunity.pk:
        raise ShadowingError(NOT_AN_OFFERED_DATE, field="requested_date")
    # Read again under the opportunity's lock: the host may have taken it away since the form
    # was shown.
    if not OpportunityDate.objects.filter(pk=requested_date.pk, opportunity=opportunity).exists():
        raise ShadowingError(
            DATE_NO_LONGER_OFFERED.format(day=f"{requested_date.date:%-d %B %Y}"),
            field="requested_date",
        )
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
    in `proposed_dates`, each with the minimum notice and within a year. Everything is read
    under the opportunity's row lock, taken first (the module says why)."""
    today = timezone.localdate()
    with transaction.atomic():
        opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
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
            # The lock makes a second request at the same moment wait and then meet
            # `request_refusal`; should one ever get past, the one-open-request constraint
            # refuses it.
            with transaction.atomic():
                placement.save()
        except IntegrityError:
            raise ShadowingError(ALREADY_ASKED) from None
        notifications.placement_notify(placement=placement, event=Event.REQUESTED)
    return placement
