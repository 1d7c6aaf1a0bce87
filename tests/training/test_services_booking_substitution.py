"""Substitution: a colleague from the same organisation takes a booked place, free of charge."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from organisations.enums import Sector
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import (
    BookingFactory,
    BookingHoldFactory,
    CourseAudienceSectorFactory,
    CourseFactory,
    SessionFactory,
)
from training.enums import BookingStatus, NotificationKind
from training.models import Booking, Charge
from training.services.booking import booking_substitute
from training.working_days import LONDON, cancellation_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency() -> Any:
    return OrganisationFactory(name="Lewisham Children's Social Care")


@pytest.fixture
def manager(agency: Any) -> Any:
    return MembershipFactory(organisation=agency)


@pytest.fixture
def booking(agency: Any, manager: Any) -> Booking:
    """Sam's confirmed place on a course that charges for cancelling late."""
    session = SessionFactory(course=CourseFactory(late_cancellation_charge=75))
    attendee = MembershipFactory(organisation=agency, line_manager=manager)
    return BookingFactory(session=session, attendee=attendee)


@pytest.fixture
def colleague(agency: Any) -> Any:
    return MembershipFactory(
        organisation=agency, user=UserFactory(first_name="Alex", last_name="Okafor")
    )


def test_a_colleague_takes_the_place(
    booking: Booking, colleague: Any, notices: list[tuple[int, str]]
) -> None:
    replacement = booking_substitute(
        booking=booking, substitute=colleague, substituted_by=booking.user
    )

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == "Substituted"
    assert replacement.status == BookingStatus.CONFIRMED
    assert (replacement.attendee, replacement.user) == (colleague, colleague.user)
    assert replacement.substituted_from == booking
    assert replacement.booked_by == booking.user
    assert notices == [
        (booking.pk, NotificationKind.BOOKING_CANCELLED),
        (replacement.pk, NotificationKind.BOOKING_CONFIRMED),
    ]
    assert replacement.history.get().history_change_reason == "Took a colleague's place"


def test_substituting_after_the_deadline_costs_nothing(booking: Booking, colleague: Any) -> None:
    """Passing the place on is always free, unlike cancelling late."""
    after_the_deadline = cancellation_deadline(booking.session) + timedelta(minutes=1)
    booking_substitute(
        booking=booking,
        substitute=colleague,
        substituted_by=booking.user,
        now=after_the_deadline,
    )
    assert not Charge.objects.exists()


def test_an_approved_place_stays_approved(booking: Booking, colleague: Any, manager: Any) -> None:
    """On an approval course the colleague takes a place already approved."""
    Booking.objects.filter(pk=booking.pk).update(decided_by=manager.user)
    booking.session.course.requires_manager_approval = True
    booking.session.course.save()
    replacement = booking_substitute(
        booking=booking, substitute=colleague, substituted_by=booking.user
    )
    assert replacement.status == BookingStatus.CONFIRMED
    assert replacement.decided_by == manager.user


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("the person", True),
        ("their line manager", True),
        ("their coordinator", True),
        ("the partnership team", True),
        ("the colleague", False),
        ("another organisation's coordinator", False),
    ],
)
def test_who_may_pass_a_place_on(
    booking: Booking, colleague: Any, manager: Any, agency: Any, who: str, allowed: bool
) -> None:
    user = {
        "the person": booking.user,
        "their line manager": manager.user,
        "their coordinator": MembershipFactory(organisation=agency, coordinator=True).user,
        "the partnership team": UserFactory(partnership_team=True),
        "the colleague": colleague.user,
        "another organisation's coordinator": MembershipFactory(coordinator=True).user,
    }[who]
    if allowed:
        replacement = booking_substitute(booking=booking, substitute=colleague, substituted_by=user)
        assert replacement.booked_by == user
    else:
        with pytest.raises(ValidationError) as refusal:
            booking_substitute(booking=booking, substitute=colleague, substituted_by=user)
        assert refusal.value.messages == ["You cannot pass this place to someone else."]
        assert Booking.objects.count() == 1


def test_the_colleague_must_be_from_the_same_organisation(booking: Booking) -> None:
    outsider = MembershipFactory()
    with pytest.raises(ValidationError) as refusal:
        booking_substitute(booking=booking, substitute=outsider, substituted_by=booking.user)
    assert refusal.value.messages == [
        "Choose a colleague from Lewisham Children's Social Care: a place can only be passed "
        "to someone in the same organisation."
    ]


