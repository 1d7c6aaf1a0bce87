"""Booking a place: confirmed, awaiting approval or on the waiting list; who may book whom; one
booking per person; the agency-mix rule."""

from __future__ import annotations

from datetime import datetime, timedelta
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
    CourseFactory,
    SessionFactory,
)
from training.enums import ACTIVE_STATUSES, BookingStatus, MixScope, NotificationKind
from training.models import Booking, BookingRules
from training.services import booking as booking_service
from training.services.booking import booking_create
from training.working_days import LONDON

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency() -> Any:
    return OrganisationFactory(name="Lewisham Children's Social Care")


@pytest.fixture
def manager(agency: Any) -> Any:
    return MembershipFactory(organisation=agency, user=UserFactory(first_name="Morgan"))


@pytest.fixture
def person(agency: Any, manager: Any) -> Any:
    """A social worker with a line manager."""
    return MembershipFactory(
        organisation=agency,
        line_manager=manager,
        user=UserFactory(first_name="Sam", last_name="Patel"),
    )


@pytest.fixture
def coordinator(agency: Any) -> Any:
    return MembershipFactory(organisation=agency, coordinator=True)


def _fill(session: Any, places: int) -> None:
    for _ in range(places):
        BookingFactory(session=session)


# Outcomes --------------------------------------------------------------------------------------


def test_a_free_place_is_confirmed(person: Any, notices: list[tuple[int, str]]) -> None:
    session = SessionFactory(capacity=2)
    booking = booking_create(session=session, attendee=person, booked_by=person.user)

    assert booking.status == BookingStatus.CONFIRMED
    assert (booking.user, booking.booked_by, booking.attendee) == (person.user, person.user, person)
    assert notices == [(booking.pk, NotificationKind.BOOKING_CONFIRMED)]


def test_a_full_session_puts_the_person_on_the_waiting_list(
    person: Any, notices: list[tuple[int, str]]
) -> None:
    session = SessionFactory(capacity=2)
    _fill(session, 2)
    now = timezone.now()
    booking = booking_create(session=session, attendee=person, booked_by=person.user, now=now)

    assert booking.status == BookingStatus.WAITLISTED
    assert booking.waitlisted_at == now
    assert notices == [(booking.pk, NotificationKind.WAITLISTED)]


@pytest.mark.parametrize(
    ("requires_approval", "full", "booked_by", "status"),
    [
        (False, False, "self", BookingStatus.CONFIRMED),
        (False, False, "coordinator", BookingStatus.CONFIRMED),
        (False, True, "self", BookingStatus.WAITLISTED),
        (True, False, "self", BookingStatus.AWAITING_APPROVAL),
        (True, False, "coordinator", BookingStatus.CONFIRMED),
        (True, True, "self", BookingStatus.WAITLISTED),
        (True, True, "coordinator", BookingStatus.WAITLISTED),
    ],
)
def test_what_a_booking_becomes(
    person: Any,
    coordinator: Any,
    requires_approval: bool,
    full: bool,
    booked_by: str,
    status: BookingStatus,
) -> None:
    """Approval is asked for only when there is a place, and only when the person books
    themselves: a coordinator's booking is the approval."""
    session = SessionFactory(
        capacity=1, course=CourseFactory(requires_manager_approval=requires_approval)
    )
    if full:
        _fill(session, 1)
    actor = person.user if booked_by == "self" else coordinator.user
    assert booking_create(session=session, attendee=person, booked_by=actor).status == status


def test_a_request_for_approval_holds_the_place_and_asks_the_manager(
    person: Any, notices: list[tuple[int, str]]
) -> None:
    session = SessionFactory(capacity=1, course=CourseFactory(needs_approval=True))
    booking = booking_create(session=session, attendee=person, booked_by=person.user)

    assert booking.status == BookingStatus.AWAITING_APPROVAL
    assert booking.approval_expires_at == session.starts_at - timedelta(hours=48)
    assert booking.decided_by is None
    assert notices == [
        (booking.pk, NotificationKind.AWAITING_APPROVAL),
        (booking.pk, NotificationKind.APPROVAL_REQUESTED),
    ]
    other = MembershipFactory(line_manager=MembershipFactory())
    assert booking_create(session=session, attendee=other, booked_by=other.user).status == (
        BookingStatus.WAITLISTED
    )


