"""Cancelling: free before the deadline (in working days, bank holidays skipped), a charged late
cancellation after it; waiting, requests and offers cancel freely; a freed place goes to the
waiting list; the partnership team cancels whole sessions."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory
from training.enums import ACTIVE_STATUSES, BookingStatus, ChargeKind, NotificationKind
from training.models import Booking, Charge, Session
from training.services.booking import booking_cancel, session_cancel
from training.working_days import LONDON

pytestmark = pytest.mark.django_db


def _london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def christmas_session() -> Session:
    """Tuesday 29 December 2026, 3 working days' notice, £60 for cancelling late.

    25 and 28 December are bank holidays, so cancelling is free until the end of Tuesday
    22 December.
    """
    course = CourseFactory(cancellation_deadline_working_days=3, late_cancellation_charge=60)
    return SessionFactory(
        course=course,
        capacity=2,
        parts=[(_london(2026, 12, 29, 9, 30), _london(2026, 12, 29, 16, 30))],
    )


# Ahead of or after the deadline -------------------------------------------------------------------


EARLY = _london(2026, 12, 22, 23, 59)
LATE = _london(2026, 12, 23, 9, 0)


@pytest.mark.parametrize(
    ("status", "when", "result"),
    [
        (BookingStatus.CONFIRMED, EARLY, BookingStatus.CANCELLED),
        (BookingStatus.CONFIRMED, LATE, BookingStatus.LATE_CANCELLED),
        (BookingStatus.AWAITING_APPROVAL, EARLY, BookingStatus.CANCELLED),
        (BookingStatus.AWAITING_APPROVAL, LATE, BookingStatus.CANCELLED),
        (BookingStatus.WAITLISTED, EARLY, BookingStatus.CANCELLED),
        (BookingStatus.WAITLISTED, LATE, BookingStatus.CANCELLED),
        (BookingStatus.OFFERED, EARLY, BookingStatus.CANCELLED),
        (BookingStatus.OFFERED, LATE, BookingStatus.CANCELLED),
        (BookingStatus.CANCELLED, EARLY, "This booking has already been cancelled."),
        (BookingStatus.LATE_CANCELLED, LATE, "This booking has already been cancelled."),
        (BookingStatus.SESSION_CANCELLED, EARLY, "This session has been cancelled."),
        (BookingStatus.DECLINED, EARLY, "This request was declined."),
        (BookingStatus.EXPIRED, EARLY, "This request has expired."),
        (
            BookingStatus.ATTENDED,
            _london(2026, 12, 30, 9),
            "Attendance has already been recorded for this booking.",
        ),
        (
            BookingStatus.NO_SHOW,
            _london(2026, 12, 30, 9),
            "Attendance has already been recorded for this booking.",
        ),
        (
            BookingStatus.PARTIALLY_ATTENDED,
            _london(2026, 12, 30, 9),
            "Attendance has already been recorded for this booking.",
        ),
    ],
)
def test_what_cancelling_does_in_each_state(
    christmas_session: Session, status: BookingStatus, when: datetime, result: str
) -> None:
    """Only a confirmed place costs anything to cancel, and only after the deadline."""
    booking = BookingFactory(session=christmas_session, status=status)
    if result in BookingStatus.values:
        cancelled = booking_cancel(booking=booking, cancelled_by=booking.user, now=when)
        assert cancelled.status == result
        assert (cancelled.cancelled_at, cancelled.cancelled_by) == (when, booking.user)
        return
    with pytest.raises(ValidationError) as refusal:
        booking_cancel(booking=booking, cancelled_by=booking.user, now=when)
    assert refusal.value.messages == [result]
    booking.refresh_from_db()
    assert booking.status == status


def test_a_late_cancellation_charges_the_home_organisation(christmas_session: Session) -> None:
    agency = OrganisationFactory(name="Brockley Health Visiting")
    booking = BookingFactory(
        session=christmas_session, attendee=MembershipFactory(organisation=agency)
    )

    booking_cancel(booking=booking, cancelled_by=booking.user, reason="Court hearing.", now=LATE)

    charge = Charge.objects.get()
    assert (charge.booking, charge.organisation, charge.kind, charge.amount) == (
        booking,
        agency,
        ChargeKind.LATE_CANCELLATION,
        Decimal("60.00"),
    )
    assert booking.cancellation_reason == "Court hearing."


def test_cancelling_in_time_costs_nothing(christmas_session: Session) -> None:
    booking = BookingFactory(session=christmas_session)
    booking_cancel(booking=booking, cancelled_by=booking.user, now=EARLY)
    assert not Charge.objects.exists()


def test_a_late_cancellation_on_a_free_course_creates_no_charge() -> None:
    session = SessionFactory(course=CourseFactory(late_cancellation_charge=0), parts__days_ahead=1)
    booking = BookingFactory(session=session)
    assert booking_cancel(booking=booking, cancelled_by=booking.user).status == (
        BookingStatus.LATE_CANCELLED
    )
    assert not Charge.objects.exists()


def test_a_started_session_cannot_be_cancelled_by_its_attendees(christmas_session: Session) -> None:
    """After the start, not turning up is a matter for the register."""
    booking = BookingFactory(session=christmas_session)
    with pytest.raises(ValidationError) as refusal:
        booking_cancel(booking=booking, cancelled_by=booking.user, now=_london(2026, 12, 29, 9, 30))
    assert refusal.value.messages == [
        "This session has already started, so the booking cannot be cancelled."
    ]


def test_cancelling_is_attributable(christmas_session: Session) -> None:
    booking = BookingFactory(session=christmas_session)
    booking_cancel(booking=booking, cancelled_by=booking.user, now=LATE)
    entry = booking.history.first()
    assert (entry.history_user, entry.history_change_reason) == (booking.user, "Cancelled late")


# Who may cancel ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("canceller", "allowed"),
    [
        ("the person", True),
        ("their coordinator", True),
        ("the partnership team", True),
        ("their line manager", False),
        ("a colleague", False),
        ("another organisation's coordinator", False),
        ("a trainer", False),
    ],
)
def test_who_may_cancel(canceller: str, allowed: bool) -> None:
    agency = OrganisationFactory()
    manager = MembershipFactory(organisation=agency)
    booking = BookingFactory(attendee=MembershipFactory(organisation=agency, line_manager=manager))
    user = {
        "the person": booking.user,
        "their coordinator": MembershipFactory(organisation=agency, coordinator=True).user,
        "the partnership team": UserFactory(partnership_team=True),
        "their line manager": manager.user,
        "a colleague": MembershipFactory(organisation=agency).user,
        "another organisation's coordinator": MembershipFactory(coordinator=True).user,
        "a trainer": UserFactory(trainer=True),
    }[canceller]
    if allowed:
        assert booking_cancel(booking=booking, cancelled_by=user).cancelled_by == user
    else:
        with pytest.raises(ValidationError) as refusal:
            booking_cancel(booking=booking, cancelled_by=user)
        assert refusal.value.messages == ["You cannot cancel this booking."]
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED


# The freed place ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "offers_on"),
    [
        (BookingStatus.CONFIRMED, True),
        (BookingStatus.AWAITING_APPROVAL, True),
        (BookingStatus.OFFERED, True),
        (BookingStatus.WAITLISTED, False),
    ],
)
def test_a_freed_place_is_offered_to_the_waiting_list(
    status: BookingStatus, offers_on: bool, notices: list[tuple[int, str]]
) -> None:
    session = SessionFactory(capacity=1)
    booking = BookingFactory(session=session, status=status)
    if status == BookingStatus.WAITLISTED:
        BookingFactory(session=session)  # the place is somebody else's
    waiting = BookingFactory(
        session=session, waitlisted=True, waitlisted_at=timezone.now() + timedelta(seconds=1)
    )

    booking_cancel(booking=booking, cancelled_by=booking.user)

    waiting.refresh_from_db()
    assert (waiting.status == BookingStatus.OFFERED) is offers_on
    assert notices[0] == (booking.pk, NotificationKind.BOOKING_CANCELLED)


# Cancelling a session ----------------------------------------------------------------------------


@pytest.fixture
def team_member() -> Any:
    return UserFactory(partnership_team=True)


def test_the_partnership_team_cancels_a_session_and_everyone_is_told(
    christmas_session: Session, team_member: Any, notices: list[tuple[int, str]]
) -> None:
    """Every active booking ends, with no charge even after the deadline."""
    christmas_session.capacity = 10
    christmas_session.save()
    active = [BookingFactory(session=christmas_session, status=s) for s in sorted(ACTIVE_STATUSES)]
    gone = BookingFactory(session=christmas_session, cancelled=True)

    count = session_cancel(
        session=christmas_session, cancelled_by=team_member, reason="Trainer unwell.", now=LATE
    )

    assert count == len(active)
    assert christmas_session.status == "cancelled"
    assert christmas_session.sequence == 1
    assert christmas_session.cancellation_reason == "Trainer unwell."
    for booking in active:
        booking.refresh_from_db()
        assert booking.status == BookingStatus.SESSION_CANCELLED
        assert (booking.cancelled_by, booking.cancelled_at) == (team_member, LATE)
        entry = booking.history.first()
        assert (entry.history_user, entry.history_change_reason) == (
            team_member,
            "Session cancelled",
        )
    gone.refresh_from_db()
    assert gone.status == BookingStatus.CANCELLED
    assert not Charge.objects.exists()
    assert sorted(notices) == sorted(
        (booking.pk, NotificationKind.SESSION_CANCELLED) for booking in active
    )


@pytest.mark.parametrize("who", ["coordinator", "trainer", "practitioner"])
def test_only_the_partnership_team_cancels_sessions(christmas_session: Session, who: str) -> None:
    user = {
        "coordinator": MembershipFactory(coordinator=True).user,
        "trainer": UserFactory(trainer=True),
        "practitioner": MembershipFactory().user,
    }[who]
    with pytest.raises(ValidationError) as refusal:
        session_cancel(session=christmas_session, cancelled_by=user, reason="No.", now=EARLY)
    assert refusal.value.messages == ["Only the partnership team can cancel a session."]
    christmas_session.refresh_from_db()
    assert christmas_session.status == "scheduled"


def test_cancelling_a_session_needs_a_reason(christmas_session: Session, team_member: Any) -> None:
    with pytest.raises(ValidationError) as refusal:
        session_cancel(session=christmas_session, cancelled_by=team_member, reason=" ", now=EARLY)
    assert refusal.value.messages == ["Enter a reason for cancelling the session."]


def test_a_session_is_cancelled_once(christmas_session: Session, team_member: Any) -> None:
    session_cancel(session=christmas_session, cancelled_by=team_member, reason="Snow.", now=EARLY)
    with pytest.raises(ValidationError) as refusal:
        session_cancel(
            session=christmas_session, cancelled_by=team_member, reason="Snow.", now=EARLY
        )
    assert refusal.value.messages == ["This session has already been cancelled."]
    assert Session.objects.get(pk=christmas_session.pk).sequence == 1


def test_a_session_that_has_started_cannot_be_cancelled(
    christmas_session: Session, team_member: Any
) -> None:
    with pytest.raises(ValidationError):
        session_cancel(
            session=christmas_session,
            cancelled_by=team_member,
            reason="Snow.",
            now=_london(2026, 12, 29, 10),
        )


def test_bookings_on_a_cancelled_session_can_no_longer_be_cancelled(
    christmas_session: Session, team_member: Any
) -> None:
    booking = BookingFactory(session=christmas_session)
    session_cancel(session=christmas_session, cancelled_by=team_member, reason="Snow.", now=EARLY)
    with pytest.raises(ValidationError) as refusal:
        booking_cancel(booking=booking, cancelled_by=booking.user, now=EARLY)
    assert refusal.value.messages == ["This session has been cancelled."]
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.SESSION_CANCELLED