def test_a_staff_place_cannot_go_to_a_governor_of_the_same_organisation(booking: Booking) -> None:
    """A coordinator passing on a staff place picks staff: governors are not theirs to book."""
    governor = MembershipFactory(organisation=booking.attendee.organisation, governor=True)
    with pytest.raises(ValidationError) as refusal:
        booking_substitute(booking=booking, substitute=governor, substituted_by=booking.user)
    assert refusal.value.messages == [
        "Choose a colleague who is a member of staff at Lewisham Children's Social Care, as the "
        "person booked is."
    ]
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_a_place_cannot_be_passed_to_the_same_person(booking: Booking) -> None:
    with pytest.raises(ValidationError) as refusal:
        booking_substitute(
            booking=booking, substitute=booking.attendee, substituted_by=booking.user
        )
    assert refusal.value.messages == ["Choose a colleague other than the person already booked."]


@pytest.mark.parametrize(
    ("their_booking", "message"),
    [
        (BookingStatus.CONFIRMED, "Alex Okafor already has a place on this session."),
        (BookingStatus.WAITLISTED, "Alex Okafor is already on the waiting list for this session."),
    ],
)
def test_a_colleague_already_booked_cannot_take_a_second_place(
    booking: Booking, colleague: Any, their_booking: BookingStatus, message: str
) -> None:
    BookingFactory(session=booking.session, attendee=colleague, status=their_booking)
    with pytest.raises(ValidationError) as refusal:
        booking_substitute(booking=booking, substitute=colleague, substituted_by=booking.user)
    assert refusal.value.messages == [message]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_colleague_must_be_eligible(booking: Booking, colleague: Any) -> None:
    # The hold is in force whatever day the suite runs: it ends 90 days from the clock's now.
    ends_at = (timezone.now() + timedelta(days=90)).astimezone(LONDON)
    BookingHoldFactory(user=colleague.user, ends_at=ends_at, reason="did not attend 2 sessions")
    CourseAudienceSectorFactory(course=booking.session.course, sector=Sector.POLICE)
    with pytest.raises(ValidationError) as refusal:
        booking_substitute(booking=booking, substitute=colleague, substituted_by=booking.user)
    assert refusal.value.messages == [
        "This course is for police staff.",
        f"Alex Okafor cannot book until {ends_at.day} {ends_at:%B %Y} because they did not attend "
        "2 sessions.",
    ]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (BookingStatus.WAITLISTED, "Only a booked place can be passed to a colleague."),
        (BookingStatus.AWAITING_APPROVAL, "Only a booked place can be passed to a colleague."),
        (BookingStatus.OFFERED, "Only a booked place can be passed to a colleague."),
        (BookingStatus.CANCELLED, "This booking has been cancelled."),
        (BookingStatus.ATTENDED, "Attendance has already been recorded for this booking."),
    ],
)
def test_only_a_booked_place_can_be_passed_on(
    booking: Booking, colleague: Any, status: BookingStatus, message: str
) -> None:
    Booking.objects.filter(pk=booking.pk).update(status=status)
    with pytest.raises(ValidationError) as refusal:
        booking_substitute(booking=booking, substitute=colleague, substituted_by=booking.user)
    assert refusal.value.messages == [message]


def test_a_place_cannot_be_passed_on_once_the_session_has_started(
    booking: Booking, colleague: Any
) -> None:
    with pytest.raises(ValidationError) as refusal:
        booking_substitute(
            booking=booking,
            substitute=colleague,
            substituted_by=booking.user,
            now=booking.session.starts_at,
        )
    assert refusal.value.messages == ["This session has already started."]


def test_someone_in_the_same_sector_but_another_organisation_is_not_a_colleague(
    agency: Any,
) -> None:
    """Organisation, not sector, is what counts: another council's worker cannot take it."""
    booking = BookingFactory(attendee=MembershipFactory(organisation=agency))
    same_sector = MembershipFactory(
        organisation=OrganisationFactory(sector=Sector.CHILDRENS_SOCIAL_CARE)
    )
    with pytest.raises(ValidationError):
        booking_substitute(booking=booking, substitute=same_sector, substituted_by=booking.user)
