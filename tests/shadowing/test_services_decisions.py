"""The line manager's and host's decisions (shadowing/services/decisions.py): who decided and
when is recorded in the placement and its history; a refusal changes nothing; a host's
acceptance takes a numbered place on the date (or in the month) and waits for the checks, or
confirms at once when there are none."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from organisations.models import Membership
from shadowing.enums import Event, Status
from shadowing.errors import ShadowingError
from shadowing.models import Opportunity, Placement
from shadowing.services import notifications
from shadowing.services.decisions import (
    placement_host_accept,
    placement_host_decline,
    placement_manager_approve,
    placement_manager_decline,
)
from shadowing.states import TransitionRefused
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import (
    HostFactory,
    OpportunityFactory,
    briefing_condition,
    placement_in,
    visitor_membership,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, int]]:
    """What `placement_notify` was asked to tell, with how deep in transactions it was asked:
    the emails themselves are tests/shadowing/test_notifications.py's to check."""
    calls: list[tuple[int, str, int]] = []

    def record(*, placement: Placement, event: str) -> None:
        calls.append((placement.pk, event, len(connection.atomic_blocks)))

    monkeypatch.setattr(notifications, "placement_notify", record)
    return calls


def events(told: list[tuple[int, str, int]]) -> list[tuple[int, str]]:
    return [(pk, event) for pk, event, _ in told]


def host_of(placement: Placement) -> User:
    """A member of the host organisation marked as a shadowing host."""
    return HostFactory(
        membership=MembershipFactory(organisation=placement.host_organisation)
    ).membership.user


def _snapshot(placement: Placement) -> dict[str, object]:
    row = Placement.objects.filter(pk=placement.pk).values().get()
    return {**row, "history": placement.history.count()}


def _accept(placement: Placement, *, by: User | None = None, **kwargs: object) -> Placement:
    kwargs.setdefault("supervisor", placement.opportunity.supervisor)
    if "visit_date" not in kwargs:
        kwargs["visit_date"] = placement.requested_date.date
    return placement_host_accept(
        placement_id=placement.pk,
        by=by or host_of(placement),
        **kwargs,
    )


# The line manager


def test_the_line_manager_approves_and_is_recorded_as_the_deciding_manager(
    told: list[tuple[int, str, int]],
) -> None:
    placement = placement_in(Status.AWAITING_MANAGER)
    # The visitor's manager changed since they asked: the new one decides.
    new_manager = MembershipFactory(organisation=placement.home_organisation)
    Membership.objects.filter(pk=placement.visitor_id).update(line_manager=new_manager)

    approved = placement_manager_approve(placement_id=placement.pk, by=new_manager.user)

    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_HOST == approved.status
    assert placement.line_manager_id == new_manager.pk
    assert placement.manager_decided_at is not None
    latest = placement.history.first()
    assert latest.history_user == new_manager.user
    assert latest.history_change_reason == "Approved by the line manager"
    # The host is told, inside the service's transaction (so a rollback unsends it).
    assert events(told) == [(placement.pk, Event.MANAGER_APPROVED)]
    assert told[0][2] > len(connection.atomic_blocks)


def test_the_line_manager_declines_with_a_reason_that_ends_the_request(
    told: list[tuple[int, str, int]],
) -> None:
    placement = placement_in(Status.AWAITING_MANAGER)
    manager = placement.visitor.line_manager.user

    placement_manager_decline(
        placement_id=placement.pk, by=manager, reason="  We are short-staffed that week.  "
    )

    placement.refresh_from_db()
    assert placement.status == Status.DECLINED_BY_MANAGER
    assert placement.reason == "We are short-staffed that week."
    assert placement.ended_by == manager
    assert placement.ended_at is not None
    assert placement.manager_decided_at is not None
    assert placement.history.first().history_user == manager
    assert events(told) == [(placement.pk, Event.MANAGER_DECLINED)]


