"""Booking holds: repeated non-attendance in a window bars booking for a while; the partnership
team may lift a hold early."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.training.factories import BookingFactory, BookingHoldFactory, SessionFactory
from training.enums import BookingStatus
from training.models import BookingHold, BookingRules
from training.services.booking import booking_create
from training.services.holds import hold_apply_if_repeated_no_shows, hold_lift
from training.working_days import LONDON

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> Any:
    return MembershipFactory()


def _no_shows(person: Any, *days_ago: int, status: str = BookingStatus.NO_SHOW) -> None:
    for days in days_ago:
        BookingFactory(
            session=SessionFactory(parts__days_ahead=-days), attendee=person, status=status
        )


@pytest.mark.parametrize(
    ("days_ago", "held"),
    [
        ((), False),
        ((10,), False),
        ((10, 40), True),
        ((10, 40, 200), True),
        ((10, 400), False),  # the second is outside the 12-month window
        ((400, 500), False),
    ],
)
def test_two_no_shows_in_twelve_months_put_a_hold_on_booking(
    person: Any, days_ago: tuple[int, ...], held: bool
) -> None:
    """The default rules: 2 non-attendances in 12 months give a 90-day hold."""
    _no_shows(person, *days_ago)
    now = timezone.now()
    hold = hold_apply_if_repeated_no_shows(user=person.user, now=now)
    assert (hold is not None) is held
    if hold is not None:
        assert (hold.starts_at, hold.ends_at) == (now, now + timedelta(days=90))
        assert hold.reason == f"did not attend {len(days_ago)} sessions in 12 months"
        assert hold.created_by is None


@pytest.mark.parametrize(
    "status",
    [BookingStatus.ATTENDED, BookingStatus.PARTIALLY_ATTENDED, BookingStatus.LATE_CANCELLED],
)
def test_only_not_attending_counts(person: Any, status: str) -> None:
    _no_shows(person, 10, 20, status=status)
    assert hold_apply_if_repeated_no_shows(user=person.user) is None


def test_the_partnership_team_sets_the_threshold_window_and_length(person: Any) -> None:
    rules = BookingRules.load()
    rules.no_show_hold_threshold, rules.no_show_window_months, rules.hold_days = 3, 6, 30
    rules.save()
    _no_shows(person, 10, 40)
    assert hold_apply_if_repeated_no_shows(user=person.user) is None
    _no_shows(person, 250)  # outside 6 months
    assert hold_apply_if_repeated_no_shows(user=person.user) is None
    _no_shows(person, 100)
    now = timezone.now()
    hold = hold_apply_if_repeated_no_shows(user=person.user, now=now)
    assert hold is not None
    assert hold.ends_at == now + timedelta(days=30)
    assert hold.reason == "did not attend 3 sessions in 6 months"


def test_no_second_hold_while_one_is_in_force(person: Any) -> None:
    _no_shows(person, 10, 40)
    assert hold_apply_if_repeated_no_shows(user=person.user) is not None
    _no_shows(person, 5)
    assert hold_apply_if_repeated_no_shows(user=person.user) is None
    assert BookingHold.objects.count() == 1


def test_non_attendance_that_led_to_a_hold_is_spent(person: Any) -> None:
    """After a hold ends, the same two no-shows do not start another: only new ones count."""
    _no_shows(person, 150, 140)
    first = hold_apply_if_repeated_no_shows(
        user=person.user, now=timezone.now() - timedelta(days=130)
    )
    assert first is not None
    _no_shows(person, 10)
    assert hold_apply_if_repeated_no_shows(user=person.user) is None
    _no_shows(person, 5)
    assert hold_apply_if_repeated_no_shows(user=person.user) is not None


def test_a_hold_stops_booking_and_says_why(person: Any) -> None:
    _no_shows(person, 10, 40)
    hold = hold_apply_if_repeated_no_shows(user=person.user)
    assert hold is not None
    with pytest.raises(ValidationError) as refusal:
        booking_create(session=SessionFactory(), attendee=person, booked_by=person.user)
    until = hold.ends_at.astimezone(LONDON)
    assert refusal.value.messages == [
        f"You cannot book until {until.day} {until:%B %Y} because you did not attend 2 sessions "
        "in 12 months."
    ]


# Lifting -----------------------------------------------------------------------------------------


def test_the_partnership_team_lifts_a_hold_and_the_person_may_book(person: Any) -> None:
    hold = BookingHoldFactory(user=person.user)
    team = UserFactory(partnership_team=True)
    now = timezone.now()

    lifted = hold_lift(hold=hold, lifted_by=team, now=now)

    assert (lifted.lifted_at, lifted.lifted_by) == (now, team)
    entry = lifted.history.first()
    assert (entry.history_user, entry.history_change_reason) == (team, "Lifted")
    booking = booking_create(session=SessionFactory(), attendee=person, booked_by=person.user)
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("who", ["the person", "their coordinator", "a trainer"])
def test_only_the_partnership_team_lifts_holds(person: Any, who: str) -> None:
    hold = BookingHoldFactory(user=person.user)
    user = {
        "the person": person.user,
        "their coordinator": MembershipFactory(
            organisation=person.organisation, coordinator=True
        ).user,
        "a trainer": UserFactory(trainer=True),
    }[who]
    with pytest.raises(ValidationError) as refusal:
        hold_lift(hold=hold, lifted_by=user)
    assert refusal.value.messages == ["Only the partnership team can lift a booking hold."]


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("lifted", "This booking hold has already been lifted."),
        ("ended", "This booking hold has already ended."),
    ],
)
def test_a_hold_is_lifted_once_and_only_while_in_force(
    person: Any, state: str, message: str
) -> None:
    if state == "lifted":
        hold = BookingHoldFactory(user=person.user, lifted_at=timezone.now())
    else:
        hold = BookingHoldFactory(
            user=person.user,
            starts_at=timezone.now() - timedelta(days=100),
            ends_at=timezone.now() - timedelta(days=10),
        )
    with pytest.raises(ValidationError) as refusal:
        hold_lift(hold=hold, lifted_by=UserFactory(partnership_team=True))
    assert refusal.value.messages == [message]
