"""Requests racing (shadowing.services.requests): one person asking several times at the same
moment (a double click, two tabs) makes one request and is told they have already asked; a
request for a set date and the host taking that date away at the same moment end one way or the
other, never with a request for a date no longer offered. Real threads on PostgreSQL, each with
its own connection, released together so they contend for the opportunity's row.

Also, without threads: what each side is told when the other came first, and the database's
one-open-request constraint refusing with the same sentence as the service."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from organisations.models import Membership
from shadowing.enums import Status
from shadowing.errors import ShadowingError
from shadowing.models import Opportunity, OpportunityDate, Placement
from shadowing.selectors.catalogue import ALREADY_ASKED
from shadowing.services import notifications, requests
from shadowing.services.opportunities import EDITABLE_FIELDS, opportunity_save
from shadowing.services.requests import placement_request
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import OpportunityFactory, placement_in, visitor_membership
from tests.threads import all_at_once

GOALS = "To see how the MASH screens a police referral."
# Enough tabs at once that a missing lock and constraint would let two through, few enough for
# the server's connection limit.
TABS = 6
# Visitors asking for the date the host is taking away: enough that the host's edit lands
# between requests as well as before and after them.
ASKING = 3
# A race that loses only once in a while must not pass by luck.
ROUNDS = 5


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The placements `placement_notify` was asked to tell about (from any thread)."""
    calls: list[int] = []
    lock = threading.Lock()

    def record(*, placement: Placement, **kwargs: Any) -> None:
        with lock:
            calls.append(placement.pk)

    monkeypatch.setattr(notifications, "placement_notify", record)
    return calls


def _weekday_ahead(days: int) -> date:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _request(
    visitor: Membership, opportunity_id: int, requested_date_id: int | None
) -> Callable[[], Placement]:
    """A request as a tab sends it: the opportunity and date as they were when the page was
    loaded, before anything was sent."""
    opportunity = Opportunity.objects.get(pk=opportunity_id)
    requested = (
        None if requested_date_id is None else OpportunityDate.objects.get(pk=requested_date_id)
    )
    proposed = [_weekday_ahead(30)] if opportunity.by_arrangement else []
    return lambda: placement_request(
        visitor=visitor,
        opportunity=opportunity,
        requested_date=requested,
        proposed_dates=proposed,
        learning_goals=GOALS,
        by=visitor.user,
    )


def _dates_kept(opportunity: Opportunity, kept: list[date]) -> Callable[[], Opportunity]:
    """The host saving the opportunity as it is, offering `kept` only."""
    host = MembershipFactory(organisation=opportunity.organisation, coordinator=True).user
    loaded = Opportunity.objects.get(pk=opportunity.pk)
    data = {name: getattr(loaded, name) for name in EDITABLE_FIELDS}
    return lambda: opportunity_save(
        organisation=loaded.organisation,
        by=host,
        data=data,
        conditions=[],
        eligible_job_roles=[],
        dates=kept,
        opportunity=loaded,
    )


# At the same moment ---------------------------------------------------------------------------


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("by_arrangement", [False, True], ids=["set-date", "by-arrangement"])
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_asking_in_several_tabs_at_once_makes_one_request(
    by_arrangement: bool, round_: int, told: list[int]
) -> None:
    """One request is made and its line manager told once; every other tab is told, in a
    sentence, that they have already asked."""
    opportunity = OpportunityFactory(by_arrangement=by_arrangement)
    visitor = visitor_membership()
    first_date = opportunity.dates.first()
    date_id = None if first_date is None else first_date.pk

    outcomes = all_at_once([_request(visitor, opportunity.pk, date_id) for _ in range(TABS)])

    made = [o for o in outcomes if isinstance(o, Placement)]
    refused = [o for o in outcomes if isinstance(o, ShadowingError)]
    assert [o for o in outcomes if not isinstance(o, Placement | ShadowingError)] == []
    assert len(made) == 1
    assert [error.message for error in refused] == [ALREADY_ASKED] * (TABS - 1)
    assert list(Placement.objects.values_list("pk", "visitor_id", "status")) == [
        (made[0].pk, visitor.pk, Status.AWAITING_MANAGER)
    ]
    assert told == [made[0].pk]


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_date_taken_away_while_it_is_asked_for_ends_one_way_or_the_other(
    round_: int, told: list[int]
) -> None:
    """Either a request came first: the date stays, the host is told it has a request, and
    every request is made. Or the host came first: the date goes and every request still to
    come is refused, told the date is no longer offered. No request is left on a date taken
    away, and nothing fails with a database error."""
    kept, contested = _weekday_ahead(30), _weekday_ahead(60)
    opportunity = OpportunityFactory(offered_dates=[kept, contested])
    contested_id = opportunity.dates.get(date=contested).pk
    visitors = [visitor_membership() for _ in range(ASKING)]
    calls: list[Callable[[], Placement | Opportunity]] = [
        _dates_kept(opportunity, [kept]),
        *(_request(visitor, opportunity.pk, contested_id) for visitor in visitors),
    ]

    host, *asked = all_at_once(calls)

    assert isinstance(host, Opportunity | ShadowingError), host
    assert [o for o in asked if not isinstance(o, Placement | ShadowingError)] == []
    offered = set(
        OpportunityDate.objects.filter(opportunity=opportunity).values_list("date", flat=True)
    )
    made = Placement.objects.filter(opportunity=opportunity)
    if isinstance(host, ShadowingError):
        assert host.message == f"{_day(contested)} has a request; cancel or move it first."
        assert offered == {kept, contested}
        assert all(isinstance(o, Placement) for o in asked)
        assert made.count() == ASKING
        assert set(made.values_list("requested_date_id", flat=True)) == {contested_id}
    else:
        assert offered == {kept}
        assert [o.message for o in asked if isinstance(o, ShadowingError)] == [
            f"{_day(contested)} is no longer offered. Choose another date."
        ] * ASKING
        assert not made.exists()
    assert sorted(told) == sorted(made.values_list("pk", flat=True))