@pytest.mark.parametrize("decline", [placement_manager_decline, placement_host_decline])
def test_a_decline_without_a_reason_is_refused_and_changes_nothing(
    decline: Any, told: list[tuple[int, str, int]]
) -> None:
    status = (
        Status.AWAITING_MANAGER if decline is placement_manager_decline else Status.AWAITING_HOST
    )
    placement = placement_in(status)
    by = (
        placement.visitor.line_manager.user
        if decline is placement_manager_decline
        else host_of(placement)
    )
    before = _snapshot(placement)
    with pytest.raises(ShadowingError) as refused:
        decline(placement_id=placement.pk, by=by, reason="   ")
    assert refused.value.message == "Say why you are declining this request."
    assert refused.value.field == "reason"
    assert _snapshot(placement) == before
    assert told == []


def test_someone_else_cannot_approve_and_nothing_changes() -> None:
    placement = placement_in(Status.AWAITING_MANAGER)
    before = _snapshot(placement)
    for stranger in (placement.visitor.user, host_of(placement), UserFactory()):
        with pytest.raises(TransitionRefused):
            placement_manager_approve(placement_id=placement.pk, by=stranger)
    assert _snapshot(placement) == before


# The host


def test_the_host_declines_with_a_reason(told: list[tuple[int, str, int]]) -> None:
    placement = placement_in(Status.AWAITING_HOST)
    host = host_of(placement)
    placement_host_decline(placement_id=placement.pk, by=host, reason="No cover that day.")
    placement.refresh_from_db()
    assert placement.status == Status.DECLINED_BY_HOST
    assert (placement.reason, placement.ended_by) == ("No cover that day.", host)
    assert placement.host_decided_at is not None
    assert placement.history.first().history_user == host
    assert events(told) == [(placement.pk, Event.HOST_DECLINED)]


def test_accepting_with_no_conditions_confirms_and_takes_the_first_place(
    told: list[tuple[int, str, int]],
) -> None:
    placement = placement_in(Status.AWAITING_HOST)
    host = host_of(placement)
    supervisor = MembershipFactory(organisation=placement.host_organisation)

    _accept(placement, by=host, supervisor=supervisor)

    placement.refresh_from_db()
    assert placement.status == Status.CONFIRMED
    assert placement.confirmed_at is not None
    assert placement.host_decided_at is not None
    assert placement.supervisor == supervisor
    assert placement.visit_date == placement.requested_date.date
    assert placement.visit_month is None
    assert (placement.place_number, placement.places) == (1, 1)
    latest = placement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (host, "Accepted by the host")
    assert events(told) == [(placement.pk, Event.CONFIRMED)]


def test_accepting_with_conditions_waits_for_the_checks(
    told: list[tuple[int, str, int]],
) -> None:
    opportunity = OpportunityFactory(conditions=[briefing_condition()])
    placement = placement_in(Status.AWAITING_HOST, opportunity=opportunity)
    _accept(placement)
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_CHECKS
    assert placement.confirmed_at is None
    assert placement.place_number == 1
    assert events(told) == [(placement.pk, Event.HOST_ACCEPTED)]


def test_the_host_may_move_the_visit_to_another_of_the_opportunitys_dates() -> None:
    placement = placement_in(Status.AWAITING_HOST)
    other = placement.opportunity.dates.last()
    assert other != placement.requested_date
    _accept(placement, visit_date=other.date)
    placement.refresh_from_db()
    assert placement.visit_date == other.date


def test_a_date_the_opportunity_does_not_offer_is_refused() -> None:
    placement = placement_in(Status.AWAITING_HOST)
    before = _snapshot(placement)
    with pytest.raises(ShadowingError) as refused:
        _accept(placement, visit_date=placement.requested_date.date + timedelta(days=1))
    assert refused.value.field == "visit_date"
    assert _snapshot(placement) == before


@pytest.mark.parametrize("who", ["other_organisation", "ended"])
def test_the_supervisor_must_be_a_current_member_of_the_host(who: str) -> None:
    placement = placement_in(Status.AWAITING_HOST)
    supervisor: Any
    if who == "ended":
        today = timezone.localdate()
        supervisor = MembershipFactory(
            organisation=placement.host_organisation,
            start_date=today - timedelta(days=100),
            end_date=today - timedelta(days=1),
        )
    else:
        supervisor = visitor_membership()
    before = _snapshot(placement)
    with pytest.raises(ShadowingError) as refused:
        _accept(placement, supervisor=supervisor)
    assert refused.value.message == (
        f"The supervisor must be a current member of {placement.host_organisation}."
    )
    assert _snapshot(placement) == before


