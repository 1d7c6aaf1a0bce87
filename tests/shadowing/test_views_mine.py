"""My shadowing (shadowing.selectors.mine and its page): a person's placements grouped by what
comes next, on whom a request waits, joining details only close to the day, when a reflection
is due, return visits offered, past placements, nobody else's, and a fixed query count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organisations.models import Membership
from shadowing.enums import Status
from shadowing.models import ReturnInvitation
from shadowing.selectors.mine import my_shadowing
from tests.accounts.factories import UserFactory
from tests.shadowing.factories import (
    OpportunityFactory,
    PlacementCheckFactory,
    agreement_condition,
    briefing_condition,
    dbs_condition,
    placement_in,
    visitor_membership,
)

pytestmark = pytest.mark.django_db

MINE = reverse("shadowing:mine")


@pytest.fixture
def visitor() -> Membership:
    membership = visitor_membership()
    assert membership.line_manager is not None
    manager = membership.line_manager.user
    manager.first_name, manager.last_name = "Sam", "Okafor"
    manager.save()
    return membership


def test_a_request_says_whom_it_waits_for(visitor: Membership) -> None:
    with_manager = placement_in(Status.AWAITING_MANAGER, visitor=visitor)
    with_host = placement_in(Status.AWAITING_HOST, visitor=visitor)
    checks = placement_in(
        Status.AWAITING_CHECKS,
        visitor=visitor,
        opportunity=OpportunityFactory(
            conditions=[dbs_condition(), agreement_condition(), briefing_condition()]
        ),
    )
    PlacementCheckFactory(placement=checks, condition=briefing_condition())

    waiting = {row.placement: row.waiting_on for row in my_shadowing(visitor.user).waiting}

    assert waiting == {
        with_manager: "your line manager, Sam Okafor",
        with_host: "the host",
        checks: "checks: Enhanced DBS check confirmed, Confidentiality agreement signed",
    }


def test_joining_details_show_only_close_to_the_day(visitor: Membership) -> None:
    today = timezone.localdate()
    close = today + timedelta(days=settings.SHADOWING_JOINING_DETAILS_DAYS)
    near = placement_in(
        Status.CONFIRMED,
        visitor=visitor,
        opportunity=OpportunityFactory(
            offered_dates=[close], joining_instructions="Ask for Priya at reception."
        ),
    )
    far = placement_in(
        Status.CONFIRMED,
        visitor=visitor,
        opportunity=OpportunityFactory(offered_dates=[close + timedelta(days=1)]),
    )

    upcoming = my_shadowing(visitor.user).upcoming

    assert [(row.placement, row.joining_details) for row in upcoming] == [
        (near, "Ask for Priya at reception."),
        (far, ""),
    ]


def test_a_reflection_to_write_shows_when_it_is_due(visitor: Membership) -> None:
    placement = placement_in(Status.AWAITING_REFLECTION, visitor=visitor)

    (row,) = my_shadowing(visitor.user).reflections

    assert row.placement == placement
    assert row.due_on == timezone.localdate(placement.outcome_recorded_at) + timedelta(
        days=settings.SHADOWING_REFLECTION_DAYS
    )


def test_past_placements_show_their_hours_or_why_they_ended(
    client: Client, visitor: Membership
) -> None:
    completed = placement_in(Status.COMPLETED, visitor=visitor)
    declined = placement_in(
        Status.DECLINED_BY_HOST, visitor=visitor, reason="The team is short-staffed in March."
    )

    client.force_login(visitor.user)
    body = client.get(MINE).content.decode()

    past = body.split('id="past"')[1]
    assert f'href="{reverse("shadowing:placement", args=[completed.pk])}"' in past
    assert "completed, 7 CPD hours" in past
    assert f'href="{reverse("shadowing:placement", args=[declined.pk])}"' in past
    assert "declined by the host. Reason: The team is short-staffed in March." in past


def test_every_row_links_to_its_placement(client: Client, visitor: Membership) -> None:
    placements = [
        placement_in(status, visitor=visitor)
        for status in (
            Status.AWAITING_MANAGER,
            Status.CONFIRMED,
            Status.AWAITING_REFLECTION,
            Status.CANCELLED,
        )
    ]
    client.force_login(visitor.user)
    body = client.get(MINE).content.decode()
    for placement in placements:
        assert f'href="{reverse("shadowing:placement", args=[placement.pk])}"' in body


def test_a_return_visit_offered_links_to_the_first_visitors_opportunities(
    client: Client,
) -> None:
    first = placement_in(Status.COMPLETED)
    invited = visitor_membership(organisation=first.host_organisation)
    ReturnInvitation.objects.create(
        placement=first,
        invited_visitor=invited,
        message="Come and see our custody suite.",
        invited_at=timezone.now(),
    )

    client.force_login(invited.user)
    body = client.get(MINE).content.decode()

    offers = body.split('id="return-visits"')[1]
    link = f"{reverse('shadowing:catalogue')}?organisation={first.home_organisation_id}"
    assert f'href="{link}&amp;return={first.pk}"' in offers
    assert first.home_organisation.name in offers
    assert "Come and see our custody suite." in offers


def test_a_return_visit_already_asked_for_is_not_offered_again(visitor: Membership) -> None:
    first = placement_in(Status.COMPLETED)
    invited = visitor_membership(organisation=first.host_organisation)
    ReturnInvitation.objects.create(
        placement=first, invited_visitor=invited, invited_at=timezone.now()
    )
    placement_in(
        Status.AWAITING_MANAGER,
        visitor=invited,
        opportunity=OpportunityFactory(organisation=first.home_organisation),
        reciprocal_of=first,
    )

    assert my_shadowing(invited.user).return_offers == []


def test_nobody_else_sees_these_placements(client: Client, visitor: Membership) -> None:
    placement_in(Status.AWAITING_MANAGER, visitor=visitor)
    stranger = UserFactory()

    assert my_shadowing(stranger).is_empty
    client.force_login(stranger)
    body = client.get(MINE).content.decode()
    assert "You have not asked to shadow anyone yet." in body


def _one_of_each(visitor: Membership) -> None:
    for status in (
        Status.AWAITING_MANAGER,
        Status.AWAITING_CHECKS,
        Status.CONFIRMED,
        Status.AWAITING_REFLECTION,
        Status.COMPLETED,
        Status.EXPIRED,
    ):
        placement = placement_in(
            status,
            visitor=visitor,
            opportunity=OpportunityFactory(conditions=[dbs_condition(), briefing_condition()]),
        )
        if status == Status.AWAITING_CHECKS:
            PlacementCheckFactory(placement=placement, condition=briefing_condition())
    first = placement_in(Status.COMPLETED)
    ReturnInvitation.objects.create(
        placement=first, invited_visitor=visitor, invited_at=timezone.now()
    )


def test_my_shadowing_costs_the_same_queries_for_one_placement_as_for_six(
    client: Client, visitor: Membership, django_assert_num_queries: Any
) -> None:
    client.force_login(visitor.user)
    placement_in(Status.AWAITING_MANAGER, visitor=visitor)
    client.get(MINE)  # Warm the session and site caches.
    with CaptureQueriesContext(connection) as one:
        client.get(MINE)
    with django_assert_num_queries(4):
        my_shadowing(visitor.user)

    _one_of_each(visitor)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(MINE)
    mine = response.context["mine"]
    assert len(mine.waiting) == 3
    assert (len(mine.upcoming), len(mine.reflections), len(mine.past)) == (1, 1, 2)
    assert len(mine.return_offers) == 1
    with django_assert_num_queries(4):
        my_shadowing(visitor.user)