def test_the_approval_deadline_follows_the_booking_rules(person: Any) -> None:
    rules = BookingRules.load()
    rules.approval_expires_hours_before = 72
    rules.save()
    session = SessionFactory(course=CourseFactory(needs_approval=True))
    booking = booking_create(session=session, attendee=person, booked_by=person.user)
    assert booking.approval_expires_at == session.starts_at - timedelta(hours=72)


def test_asked_late_the_manager_has_until_the_session_starts(person: Any) -> None:
    session = SessionFactory(course=CourseFactory(needs_approval=True), parts__days_ahead=1)
    booking = booking_create(session=session, attendee=person, booked_by=person.user)
    assert booking.approval_expires_at == session.starts_at


def test_a_coordinators_booking_records_them_as_approving(person: Any, coordinator: Any) -> None:
    session = SessionFactory(course=CourseFactory(needs_approval=True))
    now = timezone.now()
    booking = booking_create(session=session, attendee=person, booked_by=coordinator.user, now=now)
    assert (booking.status, booking.decided_by, booking.decided_at) == (
        BookingStatus.CONFIRMED,
        coordinator.user,
        now,
    )


def test_without_a_line_manager_an_approval_course_is_refused(agency: Any) -> None:
    loner = MembershipFactory(organisation=agency)
    session = SessionFactory(course=CourseFactory(needs_approval=True))
    with pytest.raises(ValidationError) as refusal:
        booking_create(session=session, attendee=loner, booked_by=loner.user)
    assert refusal.value.messages == [
        "You need a line manager on your record to book this course. Ask your training coordinator."
    ]
    assert not Booking.objects.exists()


def test_a_coordinator_cannot_approve_their_own_booking(agency: Any) -> None:
    coordinator = MembershipFactory(organisation=agency, coordinator=True)
    session = SessionFactory(course=CourseFactory(needs_approval=True))
    with pytest.raises(ValidationError):
        booking_create(session=session, attendee=coordinator, booked_by=coordinator.user)


# Who may book whom -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("booker", "allowed"),
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
def test_who_may_book_for_someone(
    person: Any, manager: Any, coordinator: Any, booker: str, allowed: bool
) -> None:
    """People book for themselves; coordinators for their own organisation's staff."""
    actor = {
        "the person": person.user,
        "their coordinator": coordinator.user,
        "the partnership team": UserFactory(partnership_team=True),
        "their line manager": manager.user,
        "a colleague": MembershipFactory(organisation=person.organisation).user,
        "another organisation's coordinator": MembershipFactory(coordinator=True).user,
        "a trainer": UserFactory(trainer=True),
    }[booker]
    session = SessionFactory()
    if allowed:
        booking = booking_create(session=session, attendee=person, booked_by=actor)
        assert booking.booked_by == actor
    else:
        with pytest.raises(ValidationError) as refusal:
            booking_create(session=session, attendee=person, booked_by=actor)
        assert refusal.value.messages == ["You cannot book a place for this person."]
        assert not Booking.objects.exists()


def test_a_switched_off_account_cannot_book(person: Any) -> None:
    person.user.is_active = False
    person.user.save()
    with pytest.raises(ValidationError):
        booking_create(session=SessionFactory(), attendee=person, booked_by=person.user)


# Eligibility -----------------------------------------------------------------------------------


def test_an_ineligible_person_is_told_why_and_nothing_is_booked(person: Any) -> None:
    BookingHoldFactory(user=person.user, reason="did not attend 2 sessions")
    course = CourseFactory()
    course.prerequisites.add(CourseFactory(title="Level 1 e-learning"))
    with pytest.raises(ValidationError) as refusal:
        booking_create(
            session=SessionFactory(course=course), attendee=person, booked_by=person.user
        )
    assert refusal.value.messages[0] == "You need to complete Level 1 e-learning first."
    assert refusal.value.messages[1].startswith("You cannot book until ")
    assert not Booking.objects.exists()


def test_a_cancelled_session_cannot_be_booked(person: Any) -> None:
    session = SessionFactory(status="cancelled")
    with pytest.raises(ValidationError) as refusal:
        booking_create(session=session, attendee=person, booked_by=person.user)
    assert refusal.value.messages == ["This session has been cancelled."]


