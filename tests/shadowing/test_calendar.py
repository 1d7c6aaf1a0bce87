"""The visit's calendar file (shadowing.calendar) and its download (shadowing:placement_ics):
one all-day event a day, stable UIDs, the placement's sequence, REQUEST or CANCEL; only the
people taking part get it, and only once the visit is confirmed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from shadowing.calendar import placement_ics
from shadowing.enums import Duration, Status
from shadowing.models import Placement
from tests.accounts.factories import enrol_totp
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import OpportunityFactory, placement_in

pytestmark = pytest.mark.django_db


def _events(content: bytes) -> tuple[Calendar, list[dict[str, object]]]:
    calendar = Calendar.from_ical(content)
    return calendar, [dict(component) for component in calendar.walk("VEVENT")]


def test_a_confirmed_visit_is_one_all_day_event_a_day() -> None:
    """A three-day visit is three events on consecutive days, numbered in their UIDs."""
    opportunity = OpportunityFactory(
        duration=Duration.SEVERAL_DAYS, days=3, cpd_hours=Decimal("21")
    )
    placement = placement_in(Status.CONFIRMED, opportunity=opportunity, calendar_sequence=4)
    calendar, events = _events(placement_ics(placement))
    assert calendar["METHOD"] == "REQUEST"
    assert placement.visit_date is not None
    days = [placement.visit_date + timedelta(days=n) for n in range(3)]
    assert [event["DTSTART"].dt for event in events] == days
    assert all(isinstance(day, date) for day in days)
    assert [event["DTEND"].dt for event in events] == [d + timedelta(1) for d in days]
    assert [str(event["UID"]) for event in events] == [
        f"shadowing-{placement.pk}-{n}@hub.partnership.example" for n in (1, 2, 3)
    ]
    assert {int(event["SEQUENCE"]) for event in events} == {4}  # type: ignore[call-overload]
    assert {str(event["STATUS"]) for event in events} == {"CONFIRMED"}
    assert "day 2 of 3" in str(events[1]["SUMMARY"])
    assert str(events[0]["LOCATION"]) == opportunity.location


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.EXPIRED, Status.DID_NOT_HAPPEN])
def test_a_visit_that_will_not_happen_cancels_its_events(status: Status) -> None:
    """Same UIDs, so calendars remove the events they imported."""
    placement = placement_in(status, visit_date=timezone.localdate() + timedelta(days=30))
    calendar, events = _events(placement_ics(placement))
    assert calendar["METHOD"] == "CANCEL"
    assert [str(event["UID"]) for event in events] == [
        f"shadowing-{placement.pk}-1@hub.partnership.example"
    ]
    assert str(events[0]["STATUS"]) == "CANCELLED"


# The download -----------------------------------------------------------------------------------


def _url(placement: Placement) -> str:
    return reverse("shadowing:placement_ics", kwargs={"pk": placement.pk})


@pytest.mark.parametrize("who", ["visitor", "line_manager", "host", "supervisor"])
def test_the_people_taking_part_download_the_confirmed_visit(client: Client, who: str) -> None:
    placement = placement_in(Status.CONFIRMED)
    users: dict[str, User] = {
        "visitor": placement.visitor.user,
        "line_manager": placement.visitor.line_manager.user,
        "host": MembershipFactory.create(
            organisation=placement.host_organisation, coordinator=True
        ).user,
        "supervisor": placement.supervisor.user,
    }
    enrol_totp(users[who])  # coordinators must have MFA set up
    client.force_login(users[who])
    response = client.get(_url(placement))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar; method=REQUEST")
    assert "attachment;" in response["Content-Disposition"]
    assert b"BEGIN:VEVENT" in response.content


def test_a_cancelled_confirmed_visit_downloads_as_a_cancellation(client: Client) -> None:
    placement = placement_in(Status.CONFIRMED)
    placement.status = Status.CANCELLED
    placement.save()
    client.force_login(placement.visitor.user)
    response = client.get(_url(placement))
    assert response.status_code == 200
    assert b"METHOD:CANCEL" in response.content


@pytest.mark.parametrize(
    "status", [Status.AWAITING_MANAGER, Status.AWAITING_HOST, Status.AWAITING_CHECKS]
)
def test_nothing_to_download_before_the_visit_is_confirmed(client: Client, status: str) -> None:
    placement = placement_in(status)
    client.force_login(placement.visitor.user)
    assert client.get(_url(placement)).status_code == 404


def test_a_request_cancelled_before_confirmation_has_no_calendar(client: Client) -> None:
    placement = placement_in(Status.CANCELLED, confirmed_at=None)
    client.force_login(placement.visitor.user)
    assert client.get(_url(placement)).status_code == 404


@pytest.mark.parametrize("who", ["stranger", "home_coordinator", "team"])
def test_nobody_else_gets_the_calendar_file(client: Client, team_member: User, who: str) -> None:
    """Someone with no part in the visit, the visitor's coordinator and the team get a 404."""
    placement = placement_in(Status.CONFIRMED)
    if who == "stranger":
        user: User = MembershipFactory.create().user
    elif who == "home_coordinator":
        user = MembershipFactory.create(
            organisation=placement.home_organisation, coordinator=True
        ).user
        enrol_totp(user)
    else:
        user = team_member
    client.force_login(user)
    assert client.get(_url(placement)).status_code == 404


def test_signing_in_comes_first(client: Client) -> None:
    placement = placement_in(Status.CONFIRMED)
    response = client.get(_url(placement))
    assert response.status_code == 302
    assert "login" in response["Location"]
