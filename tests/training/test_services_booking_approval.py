"""Manager approval: the line manager (or coordinator) approves or declines a request, with a
reason to decline; unanswered requests expire before the session and free their place."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory
from training.enums import BookingStatus, NotificationKind
from training.models import Booking
from training.services.booking import (
    booking_approve,
    booking_decline,
    bookings_expire_unanswered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency() -> Any:
    return OrganisationFactory()


@pytest.fixture
def manager(agency: Any) -> Any:
    return MembershipFactory(organisation=agency)


@pytest.fixture
def request_(agency: Any, manager: Any) -> Booking:
    """Sam's request for the one place on an approval course, waiting for their manager."""
    person = MembershipFactory(organisation=agency, line_manager=manager)
    session = SessionFactory(capacity=1, course=CourseFactory(needs_approval=True))
    return BookingFactory(session=session, attendee=person, awaiting_approval=True)


def _waiting_with_a_manager(request_: Booking) -> Booking:
    """Next on the waiting list, with a line manager to approve them in turn."""
    attendee = MembershipFactory(line_manager=MembershipFactory())
    return BookingFactory(session=request_.session, attendee=attendee, waitlisted=True)


def test_the_line_manager_approves_and_the_place_is_confirmed(
    request_: Booking, manager: Any, notices: list[tuple[int, str]]
) -> None:
    now = timezone.now()
    approved = booking_approve(booking=request_, approved_by=manager.user, now=now)

    assert approved.status == BookingStatus.CONFIRMED
    assert (approved.decided_by, approved.decided_at) == (manager.user, now)
    assert notices == [(request_.pk, NotificationKind.APPROVED)]
    entry = approved.history.first()
    assert (entry.history_user, entry.history_change_reason) == (manager.user, "Approved")


def test_the_object_passed_in_shows_the_result(request_: Booking, manager: Any) -> None:
    booking_approve(booking=request_, approved_by=manager.user)
    assert request_.status == BookingStatus.CONFIRMED


