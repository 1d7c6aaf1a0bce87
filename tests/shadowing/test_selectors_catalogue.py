"""The catalogue (shadowing.selectors.catalogue): published opportunities only, places left per
date and per month, the viewer's reason they may not ask (the same sentence the request service
gives), the filters, and a query count that does not grow with the opportunities."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from organisations.enums import Sector
from organisations.models import Membership
from shadowing.enums import Status
from shadowing.models import Opportunity, Placement
from shadowing.selectors.catalogue import CatalogueFilters, CatalogueRow, catalogue
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory
from tests.shadowing.factories import OpportunityFactory, placement_in, visitor_membership

pytestmark = pytest.mark.django_db


def placed(status: str, **kwargs: Any) -> Placement:
    """`placement_in`, without the stray opportunity it makes even when one is given (its
    `setdefault` builds the default first), which would show in the catalogue."""
    before = set(Opportunity.objects.values_list("pk", flat=True))
    placement = placement_in(status, **kwargs)
    Opportunity.objects.exclude(pk__in=before).exclude(pk=placement.opportunity_id).delete()
    return placement


def _row(rows: list[CatalogueRow], opportunity: Any) -> CatalogueRow:
    return next(row for row in rows if row.opportunity.pk == opportunity.pk)


@pytest.fixture
def visitor() -> Membership:
    return visitor_membership()


def test_only_published_opportunities_are_listed(visitor: Membership) -> None:
    shown = OpportunityFactory()
    OpportunityFactory(is_published=False)

    rows = catalogue(visitor.user, CatalogueFilters())

    assert [row.opportunity for row in rows] == [shown]


def test_each_set_date_shows_its_places_left(visitor: Membership) -> None:
    """Places are held from the host's acceptance; requests still waiting hold none, and dates
    inside the minimum notice are not offered."""
    today = timezone.localdate()
    soon, later = today + timedelta(days=20), today + timedelta(days=40)
    opportunity = OpportunityFactory(
        places_per_date=3, offered_dates=[today + timedelta(days=5), soon, later]
    )
    first = opportunity.dates.get(date=soon)
    placed(Status.CONFIRMED, opportunity=opportunity, requested_date=first)
    placed(Status.AWAITING_CHECKS, opportunity=opportunity, requested_date=first, place_number=2)
    placed(Status.AWAITING_HOST, opportunity=opportunity, requested_date=first)
    placed(Status.CANCELLED, opportunity=opportunity, requested_date=first)

    row = _row(catalogue(visitor.user, CatalogueFilters()), opportunity)

    assert [(d.date, d.places_left) for d in row.dates] == [(soon, 1), (later, 3)]
    assert row.has_places


def test_by_arrangement_shows_places_this_month_and_next(visitor: Membership) -> None:
    today = timezone.localdate()
    opportunity = OpportunityFactory(by_arrangement=True, places_per_month=2)
    placed(
        Status.CONFIRMED,
        opportunity=opportunity,
        visit_date=today,
        visit_month=today.replace(day=1),
    )

    row = _row(catalogue(visitor.user, CatalogueFilters()), opportunity)

    this_month = today.replace(day=1)
    (now, then) = row.months
    assert (now.month, now.places_left) == (this_month, 1)
    assert then.month > this_month
    assert then.places_left == 2


def _role_opportunity() -> Any:
    opportunity = OpportunityFactory()
    opportunity.eligible_job_roles.set([JobRoleFactory(name="School nurse")])
    return opportunity


def test_the_viewer_sees_why_they_cannot_ask(visitor: Membership) -> None:
    own = OpportunityFactory(organisation=visitor.organisation)
    health_only = OpportunityFactory(eligible_sectors=[Sector.HEALTH_TRUST])
    nurses_only = _role_opportunity()
    asked = placed(Status.AWAITING_MANAGER, visitor=visitor).opportunity
    open_to_them = OpportunityFactory()

    rows = catalogue(visitor.user, CatalogueFilters())

    assert _row(rows, own).refusal == "You cannot shadow your own organisation."
    assert _row(rows, health_only).refusal == (
        "This opportunity is open to staff of health trust organisations only."
    )
    assert _row(rows, nurses_only).refusal == (
        "This opportunity is open to these job roles only: School nurse."
    )
    assert _row(rows, asked).refusal == "You have already asked for this opportunity."
    assert _row(rows, open_to_them).refusal is None
    assert _row(rows, open_to_them).visitor == visitor


def test_someone_without_a_line_manager_is_told_to_get_one() -> None:
    member = MembershipFactory(organisation=OrganisationFactory(sector=Sector.POLICE))
    OpportunityFactory()

    (row,) = catalogue(member.user, CatalogueFilters())

    assert row.refusal is not None
    assert row.refusal.startswith("You need a line manager on the Hub")


def test_with_two_organisations_the_one_that_may_ask_is_used() -> None:
    """Someone working for the host too can still ask through their other organisation."""
    opportunity = OpportunityFactory()
    elsewhere = visitor_membership()
    MembershipFactory(user=elsewhere.user, organisation=opportunity.organisation)

    (row,) = catalogue(elsewhere.user, CatalogueFilters())

    assert row.refusal is None
    assert row.visitor == elsewhere


def test_filters_narrow_the_list(visitor: Membership) -> None:
    today = timezone.localdate()
    police_host = OpportunityFactory(
        organisation=OrganisationFactory(sector=Sector.POLICE),
        offered_dates=[today + timedelta(days=90)],
    )
    full = OpportunityFactory(offered_dates=[today + timedelta(days=30)])
    placed(Status.CONFIRMED, opportunity=full)
    closed_to_me = OpportunityFactory(eligible_sectors=[Sector.SCHOOL])
    user = visitor.user

    def shown(**kwargs: Any) -> set[int]:
        return {row.opportunity.pk for row in catalogue(user, CatalogueFilters(**kwargs))}

    assert shown(sector=Sector.POLICE) == {police_host.pk}
    assert shown(organisation_id=full.organisation_id) == {full.pk}
    assert shown(has_places=True) == {police_host.pk, closed_to_me.pk}
    assert closed_to_me.pk not in shown(open_to_me=True)
    assert shown(date_from=today + timedelta(days=80)) == {police_host.pk}
    assert shown(date_to=today + timedelta(days=45)) == {full.pk, closed_to_me.pk}


def test_by_arrangement_matches_a_date_range_within_a_year(visitor: Membership) -> None:
    today = timezone.localdate()
    arranged = OpportunityFactory(by_arrangement=True)

    def shown(**kwargs: Any) -> bool:
        rows = catalogue(visitor.user, CatalogueFilters(**kwargs))
        return arranged.pk in {row.opportunity.pk for row in rows}

    assert shown(date_from=today + timedelta(days=60), date_to=today + timedelta(days=70))
    assert not shown(date_from=today + timedelta(days=400))
    assert not shown(date_to=today + timedelta(days=5))  # Inside the minimum notice.


def _opportunities(n: int, visitor: Membership) -> None:
    for number in range(n):
        opportunity = OpportunityFactory(by_arrangement=number % 3 == 0)
        opportunity.eligible_job_roles.set([JobRoleFactory(name=f"Role {number}")])
        placed(Status.CONFIRMED, opportunity=opportunity)
        if number % 2:
            placed(Status.AWAITING_MANAGER, opportunity=opportunity, visitor=visitor)


@pytest.mark.parametrize("count", [3, 12])
def test_the_catalogue_costs_the_same_queries_however_many_opportunities(
    count: int, visitor: Membership, django_assert_num_queries: Any
) -> None:
    """Memberships, open placements, opportunities, their job roles and dates, places held."""
    _opportunities(count, visitor)

    with django_assert_num_queries(6):
        rows = catalogue(visitor.user, CatalogueFilters())
        assert len(rows) == count
        for row in rows:
            assert row.refusal is not None
