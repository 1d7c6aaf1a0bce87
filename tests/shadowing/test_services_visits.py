"""Cancelling a visit and recording whether it happened (shadowing/services/visits.py): a
cancellation needs a reason, frees the place and moves the calendar event on; an outcome is
recorded on or after the day, by the host."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shadowing.enums import Event, Status
from shadowing.errors import ShadowingError
from shadowing.models import Placement
from shadowing.services import notifications
from shadowing.services.decisions import placement_host_accept
from shadowing.services.visits import placement_cancel, placement_outcome_record
from shadowing.states import TransitionRefused
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import OpportunityFactory, placement_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """What `placement_notify` was asked to tell (the emails are another module's to test)."""
    calls: list[tuple[int, str]] = []

    def record(*, placement: Placement, event: str) -> None:
        calls.append((placement.pk, event))

    monkeypatch.setattr(notifications, "placement_notify", record)
    return calls


def _row(placement: Placement) -> dict[str, object]:
    return {
        **Placement.objects.filter(pk=placement.pk).values().get(),
        "history": placement.history.count(),
    }


@pytest.mark.parametrize(
    "status",
    [Status.AWAITING_MANAGER, Status.AWAITING_HOST, Status.AWAITING_CHECKS, Status.CONFIRMED],
)
def test_the_visitor_cancels_before_the_visit_and_the_place_is_freed(
    status: str, told: list[tuple[int, str]]
) -> None:
    placement = placement_in(status)
    visitor = placement.visitor.user

    placement_cancel(placement_id=placement.pk, by=visitor, reason="  Called to court.  ")

    placement.refresh_from_db()
    assert placement.status == Status.CANCELLED
    assert placement.place_number is None
    assert placement.reason == "Called to court."
    assert (placement.ended_by, placement.ended_at is not None) == (visitor, True)
    assert placement.calendar_sequence == 1
    latest = placement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (visitor, "Cancelled")
    assert told == [(placement.pk, Event.CANCELLED)]


def test_a_cancelled_place_can_be_taken_by_someone_else() -> None:
    opportunity = OpportunityFactory(places_per_date=1)
    holder = placement_in(Status.CONFIRMED, opportunity=opportunity)
    waiting = placement_in(Status.AWAITING_HOST, opportunity=opportunity)
    host = MembershipFactory(organisation=opportunity.organisation, coordinator=True).user
    with pytest.raises(ShadowingError):
        placement_host_accept(
            placement_id=waiting.pk,
            by=host,
            supervisor=opportunity.supervisor,
            visit_date=holder.visit_date,
        )
    placement_cancel(placement_id=holder.pk, by=opportunity.supervisor.user, reason="Flu.")
    placement_host_accept(
        placement_id=waiting.pk,
        by=host,
        supervisor=opportunity.supervisor,
        visit_date=holder.visit_date,
    )
    waiting.refresh_from_db()
    assert (waiting.status, waiting.place_number) == (Status.CONFIRMED, 1)


def test_a_cancellation_without_a_reason_changes_nothing(told: list[tuple[int, str]]) -> None:
    placement = placement_in(Status.CONFIRMED)
    before = _row(placement)
    with pytest.raises(ShadowingError) as refused:
        placement_cancel(placement_id=placement.pk, by=placement.visitor.user, reason=" ")
    assert (refused.value.field, refused.value.message) == (
        "reason",
        "Say why you are cancelling this visit.",
    )
    assert _row(placement) == before
    assert told == []


def test_a_stranger_cannot_cancel() -> None:
    placement = placement_in(Status.CONFIRMED)
    before = _row(placement)
    with pytest.raises(TransitionRefused):
        placement_cancel(placement_id=placement.pk, by=UserFactory(), reason="Mischief.")
    assert _row(placement) == before


def test_the_supervisor_records_on_the_day_that_the_visit_happened(
    told: list[tuple[int, str]],
) -> None:
    placement = placement_in(Status.CONFIRMED, visit_date=timezone.localdate())
    supervisor = placement.supervisor.user

    placement_outcome_record(placement_id=placement.pk, by=supervisor, happened=True)

    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_REFLECTION
    assert placement.outcome_recorded_at is not None
    assert placement.place_number == 1  # a visit that happened used its place
    assert placement.history.first().history_user == supervisor
    assert told == [(placement.pk, Event.HAPPENED)]


def test_a_visit_that_did_not_happen_lets_its_place_go(told: list[tuple[int, str]]) -> None:
    placement = placement_in(Status.CONFIRMED, visit_date=timezone.localdate() - timedelta(days=2))
    supervisor = placement.supervisor.user

    placement_outcome_record(placement_id=placement.pk, by=supervisor, happened=False)

    placement.refresh_from_db()
    assert placement.status == Status.DID_NOT_HAPPEN
    assert placement.place_number is None
    assert (placement.ended_by, placement.outcome_recorded_at is not None) == (supervisor, True)
    assert told == [(placement.pk, Event.NOT_HAPPENED)]


@pytest.mark.parametrize("happened", [True, False])
def test_an_outcome_cannot_be_recorded_before_the_day(happened: bool) -> None:
    placement = placement_in(Status.CONFIRMED, visit_date=timezone.localdate() + timedelta(days=1))
    before = _row(placement)
    with pytest.raises(ShadowingError) as refused:
        placement_outcome_record(
            placement_id=placement.pk, by=placement.supervisor.user, happened=happened
        )
    assert refused.value.message == "You can record this on or after the day of the visit."
    assert _row(placement) == before


def test_the_visitor_cannot_record_their_own_visit() -> None:
    placement = placement_in(Status.CONFIRMED, visit_date=timezone.localdate())
    with pytest.raises(TransitionRefused) as refused:
        placement_outcome_record(
            placement_id=placement.pk, by=placement.visitor.user, happened=True
        )
    assert str(refused.value) == "Only the host can record that the visit happened."
