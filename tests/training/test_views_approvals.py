"""Requests waiting for a manager: who sees them, "Approve", "Decline" with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from organisations.models import Membership
from tests.accounts.factories import enrol_totp
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, SessionFactory
from training.enums import BookingStatus
from training.models import Booking

pytestmark = pytest.mark.django_db

APPROVALS = reverse("training:approvals")


@dataclass
class Team:
    """A manager with two reports, a colleague in another team, and the coordinator."""

    manager: Membership
    reports: list[Membership]
    other_team: Membership
    coordinator: Membership


@pytest.fixture
def team(db: None) -> Team:
    organisation = OrganisationFactory(name="Lewisham Children's Social Care")
    manager = MembershipFactory(organisation=organisation, user__first_name="Morgan")
    reports = [
        MembershipFactory(organisation=organisation, line_manager=manager, user__last_name=name)
        for name in ("Adams", "Baker")
    ]
    other_manager = MembershipFactory(organisation=organisation)
    other_team = MembershipFactory(organisation=organisation, line_manager=other_manager)
    coordinator = MembershipFactory(organisation=organisation, coordinator=True)
    return Team(manager, reports, other_team, coordinator)


def _request(attendee: Membership, **kwargs: Any) -> Booking:
    return BookingFactory(
        attendee=attendee,
        status=BookingStatus.AWAITING_APPROVAL,
        session__course__requires_manager_approval=True,
        **kwargs,
    )


def _sign_in(client: Client, user: User, *, privileged: bool = False) -> None:
    if privileged:
        enrol_totp(user)
    client.force_login(user)


def _url(name: str, booking: Booking) -> str:
    return reverse(f"training:{name}", kwargs={"pk": booking.pk})


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_line_manager_sees_their_reports_requests_only(client: Client, team: Team) -> None:
    mine = [_request(report) for report in team.reports]
    _request(team.other_team)
    BookingFactory(attendee=team.reports[0])  # confirmed: nothing to answer
    _sign_in(client, team.manager.user)

    response = client.get(APPROVALS)

    assert response.status_code == 200
    assert set(response.context["page"].object_list) == set(mine)
    content = response.content.decode()
    assert ">Approve<" in content
    assert _url("booking_decline", mine[0]) in content


def test_coordinator_sees_their_organisations_requests_but_not_their_own(
    client: Client, team: Team
) -> None:
    requests = [_request(report) for report in team.reports] + [_request(team.other_team)]
    _request(team.coordinator)
    _request(MembershipFactory())  # another organisation
    _sign_in(client, team.coordinator.user, privileged=True)

    response = client.get(APPROVALS)

    assert set(response.context["page"].object_list) == set(requests)


def test_practitioner_cannot_open_approvals(client: Client, team: Team) -> None:
    """Someone with nobody to answer for gets 404, and cannot approve by posting an id."""
    booking = _request(team.reports[1])
    _sign_in(client, team.reports[0].user)
    assert client.get(APPROVALS).status_code == 404
    assert client.post(_url("booking_approve", booking)).status_code == 404
    assert client.get(_url("booking_decline", booking)).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_APPROVAL


@pytest.mark.parametrize("name", ["booking_approve", "booking_decline"])
def test_another_managers_requests_are_not_found(client: Client, team: Team, name: str) -> None:
    booking = _request(team.other_team)
    _sign_in(client, team.manager.user)
    response = client.post(_url(name, booking), {"reason": "No cover that day."})
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_APPROVAL


def test_nobody_approves_their_own_request(client: Client, team: Team) -> None:
    booking = _request(team.coordinator)
    _sign_in(client, team.coordinator.user, privileged=True)
    assert client.post(_url("booking_approve", booking)).status_code == 404


def test_approving_confirms_the_place(client: Client, team: Team) -> None:
    booking = _request(team.reports[0])
    _sign_in(client, team.manager.user)

    response = client.post(_url("booking_approve", booking))

    assert response.headers["Location"] == APPROVALS
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.decided_by == team.manager.user
    assert _messages(response)[0].startswith(f"You have approved {booking.user.get_full_name()}")


def test_approving_twice_says_it_is_done(client: Client, team: Team) -> None:
    booking = _request(team.reports[0])
    _sign_in(client, team.manager.user)
    client.post(_url("booking_approve", booking))
    response = client.post(_url("booking_approve", booking))
    assert _messages(response)[-1].endswith("has already been answered.")


def test_approve_only_by_post(client: Client, team: Team) -> None:
    booking = _request(team.reports[0])
    _sign_in(client, team.manager.user)
    assert client.get(_url("booking_approve", booking)).status_code == 405


def test_declining_needs_a_reason(client: Client, team: Team) -> None:
    booking = _request(team.reports[0])
    _sign_in(client, team.manager.user)
    url = _url("booking_decline", booking)

    page = client.get(url)
    assert page.status_code == 200
    assert "Do not include anything that could identify a child." in page.content.decode()

    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter a reason for declining the request." in content
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_APPROVAL

    response = client.post(url, {"reason": "We have no cover on that day."})
    assert response.headers["Location"] == APPROVALS
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    assert booking.decision_reason == "We have no cover on that day."


def test_approvals_query_count_does_not_grow_with_requests(
    client: Client, team: Team, django_assert_num_queries: Any
) -> None:
    """The list costs the same queries for 2 requests as for 20."""
    session = SessionFactory(course__requires_manager_approval=True)
    for report in team.reports:
        _request(report, session=session)
    _sign_in(client, team.manager.user)
    client.get(APPROVALS)
    with CaptureQueriesContext(connection) as few:
        client.get(APPROVALS)
    for _ in range(18):
        _request(
            MembershipFactory(organisation=team.manager.organisation, line_manager=team.manager)
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(APPROVALS)
    assert response.context["page"].paginator.count == 20
