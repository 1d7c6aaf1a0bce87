"""Places are never over-allocated, however many people press "Book a place" at once.

Real threads on PostgreSQL, each with its own database connection, released together by a
barrier, so they really contend for the session row's lock.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from organisations.models import Membership
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, SessionFactory
from training.enums import PLACE_HOLDING_STATUSES, BookingStatus
from training.models import Booking, BookingRules, Session
from training.services.booking import booking_cancel, booking_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 200
PLACES = 20
# The burst is repeated: a race that loses once in a while must not pass by luck.
ROUNDS = 3
# Connections left for the test's own connection and anything else using the server.
HEADROOM = 10


def _free_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity"
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def _all_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, all released at the same moment. Returns each call's
    result, or the exception it raised.

    PostgreSQL refuses connections beyond `max_connections` (100 by default), so when the
    server has fewer free than there are threads, a semaphore lets only that many threads hold
    a connection at a time; they still all start together and queue on the same lock.
    """
    start = threading.Barrier(len(calls))
    seats = threading.BoundedSemaphore(max(2, min(len(calls), _free_connections() - HEADROOM)))
    outcomes: list[Any] = []
    record = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        outcome: Any
        try:
            start.wait()
            with seats:
                try:
                    outcome = call()
                finally:
                    connection.close()
        except BaseException as error:  # reported by the main thread
            outcome = error
        with record:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _booking_of(person: Membership, session: Session) -> Callable[[], Any]:
    """The person pressing "Book a place" themselves."""
    return lambda: booking_create(session=session, attendee=person, booked_by=person.user)


def _cancellation_of(booking: Booking) -> Callable[[], Any]:
    return lambda: booking_cancel(booking=booking, cancelled_by=booking.user)


@pytest.fixture
def people() -> list[Membership]:
    """200 eligible practitioners from 10 organisations."""
    organisations = OrganisationFactory.create_batch(10)
    BookingRules.load()  # the settings row exists before the threads read it
    return [
        MembershipFactory(organisation=organisations[n % len(organisations)]) for n in range(PEOPLE)
    ]


def _statuses(session: Session) -> Counter[str]:
    return Counter(Booking.objects.filter(session=session).values_list("status", flat=True))


def test_two_hundred_people_booking_twenty_places_at_once(people: list[Membership]) -> None:
    """Exactly 20 are confirmed and 180 wait, every time."""
    for _ in range(ROUNDS):
        session = SessionFactory(capacity=PLACES)

        outcomes = _all_at_once([_booking_of(person, session) for person in people])

        errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        assert errors == []
        assert Counter(booking.status for booking in outcomes) == {
            BookingStatus.CONFIRMED: PLACES,
            BookingStatus.WAITLISTED: PEOPLE - PLACES,
        }
        assert _statuses(session) == {
            BookingStatus.CONFIRMED: PLACES,
            BookingStatus.WAITLISTED: PEOPLE - PLACES,
        }


@pytest.mark.parametrize("full", [False, True])
def test_double_submits_give_one_booking(people: list[Membership], full: bool) -> None:
    """Ten submits of the same person's booking at once give one booking (a place, or a place
    on the waiting list) and nine refusals in words."""
    person = people[0]
    session = SessionFactory(capacity=1)
    if full:
        BookingFactory(session=session, attendee=people[1])

    outcomes = _all_at_once([_booking_of(person, session) for _ in range(10)])

    bookings = [outcome for outcome in outcomes if isinstance(outcome, Booking)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(bookings) == 1
    assert len(refusals) == 9
    expected = (
        "You are already on the waiting list for this session."
        if full
        else "You already have a place on this session."
    )
    assert {refusal.messages[0] for refusal in refusals} == {expected}
    assert Booking.objects.filter(session=session, user=person.user).count() == 1


def test_cancellations_and_bookings_at_once_never_over_allocate(
    people: list[Membership],
) -> None:
    """With places freeing up and being taken at the same moment, the places held (booked or
    offered) never exceed the capacity, and every freed place is offered on."""
    session = SessionFactory(capacity=PLACES)
    booked = [BookingFactory(session=session, attendee=person) for person in people[:PLACES]]
    for person in people[PLACES : PLACES + 30]:
        BookingFactory(session=session, attendee=person, waitlisted=True)
    newcomers = people[PLACES + 30 : PLACES + 80]

    calls = [_cancellation_of(booking) for booking in booked[:10]]
    calls += [_booking_of(person, session) for person in newcomers]
    outcomes = _all_at_once(calls)

    assert [outcome for outcome in outcomes if isinstance(outcome, BaseException)] == []
    held = Booking.objects.filter(session=session, status__in=PLACE_HOLDING_STATUSES).count()
    assert held == PLACES
    statuses = _statuses(session)
    assert statuses[BookingStatus.CANCELLED] == 10
    assert statuses[BookingStatus.OFFERED] == 10
    assert statuses[BookingStatus.WAITLISTED] == 30 - 10 + len(newcomers)
