"""Who sees which evaluation results (evaluations/permissions.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from evaluations.enums import Step
from evaluations.models import Invitation
from evaluations.permissions import (
    can_view_results,
    can_view_session_results,
    courses_to_filter_results_by,
    invitations_in_results_of,
    organisations_to_filter_results_by,
    sessions_to_filter_results_by,
)
from tests.accounts.factories import UserFactory
from tests.evaluations.test_selectors_results import World, build_world, learner, respond
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def test_the_partnership_team_sees_every_invitation(world: World) -> None:
    team = UserFactory.create(partnership_team=True)
    assert invitations_in_results_of(team).count() == Invitation.objects.count() == 17
    assert can_view_results(team)


def test_a_trainer_sees_the_sessions_they_train(world: World) -> None:
    assert set(invitations_in_results_of(world.trainer)) == set(
        Invitation.objects.filter(booking__session=world.session)
    )
    assert can_view_session_results(world.trainer, world.session)
    assert not can_view_session_results(world.trainer, world.other_session)
    assert invitations_in_results_of(world.other_trainer).count() == 0
    assert can_view_session_results(world.other_trainer, world.other_session)


def test_a_coordinator_sees_their_staff_and_volunteers_only(world: World) -> None:
    """Not the police officer on the same session, nor their organisation's governors."""
    governor = MembershipFactory.create(organisation=world.organisation, governor=True)
    booking = learner(world.session, world.organisation)
    booking.attendee = governor
    booking.user = governor.user
    booking.save()
    respond(booking, Step.AFTER, {})
    volunteer = learner(world.session, world.organisation, volunteer=True)
    respond(volunteer, Step.AFTER, {})
    visible = invitations_in_results_of(world.coordinator)
    organisations = set(visible.values_list("booking__attendee__organisation", flat=True))
    assert organisations == {world.organisation.pk}
    assert not visible.filter(booking=booking).exists()
    assert visible.filter(booking=volunteer).exists()
    assert visible.count() == 16  # five staff at three steps, and the volunteer


def test_a_coordinator_of_another_organisation_sees_nothing(world: World) -> None:
    elsewhere = MembershipFactory.create(
        organisation=OrganisationFactory.create(), coordinator=True
    ).user
    assert can_view_results(elsewhere)
    assert invitations_in_results_of(elsewhere).count() == 0
    assert not can_view_session_results(elsewhere, world.session)


def test_a_trainer_and_coordinator_sees_both(world: World) -> None:
    """A police coordinator who also trains the other session."""
    world.police_coordinator.is_trainer = True
    world.police_coordinator.save()
    world.other_session.trainers.add(world.police_coordinator)
    respond(learner(world.other_session, world.organisation), Step.BEFORE, {})
    visible = invitations_in_results_of(world.police_coordinator)
    assert set(visible.values_list("booking__session", flat=True)) == {
        world.session.pk,
        world.other_session.pk,
    }
    assert visible.count() == 3  # the police officer's two steps, and the new learner's


@pytest.mark.parametrize("who", ["learner", "anonymous", "inactive team", "line manager"])
def test_everyone_else_sees_no_results(world: World, who: str) -> None:
    viewer: User | AnonymousUser
    if who == "learner":
        viewer = world.bookings[0].user
    elif who == "anonymous":
        viewer = AnonymousUser()
    elif who == "inactive team":
        viewer = UserFactory.create(partnership_team=True, is_active=False)
    else:
        manager = MembershipFactory.create(organisation=world.organisation)
        attendee = world.bookings[0].attendee
        attendee.line_manager = manager
        attendee.save()
        viewer = manager.user
    assert not can_view_results(viewer)
    assert invitations_in_results_of(viewer).count() == 0
    assert not can_view_session_results(viewer, world.session)


def test_the_filters_offer_only_what_the_viewer_sees(world: World) -> None:
    unevaluated = SessionFactory.create(course=world.course)
    unevaluated.trainers.add(world.trainer)
    assert list(sessions_to_filter_results_by(world.trainer)) == [world.session]
    assert list(courses_to_filter_results_by(world.trainer)) == [world.course]
    assert set(organisations_to_filter_results_by(world.trainer)) == {
        world.organisation,
        world.police,
    }
    assert list(organisations_to_filter_results_by(world.coordinator)) == [world.organisation]
    assert list(sessions_to_filter_results_by(world.other_trainer)) == []