def test_the_line_manager_declines_with_a_reason_and_the_place_is_offered_on(
    request_: Booking, manager: Any, notices: list[tuple[int, str]]
) -> None:
    waiting = _waiting_with_a_manager(request_)
    declined = booking_decline(
        booking=request_, declined_by=manager.user, reason="  Caseload too high this month. "
    )

    assert declined.status == BookingStatus.DECLINED
    assert declined.decision_reason == "Caseload too high this month."
    assert declined.decided_by == manager.user
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.OFFERED
    assert notices == [
        (request_.pk, NotificationKind.DECLINED),
        (waiting.pk, NotificationKind.OFFER),
    ]


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_needs_a_reason(request_: Booking, manager: Any, reason: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        booking_decline(booking=request_, declined_by=manager.user, reason=reason)
    assert refusal.value.messages == ["Enter a reason for declining the request."]
    request_.refresh_from_db()
    assert request_.status == BookingStatus.AWAITING_APPROVAL


@pytest.mark.parametrize(
    ("decider", "allowed"),
    [
        ("line manager", True),
        ("coordinator", True),
        ("partnership team", True),
        ("the person", False),
        ("former line manager", False),
        ("colleague", False),
        ("another organisation's coordinator", False),
        ("trainer", False),
    ],
)
@pytest.mark.parametrize("action", ["approve", "decline"])
def test_who_may_decide(
    request_: Booking, manager: Any, agency: Any, decider: str, allowed: bool, action: str
) -> None:
    """The person's line manager, or whoever manages their membership; nobody else."""
    if decider == "former line manager":
        manager.start_date, manager.end_date = date(2020, 1, 1), date(2021, 1, 1)
        manager.save()
    user = {
        "line manager": manager.user,
        "former line manager": manager.user,
        "coordinator": MembershipFactory(organisation=agency, coordinator=True).user,
        "partnership team": UserFactory(partnership_team=True),
        "the person": request_.user,
        "colleague": MembershipFactory(organisation=agency).user,
        "another organisation's coordinator": MembershipFactory(coordinator=True).user,
        "trainer": UserFactory(trainer=True),
    }[decider]

    def decide() -> Booking:
        if action == "approve":
            return booking_approve(booking=request_, approved_by=user)
        return booking_decline(booking=request_, declined_by=user, reason="Not this term.")

    if allowed:
        assert decide().decided_by == user
    else:
        with pytest.raises(ValidationError):
            decide()
        request_.refresh_from_db()
        assert request_.status == BookingStatus.AWAITING_APPROVAL


@pytest.mark.parametrize(
    ("status", "approve_refusal"),
    [
        (BookingStatus.CONFIRMED, "This request has already been approved."),
        (BookingStatus.DECLINED, "This request was declined."),
        (BookingStatus.EXPIRED, "This request has expired."),
        (BookingStatus.CANCELLED, "This booking has been cancelled."),
        (BookingStatus.WAITLISTED, "This booking is on the waiting list."),
        (BookingStatus.OFFERED, "This place has been offered and not yet accepted."),
        (BookingStatus.SESSION_CANCELLED, "This session has been cancelled."),
        (BookingStatus.ATTENDED, "Attendance has already been recorded for this booking."),
    ],
)
def test_only_a_request_waiting_for_approval_can_be_decided(
    request_: Booking, manager: Any, status: BookingStatus, approve_refusal: str
) -> None:
    Booking.objects.filter(pk=request_.pk).update(status=status)
    with pytest.raises(ValidationError) as refusal:
        booking_approve(booking=request_, approved_by=manager.user)
    assert refusal.value.messages == [approve_refusal]
    with pytest.raises(ValidationError):
        booking_decline(booking=request_, declined_by=manager.user, reason="No.")
    request_.refresh_from_db()
    assert request_.status == status


def test_an_expired_request_cannot_be_approved(request_: Booking, manager: Any) -> None:
    assert request_.approval_expires_at is not None
    with pytest.raises(ValidationError) as refusal:
        booking_approve(
            booking=request_, approved_by=manager.user, now=request_.approval_expires_at
        )
    assert refusal.value.messages == ["This request has expired."]


# Unanswered requests -----------------------------------------------------------------------------


def test_unanswered_requests_expire_and_free_their_place(
    request_: Booking, notices: list[tuple[int, str]]
) -> None:
    waiting = _waiting_with_a_manager(request_)
    assert request_.approval_expires_at is not None
    before = request_.approval_expires_at - timedelta(seconds=1)

    assert bookings_expire_unanswered(now=before) == 0
    assert bookings_expire_unanswered(now=request_.approval_expires_at) == 1

    request_.refresh_from_db()
    waiting.refresh_from_db()
    assert request_.status == BookingStatus.EXPIRED
    assert request_.history.first().history_change_reason == "Not answered in time"
    assert waiting.status == BookingStatus.OFFERED
    assert notices == [
        (request_.pk, NotificationKind.REQUEST_EXPIRED),
        (waiting.pk, NotificationKind.OFFER),
    ]


def test_an_answered_request_does_not_expire(request_: Booking, manager: Any) -> None:
    booking_approve(booking=request_, approved_by=manager.user)
    assert request_.approval_expires_at is not None
    assert bookings_expire_unanswered(now=request_.approval_expires_at + timedelta(days=1)) == 0
    request_.refresh_from_db()
    assert request_.status == BookingStatus.CONFIRMED


def test_the_expiry_sweep_counts_each_request_once(request_: Booking) -> None:
    other = BookingFactory(
        session=SessionFactory(course=request_.session.course), awaiting_approval=True
    )
    assert request_.approval_expires_at is not None
    assert other.approval_expires_at is not None
    later = max(request_.approval_expires_at, other.approval_expires_at) + timedelta(hours=1)
    assert bookings_expire_unanswered(now=later) == 2
    assert bookings_expire_unanswered(now=later) == 0