def test_a_full_date_is_refused_and_the_next_free_place_is_taken_after_a_cancellation(
    told: list[tuple[int, str, int]],
) -> None:
    opportunity = OpportunityFactory(places_per_date=2)
    day = opportunity.dates.first()
    first, second, third = (
        placement_in(Status.AWAITING_HOST, opportunity=opportunity) for _ in range(3)
    )
    _accept(first)
    _accept(second)
    before = _snapshot(third)
    with pytest.raises(ShadowingError) as refused:
        _accept(third)
    assert refused.value.message == f"There are no places left on {day.date.day} {day.date:%B %Y}."
    assert _snapshot(third) == before
    assert [pk for pk, _ in events(told)] == [first.pk, second.pk]

    # The first lets their place go: the third takes place 1.
    Placement.objects.filter(pk=first.pk).update(status=Status.CANCELLED, place_number=None)
    _accept(third)
    third.refresh_from_db()
    assert (third.place_number, third.places) == (1, 2)


def test_a_full_date_does_not_stop_acceptances_on_another_date() -> None:
    opportunity = OpportunityFactory(places_per_date=1)
    first, second = (placement_in(Status.AWAITING_HOST, opportunity=opportunity) for _ in "ab")
    _accept(first)
    _accept(second, visit_date=opportunity.dates.last().date)
    second.refresh_from_db()
    assert second.place_number == 1


def _by_arrangement(**kwargs: object) -> Opportunity:
    return OpportunityFactory(by_arrangement=True, minimum_notice_days=14, **kwargs)


def _month_ahead() -> date:
    """The first of a month that starts more than 14 days from today."""
    return (timezone.localdate() + timedelta(days=45)).replace(day=1)


def test_by_arrangement_a_place_is_taken_in_the_month_whatever_the_day() -> None:
    opportunity = _by_arrangement(places_per_month=2)
    month = _month_ahead()
    proposed = [(month + timedelta(days=3)).isoformat()]
    placements = [
        placement_in(
            Status.AWAITING_HOST,
            opportunity=opportunity,
            requested_date=None,
            proposed_dates=proposed,
        )
        for _ in range(3)
    ]
    # The host may choose a day the visitor did not propose.
    _accept(placements[0], visit_date=month + timedelta(days=3))
    _accept(placements[1], visit_date=month + timedelta(days=20))
    for placement, number in zip(placements[:2], (1, 2), strict=True):
        placement.refresh_from_db()
        assert (placement.visit_month, placement.place_number, placement.places) == (
            month,
            number,
            2,
        )
    with pytest.raises(ShadowingError) as refused:
        _accept(placements[2], visit_date=month + timedelta(days=10))
    assert refused.value.message == f"There are no places left in {month:%B %Y}."
    # The next month is free.
    next_month = (month + timedelta(days=32)).replace(day=1)
    _accept(placements[2], visit_date=next_month)
    placements[2].refresh_from_db()
    assert (placements[2].visit_month, placements[2].place_number) == (next_month, 1)


def test_by_arrangement_the_minimum_notice_is_kept() -> None:
    opportunity = _by_arrangement()
    placement = placement_in(Status.AWAITING_HOST, opportunity=opportunity, requested_date=None)
    too_soon = timezone.localdate() + timedelta(days=13)
    before = _snapshot(placement)
    with pytest.raises(ShadowingError) as refused:
        _accept(placement, visit_date=too_soon)
    earliest = too_soon + timedelta(days=1)
    assert refused.value.message == (
        f"Choose a date on or after {earliest.day} {earliest:%B %Y}: this opportunity needs "
        "14 days' notice."
    )
    assert _snapshot(placement) == before
    _accept(placement, visit_date=earliest)
    placement.refresh_from_db()
    assert placement.visit_date == earliest


def test_a_request_already_accepted_cannot_be_accepted_again() -> None:
    placement = placement_in(Status.AWAITING_HOST)
    _accept(placement)
    with pytest.raises(TransitionRefused) as refused:
        _accept(placement)
    assert str(refused.value) == "This request is not waiting for the host."
    assert Placement.objects.filter(place_number__isnull=False).count() == 1
