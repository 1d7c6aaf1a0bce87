"""What the host's page and an organisation's page show. Each list is one query (checks
outstanding three, with their conditions and checks prefetched), however many placements there
are, so the pages' query counts do not grow with them.

The host's page covers the organisations the viewer hosts for
(`shadowing.permissions.host_organisations`), and the visits the viewer supervises wherever
they are; a request the line manager has not approved is not yet the host's business
(`placements_visible_to`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import TYPE_CHECKING, cast

from django.db.models import Prefetch, Q, QuerySet

from organisations.models import Membership, Organisation
from shadowing.enums import Status
from shadowing.models import Condition, Opportunity, Placement, PlacementCheck
from shadowing.permissions import host_organisations, placements_visible_to
from shadowing.selectors.checks import checks_outstanding

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.permissions import Viewer

LIST_RELATED = (
    "opportunity",
    "visitor__user",
    "home_organisation",
    "host_organisation",
    "supervisor__user",
    "requested_date",
)


@dataclass(frozen=True)
class ChecksToDo:
    placement: Placement
    conditions: list[Condition]


@dataclass(frozen=True)
class CalendarMonth:
    month: date
    placements: list[Placement]


@dataclass(frozen=True)
class HostPage:
    organisations: list[Organisation]
    incoming: list[Placement] = field(default_factory=list)
    checks: list[ChecksToDo] = field(default_factory=list)
    calendar: list[CalendarMonth] = field(default_factory=list)
    feedback: list[Placement] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)


def _supervising(viewer: Viewer) -> Q:
    """Placements the viewer supervises (call only for a signed-in viewer)."""
    return Q(supervisor__in=Membership.objects.current().filter(user=cast("User", viewer)))


def can_open_host_page(viewer: Viewer) -> bool:
    """Hosts, and anyone named as a supervisor (who may not be marked as a host)."""
    if not (viewer.is_authenticated and viewer.is_active):
        return False
    return (
        host_organisations(viewer).exists()
        or Placement.objects.filter(_supervising(viewer)).exists()
    )


def _by_month(placements: list[Placement]) -> list[CalendarMonth]:
    def month(placement: Placement) -> date:
        day = placement.visit_date or date.min
        return day.replace(day=1)

    return [CalendarMonth(key, list(group)) for key, group in groupby(placements, key=month)]


def host_page(viewer: Viewer) -> HostPage:
    organisations = list(host_organisations(viewer).order_by("name"))
    visible = placements_visible_to(viewer).select_related(*LIST_RELATED)
    hosted = Q(host_organisation__in=[o.pk for o in organisations])
    incoming = list(
        visible.filter(hosted, status=Status.AWAITING_HOST).order_by("requested_at", "pk")
    )
    awaiting_checks = list(
        visible.filter(hosted, status=Status.AWAITING_CHECKS)
        .prefetch_related(
            Prefetch(
                "checks", queryset=PlacementCheck.objects.only("id", "placement_id", "condition_id")
            ),
            "opportunity__conditions",
        )
        .order_by("visit_date", "pk")
    )
    confirmed = list(
        visible.filter(hosted | _supervising(viewer), status=Status.CONFIRMED).order_by(
            "visit_date", "pk"
        )
    )
    feedback = list(
        visible.filter(
            _supervising(viewer),
            status__in=[Status.AWAITING_REFLECTION, Status.COMPLETED],
            supervisor_feedback="",
        ).order_by("visit_date", "pk")
    )
    opportunities = list(
        Opportunity.objects.filter(organisation__in=[o.pk for o in organisations])
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )
    return HostPage(
        organisations=organisations,
        incoming=incoming,
        checks=[ChecksToDo(p, checks_outstanding(p)) for p in awaiting_checks],
        calendar=_by_month(confirmed),
        feedback=feedback,
        opportunities=opportunities,
    )


@dataclass(frozen=True)
class OrganisationPlacements:
    organisation: Organisation
    as_home: list[Placement]
    as_host: list[Placement]


def organisation_placements(viewer: Viewer, organisation: Organisation) -> OrganisationPlacements:
    """The organisation's placements the viewer may see: its staff's visits elsewhere, and the
    visits it hosts."""
    visible: QuerySet[Placement] = placements_visible_to(viewer).select_related(*LIST_RELATED)
    return OrganisationPlacements(
        organisation=organisation,
        as_home=list(visible.filter(home_organisation=organisation).order_by("-requested_at")),
        as_host=list(visible.filter(host_organisation=organisation).order_by("-requested_at")),
    )
