"""The waiting list: first come, first served; a freed place is offered for a limited time to the
first person who may take it; offers are accepted, declined or lapse."""

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
from training.models import Booking, BookingRules, Session
from training.services.booking import (
    booking_cancel,
    offer_accept,
    offer_decline,
    offers_expire,
    waiting_list_fill,
    waiting_list_offer_next,
    waiting_lists_offer_free_places,
)

pytestmark = pytest.mark.django_db


def _waiting(session: Session, *, minutes_ago: int, **kwargs: Any) -> Booking:
    return BookingFactory(
        session=session,
        status=BookingStatus.WAITLISTED,
        waitlisted_at=timezone.now() - timedelta(minutes=minutes_ago),
        **kwargs,
    )


@pytest.fixture
def session() -> Session:
    """Three weeks ahead, 2 places, both taken."""
    session = SessionFactory(capacity=2)
    BookingFactory.create_batch(2, session=session)
    return session


def _free_a_place(session: Session) -> None:
    Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).first().delete()


# Offering ----------------------------------------------------------------------------------------


def test_the_first_person_waiting_is_offered_a_freed_place(
    session: Session, notices: list[tuple[int, str]]
) -> None:
    later = _waiting(session, minutes_ago=5)
    first = _waiting(session, minutes_ago=50)
    _free_a_place(session)
    now = timezone.now()

    offered = waiting_list_offer_next(session=session, now=now)

    assert offered == first
    first.refresh_from_db()
    later.refresh_from_db()
    assert first.status == BookingStatus.OFFERED
    assert first.offer_expires_at == now + timedelta(hours=48)
    assert later.status == BookingStatus.WAITLISTED
    assert notices == [(first.pk, NotificationKind.OFFER)]
    assert first.history.first().history_change_reason == "Offered a place from the waiting list"


def test_nothing_is_offered_while_the_session_is_full(session: Session) -> None:
    waiting = _waiting(session, minutes_ago=5)
    assert waiting_list_offer_next(session=session) is None
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.WAITLISTED


def test_an_offered_place_is_not_offered_twice(session: Session) -> None:
    """An offer holds the place, so a second call finds nothing free."""
    _waiting(session, minutes_ago=10)
    _waiting(session, minutes_ago=5)
    _free_a_place(session)
    assert waiting_list_offer_next(session=session) is not None
    assert waiting_list_offer_next(session=session) is None


def test_nothing_is_offered_with_an_empty_waiting_list(session: Session) -> None:
    _free_a_place(session)
    assert waiting_list_offer_next(session=session) is None


def test_nothing_is_offered_for_a_cancelled_or_started_session(session: Session) -> None:
    _waiting(session, minutes_ago=5)
    _free_a_place(session)
    assert waiting_list_offer_next(session=session, now=session.starts_at) is None
    Session.objects.filter(pk=session.pk).update(status="cancelled")
    assert waiting_list_offer_next(session=session) is None


@pytest.mark.parametrize(
    ("days_ahead", "hours"),
    [
        (21, 48),  # the usual time to answer
        (6, 48),
        (5, 12),  # close to the session: the shorter time
        (2, 12),
    ],
)
def test_the_time_to_accept_shortens_near_the_session(days_ahead: int, hours: int) -> None:
    session = SessionFactory(capacity=1, parts__days_ahead=days_ahead)
    waiting = _waiting(session, minutes_ago=5)
    now = session.starts_at - timedelta(days=days_ahead) + timedelta(minutes=1)
    waiting_list_offer_next(session=session, now=now)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at == now + timedelta(hours=hours)


def test_an_offer_never_lasts_beyond_the_start_of_the_session() -> None:
    session = SessionFactory(capacity=1)
    waiting = _waiting(session, minutes_ago=5)
    now = session.starts_at - timedelta(hours=3)
    waiting_list_offer_next(session=session, now=now)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at == session.starts_at


def test_the_times_to_accept_follow_the_booking_rules() -> None:
    rules = BookingRules.load()
    rules.offer_hours, rules.offer_hours_near_session, rules.near_session_days = 24, 6, 10
    rules.save()
    near, far = SessionFactory(capacity=1, parts__days_ahead=9), SessionFactory(capacity=1)
    now = timezone.now()
    for session, hours in ((near, 6), (far, 24)):
        _waiting(session, minutes_ago=1)
        offered = waiting_list_offer_next(session=session, now=now)
        assert offered is not None
        assert offered.offer_expires_at == now + timedelta(hours=hours)


