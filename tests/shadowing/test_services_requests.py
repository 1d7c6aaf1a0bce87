"""Asking to shadow (shadowing.services.requests): what a request records and whom it tells,
each reason a request is refused (with nothing created and nobody told), and the date rules
for set dates and visits by arrangement."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import pytest
from django.utils import timezone

from organisations.enums import MembershipKind, Sector
from organisations.models import Membership
from shadowing.enums import Event, Status
from shadowing.errors import ShadowingError
from shadowing.models import Opportunity, Placement, ReturnInvitation
from shadowing.services import notifications
from shadowing.services.requests import placement_request
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory
from tests.shadowing.factories import OpportunityFactory, placement_in, visitor_membership

pytestmark = pytest.mark.django_db

GOALS = "To see how the MASH screens a police referral."


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Placement, str]]:
    """What `placement_notify` was asked to tell."""
    calls: list[tuple[Placement, str]] = []

    def record(*, placement: Placement, event: str) -> None:
        calls.append((placement, event))

    monkeypatch.setattr(notifications, "placement_notify", record)
    return calls


def weekday_ahead(days: int) -> date:
    """The first weekday at least `days` from today."""
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def saturday_ahead(days: int) -> date:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() != 5:
        day += timedelta(days=1)
    return day


def _ask(visitor: Membership, opportunity: Opportunity, **kwargs: Any) -> Placement:
    kwargs.setdefault(
        "requested_date", None if opportunity.by_arrangement else opportunity.dates.first()
    )
    kwargs.setdefault("proposed_dates", [weekday_ahead(30)] if opportunity.by_arrangement else [])
    kwargs.setdefault("learning_goals", GOALS)
    kwargs.setdefault("by", visitor.user)
    return placement_request(visitor=visitor, opportunity=opportunity, **kwargs)


def test_a_request_waits_for_the_line_manager_who_is_told(
    told: list[tuple[Placement, str]],
) -> None:
    """The placement records who, where and their manager as they were, when it was asked,
    who asked (in its history), and the line manager is told."""
    visitor = visitor_membership()
    opportunity = OpportunityFactory()
    chosen = opportunity.dates.last()

    placement = _ask(visitor, opportunity, requested_date=chosen, learning_goals=f"  {GOALS} ")

    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_MANAGER
    assert placement.visitor == visitor
    assert placement.home_organisation == visitor.organisation
    assert placement.host_organisation == opportunity.organisation
    assert placement.line_manager == visitor.line_manager
    assert placement.requested_date == chosen
    assert placement.proposed_dates == []
    assert placement.learning_goals == GOALS
    assert abs(placement.requested_at - timezone.now()) < timedelta(minutes=1)
    assert placement.place_number is None  # A request holds no place.
    assert placement.history.get().history_user == visitor.user
    assert told == [(placement, Event.REQUESTED)]


def test_by_arrangement_the_proposed_dates_are_kept_in_order(
    told: list[tuple[Placement, str]],
) -> None:
    visitor = visitor_membership()
    opportunity = OpportunityFactory(by_arrangement=True)
    later, sooner = weekday_ahead(50), weekday_ahead(20)

    placement = _ask(visitor, opportunity, proposed_dates=[later, sooner])

    placement.refresh_from_db()
    assert placement.requested_date is None
    assert placement.proposed_dates == [sooner.isoformat(), later.isoformat()]


# Who may ask ----------------------------------------------------------------------------------


def _own_organisation() -> tuple[Membership, Opportunity]:
    opportunity = OpportunityFactory()
    return visitor_membership(organisation=opportunity.organisation), opportunity


def _wrong_sector() -> tuple[Membership, Opportunity]:
    return visitor_membership(), OpportunityFactory(
        eligible_sectors=[Sector.HEALTH_TRUST, Sector.SCHOOL]
    )


def _wrong_job_role() -> tuple[Membership, Opportunity]:
    opportunity = OpportunityFactory()
    opportunity.eligible_job_roles.set([JobRoleFactory(name="Health visitor")])
    return visitor_membership(job_role=JobRoleFactory(name="Detective constable")), opportunity


def _no_line_manager() -> tuple[Membership, Opportunity]:
    return MembershipFactory(organisation=OrganisationFactory(sector=Sector.POLICE)), (
        OpportunityFactory()
    )


def _manager_left() -> tuple[Membership, Opportunity]:
    visitor = visitor_membership()
    manager = visitor.line_manager
    assert manager is not None
    manager.start_date = timezone.localdate() - timedelta(days=100)
    manager.end_date = timezone.localdate() - timedelta(days=1)
    manager.save()
    return visitor, OpportunityFactory()


def _already_asked() -> tuple[Membership, Opportunity]:
    placement = placement_in(Status.AWAITING_HOST)
    return placement.visitor, placement.opportunity


def _not_published() -> tuple[Membership, Opportunity]:
    return visitor_membership(), OpportunityFactory(is_published=False)


def _membership_ended() -> tuple[Membership, Opportunity]:
    visitor = visitor_membership(start_date=timezone.localdate() - timedelta(days=100))
    visitor.end_date = timezone.localdate() - timedelta(days=1)
    visitor.save()
    return visitor, OpportunityFactory()


def _governor() -> tuple[Membership, Opportunity]:
    return visitor_membership(governor=True), OpportunityFactory()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_own_organisation, "You cannot shadow your own organisation."),
        (
            _wrong_sector,
            "This opportunity is open to staff of health trust and school organisations only.",
        ),
        (_wrong_job_role, "This opportunity is open to these job roles only: Health visitor."),
        (
            _no_line_manager,
            "You need a line manager on the Hub to approve a request. Ask your coordinator to "
            "add one.",
        ),
        (
            _manager_left,
            "You need a line manager on the Hub to approve a request. Ask your coordinator to "
            "add one.",
        ),
        (_already_asked, "You have already asked for this opportunity."),
        (_not_published, "This opportunity is not open to requests."),
        (_membership_ended, "Only current staff and volunteers of a partner organisation"),
        (_governor, "Only current staff and volunteers of a partner organisation"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else "",
)
def test_a_request_is_refused_with_the_reason_and_nothing_made(
    make: Any, message: str, told: list[tuple[Placement, str]]
) -> None:
    visitor, opportunity = make()
    before = Placement.objects.count()

    with pytest.raises(ShadowingError) as refused:
        _ask(visitor, opportunity)

    assert refused.value.message.startswith(message)
    assert Placement.objects.count() == before
    assert told == []


def test_a_volunteer_may_ask(told: list[tuple[Placement, str]]) -> None:
    visitor = visitor_membership(kind=MembershipKind.VOLUNTEER)
    assert _ask(visitor, OpportunityFactory()).pk


def test_an_eligible_sector_and_job_role_may_ask(told: list[tuple[Placement, str]]) -> None:
    role = JobRoleFactory(name="Detective constable")
    opportunity = OpportunityFactory(eligible_sectors=[Sector.POLICE])
    opportunity.eligible_job_roles.set([role])
    assert _ask(visitor_membership(job_role=role), opportunity).pk


def test_asking_again_after_a_request_ended_is_allowed(told: list[tuple[Placement, str]]) -> None:
    """Only an open placement stops a second request for the same opportunity."""
    ended = placement_in(Status.DECLINED_BY_HOST)
    assert _ask(ended.visitor, ended.opportunity).pk != ended.pk


# Dates ----------------------------------------------------------------------------------------


def _set_date_case(case: str) -> tuple[Opportunity, dict[str, Any]]:
    today = timezone.localdate()
    if case == "none":
        return OpportunityFactory(), {"requested_date": None}
    if case == "another opportunity's":
        return OpportunityFactory(), {"requested_date": OpportunityFactory().dates.first()}
    if case == "too soon":
        opportunity = OpportunityFactory(offered_dates=[today + timedelta(days=10)])
        return opportunity, {"requested_date": opportunity.dates.get()}
    # Full: its one place is held by an accepted visitor.
    held = placement_in(Status.AWAITING_CHECKS)
    return held.opportunity, {"requested_date": held.requested_date}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("none", "Choose the date you would like to visit."),
        ("another opportunity's", "Choose one of the dates this opportunity offers."),
        ("too soon", "Choose a date at least 14 days from today"),
        ("full", "There are no places left on "),
    ],
)
def test_a_set_date_must_be_offered_far_enough_ahead_with_a_place(
    case: str, message: str, told: list[tuple[Placement, str]]
) -> None:
    opportunity, kwargs = _set_date_case(case)
    before = Placement.objects.count()

    with pytest.raises(ShadowingError) as refused:
        _ask(visitor_membership(), opportunity, **kwargs)

    assert refused.value.message.startswith(message)
    assert refused.value.field == "requested_date"
    assert Placement.objects.count() == before


def test_a_date_is_still_open_while_others_only_ask_for_it(
    told: list[tuple[Placement, str]],
) -> None:
    """Requests not yet accepted hold no place, so several people may ask for one place."""
    waiting = placement_in(Status.AWAITING_HOST)
    assert _ask(visitor_membership(), waiting.opportunity).pk


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (lambda: [], "Enter at least one date you could visit."),
        (
            lambda: [weekday_ahead(20), weekday_ahead(30), weekday_ahead(40), weekday_ahead(50)],
            "Enter no more than 3 dates.",
        ),
        (lambda: [weekday_ahead(20), weekday_ahead(20)], "Enter each date once."),
        (lambda: [weekday_ahead(20), weekday_ahead(5)], "Each date must be at least 14 days"),
        (lambda: [weekday_ahead(370)], "Each date must be within a year from today."),
        (lambda: [saturday_ahead(20)], "Each date must be a weekday (Monday to Friday)."),
    ],
    ids=["none", "four", "twice", "too-soon", "too-far", "weekend"],
)
def test_proposed_dates_follow_the_rules(
    dates: Any, message: str, told: list[tuple[Placement, str]]
) -> None:
    opportunity = OpportunityFactory(by_arrangement=True)

    with pytest.raises(ShadowingError) as refused:
        _ask(visitor_membership(), opportunity, proposed_dates=dates())

    assert refused.value.message.startswith(message)
    assert refused.value.field == "proposed_dates"
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    ("goals", "message"),
    [
        ("   ", "Enter what you hope to learn from the visit."),
        ("x" * 2001, "What you hope to learn must be 2,000 characters or fewer."),
    ],
)
def test_learning_goals_are_needed_and_not_too_long(
    goals: str, message: str, told: list[tuple[Placement, str]]
) -> None:
    with pytest.raises(ShadowingError) as refused:
        _ask(visitor_membership(), OpportunityFactory(), learning_goals=goals)

    assert refused.value.message == message
    assert refused.value.field == "learning_goals"
    assert not Placement.objects.exists()


# Return visits --------------------------------------------------------------------------------


def _invited() -> tuple[Placement, Membership, Opportunity]:
    """A completed placement whose host invited one of its own staff to visit back, and an
    opportunity of the first visitor's organisation."""
    first = placement_in(Status.COMPLETED)
    invited = visitor_membership(organisation=first.host_organisation)
    ReturnInvitation.objects.create(
        placement=first, invited_visitor=invited, invited_at=timezone.now()
    )
    return first, invited, OpportunityFactory(organisation=first.home_organisation)


def test_a_return_visit_answers_the_invitation(told: list[tuple[Placement, str]]) -> None:
    first, invited, opportunity = _invited()

    placement = _ask(invited, opportunity, reciprocal_of=first)

    assert placement.reciprocal_of == first
    assert list(first.return_visits.all()) == [placement]


@pytest.mark.parametrize("wrong", ["not completed", "another visitor", "another organisation"])
def test_a_return_visit_must_answer_an_invitation_to_this_visitor_and_organisation(
    wrong: str, told: list[tuple[Placement, str]]
) -> None:
    first, invited, opportunity = _invited()
    if wrong == "not completed":
        Placement.objects.filter(pk=first.pk).update(status=Status.AWAITING_REFLECTION)
        first.refresh_from_db()
    elif wrong == "another visitor":
        invited = visitor_membership(organisation=first.host_organisation)
    else:
        opportunity = cast(Opportunity, OpportunityFactory())
    before = Placement.objects.count()

    with pytest.raises(ShadowingError) as refused:
        _ask(invited, opportunity, reciprocal_of=first)

    assert refused.value.message == "This return visit was not offered to you for this opportunity."
    assert Placement.objects.count() == before
    assert told == []
