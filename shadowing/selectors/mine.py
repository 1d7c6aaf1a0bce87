"""Reads for My shadowing: a person's placements as a visitor, grouped by what comes next, and
the return visits offered to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone

from shadowing.enums import OPEN_STATUSES, Status
from shadowing.models import Condition, Placement, PlacementCheck, ReturnInvitation

if TYPE_CHECKING:
    from accounts.models import User

WAITING = (Status.AWAITING_MANAGER, Status.AWAITING_HOST, Status.AWAITING_CHECKS)


@dataclass(frozen=True)
class WaitingRow:
    placement: Placement
    # On whom the request waits: "your line manager, Sam Jones", "the host", "checks: …".
    waiting_on: str


@dataclass(frozen=True)
class UpcomingRow:
    placement: Placement
    # The host's joining details, shown from a few days before the visit.
    joining_details: str


@dataclass(frozen=True)
class ReflectionRow:
    placement: Placement
    due_on: date


@dataclass(frozen=True)
class ReturnOffer:
    invitation: ReturnInvitation
    # The catalogue filtered to the first visitor's organisation, carrying the placement.
    catalogue_url: str


@dataclass(frozen=True)
class PastRow:
    placement: Placement
    cpd_hours: Decimal | None


@dataclass
class MyShadowing:
    waiting: list[WaitingRow] = field(default_factory=list)
    upcoming: list[UpcomingRow] = field(default_factory=list)
    reflections: list[ReflectionRow] = field(default_factory=list)
    return_offers: list[ReturnOffer] = field(default_factory=list)
    past: list[PastRow] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.waiting or self.upcoming or self.reflections or self.return_offers or self.past
        )


def _waiting_on(placement: Placement) -> str:
    if placement.status == Status.AWAITING_MANAGER:
        manager = placement.line_manager
        if manager is None:
            return "your line manager"
        return f"your line manager, {manager.user.get_full_name() or manager.user.email}"
    if placement.status == Status.AWAITING_HOST:
        return "the host"
    met = {check.condition_id for check in placement.checks.all()}
    missing = [c.name for c in placement.opportunity.conditions.all() if c.pk not in met]
    return f"checks: {', '.join(missing)}" if missing else "checks"


def reflection_due_on(placement: Placement) -> date | None:
    if placement.outcome_recorded_at is None:
        return None
    recorded = timezone.localdate(placement.outcome_recorded_at)
    return recorded + timedelta(days=settings.SHADOWING_REFLECTION_DAYS)


def _joining_details(placement: Placement, today: date) -> str:
    day = placement.visit_date
    if day is None or not (
        today <= day <= today + timedelta(days=settings.SHADOWING_JOINING_DETAILS_DAYS)
    ):
        return ""
    return placement.opportunity.joining_instructions


def _placements_of(user: User) -> list[Placement]:
    """The person's placements as a visitor, with what each row shows: three queries."""
    return list(
        Placement.objects.filter(visitor__user=user)
        .select_related(
            "opportunity__organisation",
            "line_manager__user",
            "requested_date",
        )
        .prefetch_related(
            Prefetch("opportunity__conditions", queryset=Condition.objects.order_by("order")),
            Prefetch("checks", queryset=PlacementCheck.objects.only("placement", "condition")),
        )
        .order_by("-requested_at", "-pk")
    )


def _return_offers(user: User) -> list[ReturnOffer]:
    """Invitations to this person to make a return visit they have not yet asked for."""
    asked = Placement.objects.filter(
        reciprocal_of=OuterRef("placement"), visitor__user=user
    ).exclude(status__in=[Status.CANCELLED, Status.DECLINED_BY_MANAGER, Status.DECLINED_BY_HOST])
    invitations = (
        ReturnInvitation.objects.filter(
            invited_visitor__user=user, placement__status=Status.COMPLETED
        )
        .annotate(asked=Exists(asked))
        .filter(asked=False)
        .select_related("placement__home_organisation", "placement__opportunity")
        .order_by("-invited_at")
    )
    catalogue = reverse("shadowing:catalogue")
    return [
        ReturnOffer(
            invitation=invitation,
            catalogue_url=(
                f"{catalogue}?organisation={invitation.placement.home_organisation_id}"
                f"&return={invitation.placement_id}"
            ),
        )
        for invitation in invitations
    ]


def my_shadowing(user: User) -> MyShadowing:
    """The person's placements grouped: requests waiting (and on whom), confirmed visits to
    come, reflections to write (and by when), return visits offered, and past placements.
    Four queries, however many placements there are."""
    mine = MyShadowing()
    if not user.is_authenticated:
        return mine
    today = timezone.localdate()
    for placement in _placements_of(user):
        if placement.status in WAITING:
            mine.waiting.append(WaitingRow(placement, _waiting_on(placement)))
        elif placement.status == Status.CONFIRMED:
            mine.upcoming.append(UpcomingRow(placement, _joining_details(placement, today)))
        elif placement.status == Status.AWAITING_REFLECTION:
            due = reflection_due_on(placement) or today
            mine.reflections.append(ReflectionRow(placement, due))
        elif placement.status not in OPEN_STATUSES:
            hours = (
                placement.opportunity.cpd_hours if placement.status == Status.COMPLETED else None
            )
            mine.past.append(PastRow(placement, hours))
    mine.upcoming.sort(key=lambda row: row.placement.visit_date or today)
    mine.reflections.sort(key=lambda row: row.due_on)
    mine.return_offers = _return_offers(user)
    return mine
