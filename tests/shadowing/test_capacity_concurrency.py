"""Hosts accepting many requests for the last places at the same moment (two coordinators,
two tabs): exactly as many succeed as there are places, each with its own place number, and the
rest are told there are no places left. Real threads on PostgreSQL, each with its own
connection, released together so they contend for the opportunity's row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from shadowing.enums import Status
from shadowing.errors import ShadowingError
from shadowing.models import Opportunity, Placement
from shadowing.services import notifications
from shadowing.services.decisions import placement_host_accept
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import OpportunityFactory, placement_in
from tests.threads import all_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Enough acceptances at once that a missing lock would let a third through, few enough for the
# server's connection limit.
ACCEPTANCES = 8
PLACES = 2
# A race that loses only once in a while must not pass by luck.
ROUNDS = 3


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The emails are another module's to test; here only the places matter."""
    monkeypatch.setattr(notifications, "placement_notify", lambda **kwargs: None)


def _race(opportunity: Opportunity, days: list[date], full: str) -> None:
    host = MembershipFactory(organisation=opportunity.organisation, coordinator=True).user
    placements = [
        placement_in(
            Status.AWAITING_HOST,
            opportunity=opportunity,
            **({"requested_date": None} if opportunity.by_arrangement else {}),
        )
        for _ in range(ACCEPTANCES)
    ]

    def acceptance(placement: Placement, day: date) -> Callable[[], Placement]:
        return lambda: placement_host_accept(
            placement_id=placement.pk, by=host, supervisor=opportunity.supervisor, visit_date=day
        )

    outcomes = all_at_once([acceptance(p, day) for p, day in zip(placements, days, strict=True)])

    accepted = [o for o in outcomes if isinstance(o, Placement)]
    refused = [o for o in outcomes if isinstance(o, ShadowingError)]
    assert [o for o in outcomes if not isinstance(o, Placement | ShadowingError)] == []
    assert len(accepted) == PLACES
    assert [error.message for error in refused] == [full] * (ACCEPTANCES - PLACES)
    held = Placement.objects.filter(opportunity=opportunity, place_number__isnull=False)
    assert list(held.order_by("place_number").values_list("place_number", flat=True)) == [1, 2]
    assert set(held.values_list("pk", flat=True)) == {p.pk for p in accepted}
    assert (
        Placement.objects.filter(opportunity=opportunity, status=Status.AWAITING_HOST).count()
        == ACCEPTANCES - PLACES
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_acceptances_at_once_fill_a_date_and_no_more(round_: int) -> None:
    opportunity = OpportunityFactory(places_per_date=PLACES)
    day = opportunity.dates.first().date
    _race(opportunity, [day] * ACCEPTANCES, f"There are no places left on {day.day} {day:%B %Y}.")


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_acceptances_at_once_fill_a_month_and_no_more(round_: int) -> None:
    """By arrangement each visitor comes on a different day, all in one month."""
    opportunity = OpportunityFactory(
        by_arrangement=True, places_per_month=PLACES, minimum_notice_days=14
    )
    month = (timezone.localdate() + timedelta(days=45)).replace(day=1)
    days = [month + timedelta(days=n) for n in range(ACCEPTANCES)]
    _race(opportunity, days, f"There are no places left in {month:%B %Y}.")