@pytest.mark.parametrize(
    "why",
    ["booking hold", "wrong sector", "membership ended", "no manager to approve"],
)
def test_someone_who_may_not_take_the_place_is_passed_over_and_keeps_waiting(
    why: str,
) -> None:
    course = CourseFactory(requires_manager_approval=why == "no manager to approve")
    session = SessionFactory(capacity=1, course=course)
    blocked_person = MembershipFactory()
    if why == "booking hold":
        BookingHoldFactory(user=blocked_person.user)
    elif why == "wrong sector":
        CourseAudienceSectorFactory(course=course, sector=Sector.POLICE)
    elif why == "membership ended":
        blocked_person.start_date = timezone.localdate() - timedelta(days=400)
        blocked_person.end_date = timezone.localdate() - timedelta(days=1)
        blocked_person.save()
    blocked = _waiting(session, minutes_ago=50, attendee=blocked_person)
    next_person = MembershipFactory(
        organisation=OrganisationFactory(sector=Sector.POLICE),
        line_manager=MembershipFactory(),
    )
    next_in_line = _waiting(session, minutes_ago=5, attendee=next_person)

    assert waiting_list_offer_next(session=session) == next_in_line
    blocked.refresh_from_db()
    assert blocked.status == BookingStatus.WAITLISTED


def test_someone_a_coordinator_booked_needs_no_manager_to_be_offered() -> None:
    """A coordinator's booking was the approval, so the line manager is not needed."""
    session = SessionFactory(capacity=1, course=CourseFactory(needs_approval=True))
    coordinator = MembershipFactory(coordinator=True)
    waiting = _waiting(
        session,
        minutes_ago=5,
        attendee=MembershipFactory(organisation=coordinator.organisation),
        decided_by=coordinator.user,
        decided_at=timezone.now(),
    )
    assert waiting_list_offer_next(session=session) == waiting


def test_the_agency_mix_rule_passes_over_an_agency_at_its_share() -> None:
    agency = OrganisationFactory()
    session = SessionFactory(capacity=3, mix_max_places=1)
    BookingFactory(session=session, attendee=MembershipFactory(organisation=agency))
    BookingFactory(session=session)
    same_agency = _waiting(session, minutes_ago=50, attendee=MembershipFactory(organisation=agency))
    other_agency = _waiting(session, minutes_ago=5)

    assert waiting_list_offer_next(session=session) == other_agency
    same_agency.refresh_from_db()
    assert same_agency.status == BookingStatus.WAITLISTED


def test_released_mix_rule_places_are_offered_by_the_sweep() -> None:
    """Once the mix rule is released, the sweep offers the places it was keeping."""
    agency = OrganisationFactory()
    release = timezone.now() + timedelta(days=2)
    session = SessionFactory(capacity=3, mix_max_places=1, mix_release_at=release)
    BookingFactory(session=session, attendee=MembershipFactory(organisation=agency))
    first = _waiting(session, minutes_ago=50, attendee=MembershipFactory(organisation=agency))
    second = _waiting(session, minutes_ago=5, attendee=MembershipFactory(organisation=agency))

    assert waiting_lists_offer_free_places() == 0
    assert waiting_lists_offer_free_places(now=release) == 2
    assert {b.status for b in Booking.objects.filter(pk__in=[first.pk, second.pk])} == {
        BookingStatus.OFFERED
    }


def test_a_session_that_grows_offers_its_new_places_in_queue_order() -> None:
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    first, second, third = (_waiting(session, minutes_ago=m) for m in (30, 20, 10))
    Session.objects.filter(pk=session.pk).update(capacity=3)

    assert waiting_list_fill(session=session) == [first, second]
    third.refresh_from_db()
    assert third.status == BookingStatus.WAITLISTED


def test_the_sweep_leaves_full_and_past_sessions_alone() -> None:
    full = SessionFactory(capacity=1)
    BookingFactory(session=full)
    _waiting(full, minutes_ago=5)
    past = SessionFactory(capacity=1, parts__days_ahead=-2)
    _waiting(past, minutes_ago=5)
    assert waiting_lists_offer_free_places() == 0


def test_cancelling_a_place_offers_it_on(session: Session) -> None:
    waiting = _waiting(session, minutes_ago=5)
    booking = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).first()
    assert booking is not None
    booking_cancel(booking=booking, cancelled_by=booking.user)
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.OFFERED


# Accepting and declining ------------------------------------------------------------------------


@pytest.fixture
def offer() -> Booking:
    session = SessionFactory(capacity=1)
    return BookingFactory(session=session, offered=True)


def test_accepting_an_offer_confirms_the_place(
    offer: Booking, notices: list[tuple[int, str]]
) -> None:
    accepted = offer_accept(booking=offer, accepted_by=offer.user)
    assert accepted.status == BookingStatus.CONFIRMED
    assert notices == [(offer.pk, NotificationKind.BOOKING_CONFIRMED)]
    assert offer.history.first().history_user == offer.user


def test_an_offer_cannot_be_accepted_after_it_expires(offer: Booking) -> None:
    with pytest.raises(ValidationError) as refusal:
        offer_accept(booking=offer, accepted_by=offer.user, now=offer.offer_expires_at)
    assert refusal.value.messages == ["This offer has expired."]
    offer.refresh_from_db()
    assert offer.status == BookingStatus.OFFERED


