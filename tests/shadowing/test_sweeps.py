"""The shadowing sweep (shadowing.services.sweeps): requests expire when nobody answers or
their day arrives, missing checks are chased once, joining details go once, the reflection
reminder goes once, and placements with no reflection close. Running it twice changes and
sends nothing more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from shadowing.enums import Status
from shadowing.models import Placement
from shadowing.services.sweeps import shadowing_sweep
from shadowing.tasks.sweeps import shadowing_sweep_task
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import (
    OpportunityFactory,
    PlacementCheckFactory,
    agreement_condition,
    briefing_condition,
    placement_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _periods(settings: Any) -> None:
    """The periods the tests count with, whatever the environment sets."""
    settings.SHADOWING_MANAGER_ANSWER_DAYS = 10
    settings.SHADOWING_HOST_ANSWER_DAYS = 14
    settings.SHADOWING_CHECKS_CHASE_DAYS = 7
    settings.SHADOWING_JOINING_DETAILS_DAYS = 3
    settings.SHADOWING_REFLECTION_DAYS = 20


def _ago(days: float) -> Any:
    return timezone.now() - timedelta(days=days)


def _in(days: int) -> Any:
    return timezone.localdate() + timedelta(days=days)


def _fresh(placement: Placement) -> Placement:
    return Placement.objects.get(pk=placement.pk)


# Expiring --------------------------------------------------------------------------------------


def test_a_request_the_line_manager_leaves_too_long_expires() -> None:
    """After 10 days without an answer: expired, with the reason in plain words, the visitor
    and the manager told, and the history saying the sweep did it."""
    late = placement_in(Status.AWAITING_MANAGER, requested_at=_ago(10.1))
    in_time = placement_in(Status.AWAITING_MANAGER, requested_at=_ago(9.9))
    result = shadowing_sweep()
    assert result["expired"] == 1
    late = _fresh(late)
    assert late.status == Status.EXPIRED
    assert late.ended_at is not None
    assert late.reason == "The line manager did not answer within 10 days."
    assert _fresh(in_time).status == Status.AWAITING_MANAGER
    assert {m.to[0] for m in mail.outbox} == {
        late.visitor.user.email,
        late.visitor.line_manager.user.email,
    }
    record = late.history.first()
    assert record is not None
    assert record.history_user is None
    assert record.history_change_reason == "Expired unanswered"


def test_a_request_the_host_leaves_too_long_expires() -> None:
    late = placement_in(Status.AWAITING_HOST, manager_decided_at=_ago(14.1))
    in_time = placement_in(Status.AWAITING_HOST, manager_decided_at=_ago(13))
    host = MembershipFactory(organisation=late.host_organisation, coordinator=True)
    assert shadowing_sweep()["expired"] == 1
    late = _fresh(late)
    assert late.status == Status.EXPIRED
    assert late.reason == "The host did not answer within 14 days."
    assert _fresh(in_time).status == Status.AWAITING_HOST
    assert host.user.email in {m.to[0] for m in mail.outbox}


@pytest.mark.parametrize(
    "status", [Status.AWAITING_MANAGER, Status.AWAITING_HOST, Status.AWAITING_CHECKS]
)
def test_anything_still_waiting_on_its_day_expires_and_frees_its_place(status: str) -> None:
    """The day of the visit came with someone still to answer or a check still to do."""
    opportunity = OpportunityFactory(offered_dates=[_in(0)], conditions=[briefing_condition()])
    placement = placement_in(status, opportunity=opportunity)
    assert shadowing_sweep()["expired"] == 1
    placement = _fresh(placement)
    assert placement.status == Status.EXPIRED
    assert placement.place_number is None
    assert placement.reason


def test_a_confirmed_visit_on_its_day_does_not_expire() -> None:
    opportunity = OpportunityFactory(offered_dates=[_in(0)])
    placement = placement_in(Status.CONFIRMED, opportunity=opportunity)
    shadowing_sweep()
    assert _fresh(placement).status == Status.CONFIRMED


def test_a_request_by_arrangement_expires_when_its_last_proposed_day_arrives() -> None:
    opportunity = OpportunityFactory(by_arrangement=True)
    waiting = placement_in(
        Status.AWAITING_HOST,
        opportunity=opportunity,
        proposed_dates=[_in(-2).isoformat(), _in(5).isoformat()],
    )
    shadowing_sweep()
    assert _fresh(waiting).status == Status.AWAITING_HOST
    waiting.proposed_dates = [_in(-2).isoformat(), _in(0).isoformat()]
    waiting.save()
    shadowing_sweep()
    assert _fresh(waiting).status == Status.EXPIRED


# Chasing checks and joining details ------------------------------------------------------------


def test_missing_checks_are_chased_once_in_the_week_before() -> None:
    opportunity = OpportunityFactory(
        offered_dates=[_in(6)], conditions=[agreement_condition(), briefing_condition()]
    )
    placement = placement_in(Status.AWAITING_CHECKS, opportunity=opportunity)
    PlacementCheckFactory(placement=placement, condition=briefing_condition())
    later = placement_in(
        Status.AWAITING_CHECKS,
        opportunity=OpportunityFactory(offered_dates=[_in(8)], conditions=[agreement_condition()]),
    )
    assert shadowing_sweep()["checks_chased"] == 1
    assert [m.to for m in mail.outbox] == [[placement.visitor.user.email]]
    assert agreement_condition().name in mail.outbox[0].body
    assert later.visitor.user.email not in {m.to[0] for m in mail.outbox}
    assert shadowing_sweep()["checks_chased"] == 0
    assert len(mail.outbox) == 1


def test_nothing_is_chased_when_every_check_is_done() -> None:
    opportunity = OpportunityFactory(offered_dates=[_in(3)], conditions=[briefing_condition()])
    placement = placement_in(Status.AWAITING_CHECKS, opportunity=opportunity)
    PlacementCheckFactory(placement=placement, condition=briefing_condition())
    assert shadowing_sweep()["checks_chased"] == 0
    assert mail.outbox == []


def test_joining_details_go_once_three_days_before() -> None:
    soon = placement_in(Status.CONFIRMED, opportunity=OpportunityFactory(offered_dates=[_in(3)]))
    not_yet = placement_in(Status.CONFIRMED, opportunity=OpportunityFactory(offered_dates=[_in(4)]))
    assert shadowing_sweep()["joining_details"] == 1
    assert [m.to for m in mail.outbox] == [[soon.visitor.user.email]]
    assert "Ask for the duty manager at reception." in mail.outbox[0].body
    assert shadowing_sweep()["joining_details"] == 0
    assert not_yet.visitor.user.email not in {m.to[0] for m in mail.outbox}


# Reflections -----------------------------------------------------------------------------------


def test_the_reflection_reminder_goes_once_halfway() -> None:
    halfway = placement_in(Status.AWAITING_REFLECTION, outcome_recorded_at=_ago(10.1))
    early = placement_in(Status.AWAITING_REFLECTION, outcome_recorded_at=_ago(9))
    assert shadowing_sweep()["reflection_reminders"] == 1
    assert [m.to for m in mail.outbox] == [[halfway.visitor.user.email]]
    assert shadowing_sweep()["reflection_reminders"] == 0
    assert len(mail.outbox) == 1
    assert _fresh(early).status == Status.AWAITING_REFLECTION


def test_a_placement_with_no_reflection_closes_at_the_end() -> None:
    """Closed without a reflection, the visitor and line manager told, no reminder as well."""
    placement = placement_in(Status.AWAITING_REFLECTION, outcome_recorded_at=_ago(20.1))
    result = shadowing_sweep()
    assert result["closed_unreflected"] == 1
    assert result["reflection_reminders"] == 0
    placement = _fresh(placement)
    assert placement.status == Status.NOT_REFLECTED
    assert placement.ended_at is not None
    assert {m.to[0] for m in mail.outbox} == {
        placement.visitor.user.email,
        placement.visitor.line_manager.user.email,
    }
    record = placement.history.first()
    assert record is not None
    assert record.history_user is None


def test_the_beat_task_runs_the_sweep_and_a_second_run_does_nothing() -> None:
    placement_in(Status.AWAITING_MANAGER, requested_at=_ago(11))
    placement_in(Status.AWAITING_REFLECTION, outcome_recorded_at=_ago(25))
    first = shadowing_sweep_task.delay().get()
    assert first["expired"] == 1
    assert first["closed_unreflected"] == 1
    sent = len(mail.outbox)
    assert set(shadowing_sweep_task.delay().get().values()) == {0}
    assert len(mail.outbox) == sent