def test_a_session_cancelled_while_checking_is_refused(person: Any) -> None:
    """The session is read again once locked, so a cancellation in between is seen."""
    session = SessionFactory()
    type(session).objects.filter(pk=session.pk).update(status="cancelled")
    with pytest.raises(ValidationError) as refusal:
        booking_create(session=session, attendee=person, booked_by=person.user)
    assert refusal.value.messages == ["This session has been cancelled."]


# One booking per person ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "message"),
    [
        (BookingStatus.CONFIRMED, "You already have a place on this session."),
        (BookingStatus.WAITLISTED, "You are already on the waiting list for this session."),
        (
            BookingStatus.AWAITING_APPROVAL,
            "You have already asked for a place on this session. "
            "Your manager has not answered yet.",
        ),
        (BookingStatus.OFFERED, "You have already been offered a place on this session."),
        (BookingStatus.ATTENDED, "You already have a place on this session."),
    ],
)
def test_a_second_booking_for_the_same_session_is_refused(
    person: Any, existing: BookingStatus, message: str
) -> None:
    session = SessionFactory()
    BookingFactory(session=session, attendee=person, status=existing)
    with pytest.raises(ValidationError) as refusal:
        booking_create(session=session, attendee=person, booked_by=person.user)
    assert refusal.value.messages == [message]
    assert Booking.objects.count() == 1


def test_a_coordinator_is_told_the_person_is_already_booked(person: Any, coordinator: Any) -> None:
    session = SessionFactory()
    BookingFactory(session=session, attendee=person, status=BookingStatus.WAITLISTED)
    with pytest.raises(ValidationError) as refusal:
        booking_create(session=session, attendee=person, booked_by=coordinator.user)
    assert refusal.value.messages == ["Sam Patel is already on the waiting list for this session."]


def test_one_booking_per_person_counts_every_membership(person: Any) -> None:
    """A health visitor who is also a governor still gets one place."""
    governor = MembershipFactory(
        user=person.user, governor=True, organisation=OrganisationFactory(school=True)
    )
    session = SessionFactory()
    booking_create(session=session, attendee=person, booked_by=person.user)
    with pytest.raises(ValidationError):
        booking_create(session=session, attendee=governor, booked_by=person.user)


@pytest.mark.parametrize(
    "ended",
    [s for s in BookingStatus if s not in ACTIVE_STATUSES],
)
def test_after_a_booking_ends_the_person_may_book_again(person: Any, ended: BookingStatus) -> None:
    session = SessionFactory()
    BookingFactory(session=session, attendee=person, status=ended)
    booking = booking_create(session=session, attendee=person, booked_by=person.user)
    assert booking.status == BookingStatus.CONFIRMED


