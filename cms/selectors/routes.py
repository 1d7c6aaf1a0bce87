"""The escalation routes between two organisations, for the route finder and its poster.

Everything comes from the organisations' live escalation guides, fetched in one go: a guide's
stages and routes live in its own row (StreamField JSON), so showing two routes side by side
costs the same few queries however many stages or organisations there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cms.models.pages import EscalationGuidePage
from cms.selectors.pages import live_guides
from organisations.models import Organisation


@dataclass(frozen=True)
class OrganisationRoute:
    """One organisation's escalation route, read from its live guide."""

    guide: EscalationGuidePage
    organisation: Organisation
    stages: Sequence[Any]
    urgent_route: Any | None
    out_of_hours_route: Any | None


@dataclass(frozen=True)
class StageRow:
    """Stage `number` of your route and of theirs, either of which may be missing."""

    number: int
    own: Any | None
    theirs: Any | None


@dataclass(frozen=True)
class EscalationRoutes:
    """Your organisation's route and, unless it is the same organisation, theirs."""

    own: OrganisationRoute
    theirs: OrganisationRoute | None

    @property
    def same_organisation(self) -> bool:
        return self.theirs is None

    @property
    def routes(self) -> list[OrganisationRoute]:
        return [self.own] if self.theirs is None else [self.own, self.theirs]

    @property
    def stage_rows(self) -> list[StageRow]:
        """The stages paired by number, for a side-by-side table (the poster); a route with
        fewer stages has None in the rows it does not reach."""
        theirs = self.theirs.stages if self.theirs is not None else []
        count = max(len(self.own.stages), len(theirs))
        return [
            StageRow(
                number=index + 1,
                own=self.own.stages[index] if index < len(self.own.stages) else None,
                theirs=theirs[index] if index < len(theirs) else None,
            )
            for index in range(count)
        ]

    @property
    def overdue(self) -> list[OrganisationRoute]:
        """The routes whose guide is past its review date, so readers check before relying."""
        return [route for route in self.routes if route.guide.is_overdue_for_review]


def guides_by_organisation() -> dict[str, EscalationGuidePage]:
    """Every live escalation guide keyed by its organisation's slug, by organisation name.

    The route finder offers these organisations and looks the chosen ones up here, so the
    choices and the routes come from the same query.
    """
    guides: dict[str, EscalationGuidePage] = {}
    for guide in live_guides():
        if guide.organisation is not None:  # always, as live_guides() filters; for the types
            guides[guide.organisation.slug] = guide
    return guides


def organisation_route(guide: EscalationGuidePage) -> OrganisationRoute:
    """A guide's stages in order, and its urgent and out-of-hours routes."""
    if guide.organisation is None:
        raise ValueError(f"Guide {guide.pk} belongs to no organisation, so it has no route.")
    return OrganisationRoute(
        guide=guide,
        organisation=guide.organisation,
        stages=[block.value for block in guide.stages],
        urgent_route=_first_value(guide.urgent_route),
        out_of_hours_route=_first_value(guide.out_of_hours_route),
    )


def escalation_routes(*, own: EscalationGuidePage, theirs: EscalationGuidePage) -> EscalationRoutes:
    """The two routes to show; one when both organisations are the same."""
    own_route = organisation_route(own)
    if theirs.pk == own.pk:
        return EscalationRoutes(own=own_route, theirs=None)
    return EscalationRoutes(own=own_route, theirs=organisation_route(theirs))


def _first_value(stream: Any) -> Any | None:
    """The value of a one-block StreamField (urgent and out-of-hours routes have exactly one)."""
    for block in stream:
        return block.value
    return None