@pytest.mark.parametrize(
    ("pre_approved", "accepted_by", "status", "kinds"),
    [
        (
            False,
            "person",
            BookingStatus.AWAITING_APPROVAL,
            [NotificationKind.AWAITING_APPROVAL, NotificationKind.APPROVAL_REQUESTED],
        ),
        (True, "person", BookingStatus.CONFIRMED, [NotificationKind.BOOKING_CONFIRMED]),
        (False, "coordinator", BookingStatus.CONFIRMED, [NotificationKind.BOOKING_CONFIRMED]),
    ],
)
def test_on_an_approval_course_the_manager_is_asked_when_the_offer_is_accepted(
    notices: list[tuple[int, str]],
    pre_approved: bool,
    accepted_by: str,
    status: BookingStatus,
    kinds: list[str],
) -> None:
    """Waiting is free; approval is asked for once there is a place, unless a coordinator
    booked it (or accepts it) for the person."""
    agency = OrganisationFactory()
    coordinator = MembershipFactory(organisation=agency, coordinator=True)
    person = MembershipFactory(
        organisation=agency, line_manager=MembershipFactory(organisation=agency)
    )
    session = SessionFactory(capacity=1, course=CourseFactory(needs_approval=True))
    offer = BookingFactory(
        session=session,
        attendee=person,
        offered=True,
        decided_by=coordinator.user if pre_approved else None,
    )
    actor = person.user if accepted_by == "person" else coordinator.user

    accepted = offer_accept(booking=offer, accepted_by=actor)

    assert accepted.status == status
    assert [kind for _, kind in notices] == kinds
    if status == BookingStatus.AWAITING_APPROVAL:
        assert accepted.approval_expires_at == session.starts_at - timedelta(hours=48)


def test_an_offer_needing_approval_with_no_manager_is_refused() -> None:
    session = SessionFactory(capacity=1, course=CourseFactory(needs_approval=True))
    offer = BookingFactory(session=session, offered=True)
    with pytest.raises(ValidationError) as refusal:
        offer_accept(booking=offer, accepted_by=offer.user)
    assert refusal.value.messages == [
        "You need a line manager on your record to book this course. Ask your training coordinator."
    ]


def test_declining_an_offer_passes_it_to_the_next_person(offer: Booking) -> None:
    next_in_line = _waiting(offer.session, minutes_ago=5)
    declined = offer_decline(booking=offer, declined_by=offer.user)

    assert declined.status == BookingStatus.CANCELLED
    assert declined.cancellation_reason == "Offer declined"
    next_in_line.refresh_from_db()
    assert next_in_line.status == BookingStatus.OFFERED


@pytest.mark.parametrize("action", ["accept", "decline"])
@pytest.mark.parametrize(
    ("status", "allowed"),
    [(status, status == BookingStatus.OFFERED) for status in BookingStatus],
)
def test_only_an_offer_can_be_accepted_or_declined(
    action: str, status: BookingStatus, allowed: bool
) -> None:
    booking = BookingFactory(status=status, offer_expires_at=timezone.now() + timedelta(hours=4))
    service = offer_accept if action == "accept" else offer_decline
    actor_kwarg = "accepted_by" if action == "accept" else "declined_by"
    if allowed:
        service(booking=booking, **{actor_kwarg: booking.user})
        return
    with pytest.raises(ValidationError):
        service(booking=booking, **{actor_kwarg: booking.user})
    booking.refresh_from_db()
    assert booking.status == status


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("person", True), ("coordinator", True), ("colleague", False), ("stranger", False)],
)
def test_who_may_answer_an_offer(offer: Booking, actor: str, allowed: bool) -> None:
    coordinator = MembershipFactory(organisation=offer.attendee.organisation, coordinator=True)
    user = {
        "person": offer.user,
        "coordinator": coordinator.user,
        "colleague": MembershipFactory(organisation=offer.attendee.organisation).user,
        "stranger": UserFactory(),
    }[actor]
    if allowed:
        assert offer_accept(booking=offer, accepted_by=user).status == BookingStatus.CONFIRMED
    else:
        with pytest.raises(ValidationError):
            offer_accept(booking=offer, accepted_by=user)


# Offers that lapse -------------------------------------------------------------------------------


def test_an_offer_not_accepted_in_time_passes_to_the_next_person(
    offer: Booking, notices: list[tuple[int, str]]
) -> None:
    next_in_line = _waiting(offer.session, minutes_ago=5)
    assert offer.offer_expires_at is not None
    assert offers_expire(now=offer.offer_expires_at - timedelta(seconds=1)) == 0

    assert offers_expire(now=offer.offer_expires_at) == 1

    offer.refresh_from_db()
    next_in_line.refresh_from_db()
    assert offer.status == BookingStatus.CANCELLED
    assert offer.cancellation_reason == "Offer not accepted in time"
    assert offer.history.first().history_user is None
    assert next_in_line.status == BookingStatus.OFFERED
    assert notices == [
        (offer.pk, NotificationKind.BOOKING_CANCELLED),
        (next_in_line.pk, NotificationKind.OFFER),
    ]


def test_the_sweep_expires_each_offer_once(offer: Booking) -> None:
    assert offer.offer_expires_at is not None
    later = offer.offer_expires_at + timedelta(hours=1)
    assert offers_expire(now=later) == 1
    assert offers_expire(now=later) == 0