def test_the_database_constraint_gives_the_same_sentence(
    person: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the check is ever bypassed, the one-active-booking constraint still refuses, in
    words, and the transaction is left usable."""
    session = SessionFactory()
    BookingFactory(session=session, attendee=person, waitlisted=True)
    check = booking_service._refuse_if_already_booked
    calls: list[None] = []

    def miss_it_once(**kwargs: Any) -> None:
        """As if the other booking were inserted just after the check."""
        calls.append(None)
        if len(calls) > 1:
            check(**kwargs)

    monkeypatch.setattr(booking_service, "_refuse_if_already_booked", miss_it_once)
    with pytest.raises(ValidationError) as refusal:
        booking_create(session=session, attendee=person, booked_by=person.user)
    assert refusal.value.messages == ["You are already on the waiting list for this session."]
    assert Booking.objects.count() == 1


# The agency-mix rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "max_places", "max_percent", "same_group", "released", "status"),
    [
        # No rule: first come, first served.
        (MixScope.ORGANISATION, None, None, 9, False, BookingStatus.CONFIRMED),
        # At most 3 places for one organisation.
        (MixScope.ORGANISATION, 3, None, 2, False, BookingStatus.CONFIRMED),
        (MixScope.ORGANISATION, 3, None, 3, False, BookingStatus.WAITLISTED),
        # 25 % of 10 places is 2 (rounded down).
        (MixScope.ORGANISATION, None, 25, 1, False, BookingStatus.CONFIRMED),
        (MixScope.ORGANISATION, None, 25, 2, False, BookingStatus.WAITLISTED),
        # Both: the tighter wins.
        (MixScope.ORGANISATION, 5, 25, 2, False, BookingStatus.WAITLISTED),
        # After the release time any free place goes to whoever books.
        (MixScope.ORGANISATION, 3, None, 3, True, BookingStatus.CONFIRMED),
        # By sector: other organisations in the same sector count.
        (MixScope.SECTOR, 3, None, 3, False, BookingStatus.WAITLISTED),
        (MixScope.SECTOR, 3, None, 2, False, BookingStatus.CONFIRMED),
    ],
)
def test_the_agency_mix_rule(
    person: Any,
    scope: MixScope,
    max_places: int | None,
    max_percent: int | None,
    same_group: int,
    released: bool,
    status: BookingStatus,
) -> None:
    """No organisation (or sector) takes more than its share of places until the release
    time; someone over the share waits even though places are free."""
    now = timezone.now()
    session = SessionFactory(
        capacity=10,
        mix_scope=scope,
        mix_max_places=max_places,
        mix_max_percent=max_percent,
        mix_release_at=now - timedelta(hours=1) if released else now + timedelta(days=3),
    )
    for _ in range(same_group):
        # By organisation, colleagues; by sector, other councils' social workers.
        organisation = (
            person.organisation
            if scope == MixScope.ORGANISATION
            else OrganisationFactory(sector=Sector.CHILDRENS_SOCIAL_CARE)
        )
        BookingFactory(session=session, attendee=MembershipFactory(organisation=organisation))
    booking = booking_create(session=session, attendee=person, booked_by=person.user, now=now)
    assert booking.status == status


def test_the_mix_rule_leaves_other_agencies_free_to_book(person: Any) -> None:
    session = SessionFactory(capacity=10, mix_max_places=1)
    BookingFactory(session=session, attendee=MembershipFactory(organisation=person.organisation))
    police = MembershipFactory(organisation=OrganisationFactory(sector=Sector.POLICE))
    assert booking_create(session=session, attendee=police, booked_by=police.user).status == (
        BookingStatus.CONFIRMED
    )
    assert booking_create(session=session, attendee=person, booked_by=person.user).status == (
        BookingStatus.WAITLISTED
    )


def test_places_awaiting_approval_or_offered_count_towards_the_share(person: Any) -> None:
    session = SessionFactory(capacity=10, mix_max_places=2)
    for status in (BookingStatus.AWAITING_APPROVAL, BookingStatus.OFFERED):
        BookingFactory(
            session=session,
            attendee=MembershipFactory(organisation=person.organisation),
            status=status,
        )
    booking = booking_create(session=session, attendee=person, booked_by=person.user)
    assert booking.status == BookingStatus.WAITLISTED


# Attributable ------------------------------------------------------------------------------------


def test_every_booking_records_who_made_it(person: Any, coordinator: Any) -> None:
    booking = booking_create(session=SessionFactory(), attendee=person, booked_by=coordinator.user)
    entry = booking.history.get()
    assert entry.history_user == coordinator.user
    assert entry.history_change_reason == "Booked"
    assert entry.status == BookingStatus.CONFIRMED


def test_the_waiting_list_is_attributable_too(person: Any) -> None:
    session = SessionFactory(capacity=1)
    _fill(session, 1)
    booking = booking_create(session=session, attendee=person, booked_by=person.user)
    assert booking.history.get().history_change_reason == "Joined the waiting list"


def test_a_session_in_the_past_cannot_be_booked(person: Any) -> None:
    session = SessionFactory(
        parts=[
            (
                datetime(2026, 1, 6, 9, 30, tzinfo=LONDON),
                datetime(2026, 1, 6, 16, 30, tzinfo=LONDON),
            )
        ]
    )
    with pytest.raises(ValidationError) as refusal:
        booking_create(
            session=session,
            attendee=person,
            booked_by=person.user,
            now=datetime(2026, 2, 1, 9, tzinfo=LONDON),
        )
    assert refusal.value.messages == ["This session has already taken place."]
