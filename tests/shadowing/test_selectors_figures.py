"""The partnership's shadowing figures (shadowing/selectors/figures.py): the sector matrix, the
completion and decline rates as the page defines them, the median days from request to visit,
reflections counted, and the period filter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from organisations.enums import Sector
from shadowing.enums import Status
from shadowing.models import Placement
from shadowing.selectors.figures import Cell, PeriodFilters, shadowing_figures
from tests.organisations.factories import OrganisationFactory
from tests.shadowing.factories import (
    OpportunityFactory,
    ReflectionFactory,
    placement_in,
    visitor_membership,
)

pytestmark = pytest.mark.django_db


def from_sector(
    status: str, sector: str, host_sector: str = Sector.CHILDRENS_SOCIAL_CARE
) -> Placement:
    visitor = visitor_membership(organisation=OrganisationFactory.create(sector=sector))
    opportunity = OpportunityFactory.create(
        organisation=OrganisationFactory.create(sector=host_sector)
    )
    return placement_in(status, visitor=visitor, opportunity=opportunity)


def test_the_matrix_counts_completed_and_requested_by_both_sectors() -> None:
    from_sector(Status.COMPLETED, Sector.POLICE)
    from_sector(Status.AWAITING_HOST, Sector.POLICE)
    from_sector(Status.COMPLETED, Sector.SCHOOL, Sector.HEALTH_TRUST)
    matrix = shadowing_figures(PeriodFilters()).matrix
    assert [label for _, label in matrix.columns] == ["Children's social care", "Health trust"]
    rows = {row.label: row.cells for row in matrix.rows}
    assert rows == {
        "Police": [Cell(completed=1, requested=2), Cell()],
        "School": [Cell(), Cell(completed=1, requested=1)],
    }
    assert matrix.totals == [Cell(1, 2), Cell(1, 1)]
    assert matrix.total == Cell(2, 3)


def test_rates_count_only_what_was_decided_or_has_ended() -> None:
    """Declined 2 (manager and host) of 5 decided; completed 2 of the 3 accepted that ended."""
    for status in [
        Status.COMPLETED,
        Status.COMPLETED,
        Status.DID_NOT_HAPPEN,
        Status.DECLINED_BY_MANAGER,
        Status.DECLINED_BY_HOST,
        # Neither decided nor ended: counted in neither rate.
        Status.AWAITING_MANAGER,
        Status.AWAITING_HOST,
        # Accepted, not ended: decided, but not yet completed or not.
        Status.CONFIRMED,
    ]:
        from_sector(status, Sector.POLICE)
    figures = shadowing_figures(PeriodFilters())
    assert (figures.requested, figures.completed) == (8, 2)
    assert (figures.declined, figures.decided) == (2, 6)
    assert figures.decline_rate == 33.3
    assert figures.accepted_ended == 3
    assert figures.completion_rate == 66.7


def test_no_placements_means_no_rates_rather_than_zero() -> None:
    figures = shadowing_figures(PeriodFilters())
    assert figures.completion_rate is None
    assert figures.decline_rate is None
    assert figures.median_days_to_visit is None
    assert figures.matrix.rows == []


def test_the_median_days_from_request_to_visit_is_over_completed_placements() -> None:
    today = timezone.localdate()
    for days in (10, 20, 60):
        placement = from_sector(Status.COMPLETED, Sector.POLICE)
        Placement.objects.filter(pk=placement.pk).update(visit_date=today + timedelta(days=days))
    cancelled = from_sector(Status.CANCELLED, Sector.POLICE)
    Placement.objects.filter(pk=cancelled.pk).update(visit_date=today + timedelta(days=300))
    assert shadowing_figures(PeriodFilters()).median_days_to_visit == 20


def test_reflections_are_counted_and_the_period_filters_by_request_day() -> None:
    ReflectionFactory.create()
    old = ReflectionFactory.create()
    Placement.objects.filter(pk=old.placement_id).update(
        requested_at=timezone.now() - timedelta(days=100)
    )
    assert shadowing_figures(PeriodFilters()).reflections_written == 2
    recent = PeriodFilters(date_from=timezone.localdate() - timedelta(days=30))
    figures = shadowing_figures(recent)
    assert (figures.requested, figures.reflections_written) == (1, 1)
    before = PeriodFilters(date_to=timezone.localdate() - timedelta(days=50))
    assert shadowing_figures(before).requested == 1