# One after the other -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_for_a_date_taken_away_since_the_form_was_shown_is_refused(
    told: list[int],
) -> None:
    """The visitor is told the date is no longer offered and to choose another; nothing is
    made and nobody told."""
    opportunity = OpportunityFactory()
    shown = opportunity.dates.last()
    OpportunityDate.objects.filter(pk=shown.pk).delete()
    visitor = visitor_membership()

    with pytest.raises(ShadowingError) as refused:
        placement_request(
            visitor=visitor,
            opportunity=opportunity,
            requested_date=shown,
            proposed_dates=[],
            learning_goals=GOALS,
            by=visitor.user,
        )

    assert refused.value.message == f"{_day(shown.date)} is no longer offered. Choose another date."
    assert refused.value.field == "requested_date"
    assert not Placement.objects.exists()
    assert told == []


@pytest.mark.django_db
def test_a_second_request_past_the_service_checks_meets_the_constraint_with_the_same_sentence(
    monkeypatch: pytest.MonkeyPatch, told: list[int]
) -> None:
    """Were the service's own check ever to miss an open request, the database's
    one-open-request constraint refuses the second with the sentence the service gives."""
    first = placement_in(Status.AWAITING_HOST)
    monkeypatch.setattr(requests, "request_refusal", lambda *args, **kwargs: None)

    with pytest.raises(ShadowingError) as refused:
        placement_request(
            visitor=first.visitor,
            opportunity=first.opportunity,
            requested_date=first.opportunity.dates.last(),
            proposed_dates=[],
            learning_goals=GOALS,
            by=first.visitor.user,
        )

    assert refused.value.message == ALREADY_ASKED
    assert list(Placement.objects.values_list("pk", flat=True)) == [first.pk]
    assert told == []


@pytest.mark.django_db
def test_a_date_an_accepted_visit_was_moved_to_is_not_taken_away() -> None:
    """A visit moved from the date asked for to another keeps that other date offered: the
    host is told it has a request, and nothing changes."""
    asked_for, moved_to = _weekday_ahead(30), _weekday_ahead(60)
    opportunity = OpportunityFactory(offered_dates=[asked_for, moved_to])
    placement_in(
        Status.CONFIRMED,
        opportunity=opportunity,
        requested_date=opportunity.dates.get(date=asked_for),
        visit_date=moved_to,
    )

    with pytest.raises(ShadowingError) as refused:
        _dates_kept(opportunity, [asked_for])()

    assert refused.value.message == f"{_day(moved_to)} has a request; cancel or move it first."
    assert refused.value.field == "dates"
    assert sorted(opportunity.dates.values_list("date", flat=True)) == [asked_for, moved_to]


@pytest.mark.django_db
def test_the_date_a_visit_moved_from_can_be_taken_away() -> None:
    """Moving a visit moves the date asked for too, so the old date is free to remove."""
    from shadowing.services.visits import placement_date_change

    asked_for, moved_to = _weekday_ahead(30), _weekday_ahead(60)
    opportunity = OpportunityFactory(offered_dates=[asked_for, moved_to])
    placement = placement_in(
        Status.CONFIRMED,
        opportunity=opportunity,
        requested_date=opportunity.dates.get(date=asked_for),
    )
    host = MembershipFactory(organisation=opportunity.organisation, coordinator=True).user
    placement_date_change(placement_id=placement.pk, by=host, visit_date=moved_to, reason="Moved.")

    _dates_kept(opportunity, [moved_to])()

    assert list(opportunity.dates.values_list("date", flat=True)) == [moved_to]
