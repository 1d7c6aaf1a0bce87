"""A session's page and booking from it: the action each person sees, booking, cancelling,
waiting-list offers, booking for staff, substitution and calendar files."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organisations.enums import Sector
from organisations.models import Membership, Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.accounts.html import page_title, parse
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, SessionFactory
from training.enums import BookingStatus, SessionStatus
from training.models import Booking, BookingHold, Charge, CourseAudienceSector, Session
from training.templatetags.session_dates import british_date

pytestmark = pytest.mark.django_db

BUTTON = re.compile(
    r"<(?:button|a)[^>]*class=\"govuk-button[^\"]*\"[^>]*>(.*?)</(?:button|a)>", re.S
)


def buttons(response: Any) -> list[str]:
    """The text of every GOV.UK button on the page, links styled as buttons included."""
    return [
        re.sub(r"<[^>]+>", "", text).strip() for text in BUTTON.findall(response.content.decode())
    ]


def message_texts(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@dataclass
class World:
    """A council with a practitioner (who has a line manager) and a coordinator, and a police
    force with a constable: two organisations, so ids of the other's bookings can be tried."""

    council: Organisation
    practitioner: Membership
    manager: Membership
    coordinator: Membership
    police: Organisation
    constable: Membership


@pytest.fixture
def world(db: None) -> World:
    council = OrganisationFactory(
        name="Lewisham Children's Social Care", sector=Sector.CHILDRENS_SOCIAL_CARE
    )
    manager = MembershipFactory(organisation=council, user__first_name="Morgan")
    practitioner = MembershipFactory(
        organisation=council,
        line_manager=manager,
        user=UserFactory(first_name="Pat", last_name="Okafor", email="pat@lewisham.example"),
    )
    coordinator = MembershipFactory(organisation=council, coordinator=True)
    police = OrganisationFactory(name="Met Police South East", sector=Sector.POLICE)
    constable = MembershipFactory(organisation=police, user__first_name="Connie")
    return World(council, practitioner, manager, coordinator, police, constable)


def sign_in(client: Client, user: User, *, privileged: bool = False) -> User:
    if privileged:
        enrol_totp(user)
    client.force_login(user)
    return user


def session_url(session: Session, name: str = "session") -> str:
    return reverse(f"training:{name}", kwargs={"pk": session.pk})


def booking_url(booking: Booking, name: str) -> str:
    return reverse(f"training:{name}", kwargs={"pk": booking.pk})


# What the session page offers ------------------------------------------------------------------


def _nothing(session: Session, world: World) -> None:
    return None


def _full(session: Session, world: World) -> None:
    BookingFactory.create_batch(session.capacity, session=session)


def _booked(status: BookingStatus) -> Callable[[Session, World], None]:
    def make(session: Session, world: World) -> None:
        extra: dict[str, Any] = {}
        if status == BookingStatus.WAITLISTED:
            extra["waitlisted_at"] = timezone.now()
        if status == BookingStatus.OFFERED:
            extra["offer_expires_at"] = timezone.now() + timedelta(hours=48)
        BookingFactory(session=session, attendee=world.practitioner, status=status, **extra)

    return make


def _wrong_sector(session: Session, world: World) -> None:
    CourseAudienceSector.objects.create(course=session.course, sector=Sector.SCHOOL)


def _on_hold(session: Session, world: World) -> None:
    now = timezone.now()
    BookingHold.objects.create(
        user=world.practitioner.user,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=60),
        reason="did not attend 2 sessions in 12 months",
    )


def _session_cancelled(session: Session, world: World) -> None:
    session.status = SessionStatus.CANCELLED
    session.cancellation_reason = "The trainer is ill."
    session.save()


def _booking_closed(session: Session, world: World) -> None:
    session.booking_closes_at = timezone.now() - timedelta(hours=1)
    session.save()


def _no_membership(session: Session, world: World) -> None:
    world.practitioner.end_date = timezone.localdate() - timedelta(days=1)
    world.practitioner.start_date = world.practitioner.end_date - timedelta(days=100)
    world.practitioner.save()


@pytest.mark.parametrize(
    ("state", "expected_buttons", "expected_text"),
    [
        (_nothing, ["Book a place"], "20 of 20 left"),
        (_full, ["Join the waiting list"], "This session is full."),
        (
            _booked(BookingStatus.CONFIRMED),
            ["Add to calendar", "Cancel booking"],
            "You have a place",
        ),
        (
            _booked(BookingStatus.AWAITING_APPROVAL),
            ["Cancel booking"],
            "waiting for your line manager",
        ),
        (
            _booked(BookingStatus.WAITLISTED),
            ["Leave the waiting list"],
            "You are on the waiting list",
        ),
        (
            _booked(BookingStatus.OFFERED),
            ["Accept the place", "Decline the place"],
            "A place has become free",
        ),
        (_booked(BookingStatus.CANCELLED), ["Book a place"], "20 of 20 left"),
        (_wrong_sector, [], "This course is for school staff."),
        (_on_hold, [], "because you did not attend 2 sessions in 12 months."),
        (_session_cancelled, [], "This session has been cancelled. The trainer is ill."),
        (_booking_closed, [], "Booking closed on"),
        (_no_membership, [], "you need to belong to an organisation"),
    ],
    ids=[
        "nothing",
        "full",
        "confirmed",
        "awaiting-approval",
        "waitlisted",
        "offered",
        "cancelled-before",
        "wrong-sector",
        "on-hold",
        "session-cancelled",
        "booking-closed",
        "no-membership",
    ],
)
def test_session_page_offers_the_action_for_the_viewers_state(
    client: Client,
    world: World,
    state: Callable[[Session, World], None],
    expected_buttons: list[str],
    expected_text: str,
) -> None:
    """One primary action for the person's state, or the reasons they cannot book instead."""
    session = SessionFactory()
    state(session, world)
    sign_in(client, world.practitioner.user)

    response = client.get(session_url(session))

    assert response.status_code == 200
    assert buttons(response) == expected_buttons
    assert expected_text in response.content.decode().replace("&#x27;", "'")


def test_session_page_hides_joining_details_until_shortly_before(
    client: Client, world: World
) -> None:
    """The room and the joining link are for booked people, and only in the last days."""
    far, near = (
        SessionFactory(
            parts__days_ahead=days,
            venue="Laurence House\nRoom 4, second floor",
            joining_details="Ask for the safeguarding team at reception.",
        )
        for days in (21, 3)
    )
    for session in (far, near):
        BookingFactory(session=session, attendee=world.practitioner)
    stranger = SessionFactory(parts__days_ahead=3, venue="Laurence House\nRoom 4, second floor")
    sign_in(client, world.practitioner.user)

    far_page = client.get(session_url(far)).content.decode()
    near_page = client.get(session_url(near)).content.decode()
    stranger_page = client.get(session_url(stranger)).content.decode()

    assert "We will send the joining details 5 days before." in far_page
    assert "Room 4" not in far_page
    assert "Room 4, second floor" in near_page
    assert "Ask for the safeguarding team at reception." in near_page
    assert "Room 4" not in stranger_page
    assert "Laurence House" in stranger_page


def test_session_page_shows_dates_in_british_style(client: Client, world: World) -> None:
    start = timezone.make_aware(timezone.datetime(2027, 12, 7, 9, 30))
    session = SessionFactory(
        parts=[
            (start, start.replace(hour=16, minute=30)),
            (start + timedelta(days=1), (start + timedelta(days=1)).replace(hour=12, minute=0)),
        ]
    )
    sign_in(client, world.practitioner.user)
    content = client.get(session_url(session)).content.decode()
    assert "Tuesday 7 December 2027, 9:30am to 4:30pm" in content
    assert "Wednesday 8 December 2027, 9:30am to midday" in content


def test_unpublished_or_missing_session_is_not_found(client: Client, world: World) -> None:
    session = SessionFactory(course__is_published=False)
    sign_in(client, world.practitioner.user)
    assert client.get(session_url(session)).status_code == 404
    assert client.get(reverse("training:session", kwargs={"pk": 999999})).status_code == 404


# Booking a place ---------------------------------------------------------------------------------


def test_booking_a_place_confirms_it(client: Client, world: World) -> None:
    session = SessionFactory(course__title="Neglect: recognising and responding")
    sign_in(client, world.practitioner.user)

    response = client.post(session_url(session, "book"))

    assert response.status_code == 302
    assert response.headers["Location"] == session_url(session)
    booking = Booking.objects.get(session=session)
    assert (booking.attendee, booking.status) == (world.practitioner, BookingStatus.CONFIRMED)
    assert message_texts(response) == [
        "You have a place on Neglect: recognising and responding on "
        f"{british_date(session.starts_at)}. We have sent you an email to confirm it."
    ]
    page = client.get(session_url(session))
    assert "Cancel booking" in buttons(page)


def test_booking_a_full_session_joins_the_waiting_list(client: Client, world: World) -> None:
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    sign_in(client, world.practitioner.user)

    response = client.post(session_url(session, "book"), follow=True)

    booking = Booking.objects.get(session=session, user=world.practitioner.user)
    assert booking.status == BookingStatus.WAITLISTED
    assert "You are on the waiting list" in message_texts(response)[0]
    assert "govuk-notification-banner--success" in response.content.decode()


def test_booking_a_course_that_needs_approval_asks_the_line_manager(
    client: Client, world: World
) -> None:
    session = SessionFactory(course__requires_manager_approval=True)
    sign_in(client, world.practitioner.user)

    response = client.post(session_url(session, "book"))

    booking = Booking.objects.get(session=session)
    assert booking.status == BookingStatus.AWAITING_APPROVAL
    assert "has been sent to your line manager" in message_texts(response)[0]


def test_booking_twice_keeps_one_booking(client: Client, world: World) -> None:
    """A double click books once; the second press says the person is already booked."""
    session = SessionFactory()
    sign_in(client, world.practitioner.user)
    client.post(session_url(session, "book"))
    response = client.post(session_url(session, "book"))
    assert Booking.objects.filter(session=session).count() == 1
    assert message_texts(response)[-1] == "You already have a booking for this session."


@pytest.mark.parametrize("state", [_wrong_sector, _on_hold, _session_cancelled, _booking_closed])
def test_someone_who_may_not_book_changes_nothing_by_posting(
    client: Client, world: World, state: Callable[[Session, World], None]
) -> None:
    """Posting the form by hand when the page shows reasons instead of a button books nothing."""
    session = SessionFactory()
    state(session, world)
    sign_in(client, world.practitioner.user)
    response = client.post(session_url(session, "book"), follow=True)
    assert response.status_code == 200
    assert not Booking.objects.filter(session=session).exists()
    assert buttons(response) == []


def test_booking_needs_signing_in(client: Client, world: World) -> None:
    session = SessionFactory()
    response = client.post(session_url(session, "book"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))
    assert not Booking.objects.exists()


def test_person_with_two_memberships_chooses_which_to_book_through(
    client: Client, world: World
) -> None:
    """A health visitor who is also a governor chooses; not choosing is explained, and books
    nothing."""
    school = OrganisationFactory(name="Brockley Primary School", sector=Sector.SCHOOL)
    governor = MembershipFactory(user=world.practitioner.user, organisation=school, governor=True)
    session = SessionFactory()
    sign_in(client, world.practitioner.user)

    page = client.get(session_url(session))
    names = {
        attrs.get("value")
        for attrs in parse(page.content).inputs
        if attrs.get("name") == "membership"
    }
    assert names == {str(world.practitioner.pk), str(governor.pk)}

    response = client.post(session_url(session, "book"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Select which organisation you are booking through." in content
    assert parse(content).title.startswith("Error: ")
    assert not Booking.objects.exists()

    client.post(session_url(session, "book"), {"membership": governor.pk})
    assert Booking.objects.get(session=session).attendee == governor


def test_choosing_someone_elses_membership_books_nothing(client: Client, world: World) -> None:
    MembershipFactory(user=world.practitioner.user, organisation=OrganisationFactory())
    session = SessionFactory()
    sign_in(client, world.practitioner.user)
    response = client.post(session_url(session, "book"), {"membership": world.constable.pk})
    assert response.status_code == 200
    assert "Select which organisation you are booking through." in response.content.decode()
    assert not Booking.objects.exists()


# Cancelling ------------------------------------------------------------------------------------


def test_cancel_page_gives_the_free_deadline(client: Client, world: World) -> None:
    session = SessionFactory(parts__days_ahead=21, course__late_cancellation_charge=Decimal("40"))
    booking = BookingFactory(session=session, attendee=world.practitioner)
    sign_in(client, world.practitioner.user)

    content = client.get(booking_url(booking, "booking_cancel")).content.decode()

    assert "You can cancel free of charge until 11:59pm on" in content
    assert "would be charged £40" in content


def test_cancel_page_warns_of_a_late_charge_and_cancelling_charges_it(
    client: Client, world: World
) -> None:
    session = SessionFactory(parts__days_ahead=1, course__late_cancellation_charge=Decimal("40"))
    booking = BookingFactory(session=session, attendee=world.practitioner)
    sign_in(client, world.practitioner.user)

    content = client.get(booking_url(booking, "booking_cancel")).content.decode()
    assert "The deadline to cancel free of charge was" in content
    assert "Lewisham Children&#x27;s Social Care will be charged £40" in content

    response = client.post(booking_url(booking, "booking_cancel"), {"reason": "Off sick"})
    assert response.headers["Location"] == reverse("compliance:my_training")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.LATE_CANCELLED
    assert booking.cancellation_reason == "Off sick"
    assert Charge.objects.get(booking=booking).amount == Decimal("40")


def test_cancelling_frees_the_place(client: Client, world: World) -> None:
    booking = BookingFactory(attendee=world.practitioner)
    sign_in(client, world.practitioner.user)
    response = client.post(booking_url(booking, "booking_cancel"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert message_texts(response)[0].startswith("You have cancelled the booking for")
    assert not Charge.objects.exists()


def test_cancelling_an_old_booking_changes_nothing(client: Client, world: World) -> None:
    booking = BookingFactory(attendee=world.practitioner, status=BookingStatus.CANCELLED)
    sign_in(client, world.practitioner.user)
    response = client.post(booking_url(booking, "booking_cancel"))
    assert response.status_code == 302
    assert message_texts(response) == ["This booking has already been cancelled or has ended."]


def test_leaving_the_waiting_list(client: Client, world: World) -> None:
    booking = BookingFactory(
        attendee=world.practitioner, status=BookingStatus.WAITLISTED, waitlisted_at=timezone.now()
    )
    sign_in(client, world.practitioner.user)
    page = client.get(booking_url(booking, "booking_cancel"))
    assert parse(page.content).title == page_title("Leave the waiting list")
    response = client.post(booking_url(booking, "booking_cancel"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert "You have left the waiting list" in message_texts(response)[0]


# Offers ------------------------------------------------------------------------------------------


def _offered(world: World) -> Booking:
    return BookingFactory(
        attendee=world.practitioner,
        status=BookingStatus.OFFERED,
        offer_expires_at=timezone.now() + timedelta(hours=48),
    )


def test_accepting_an_offer_confirms_the_place(client: Client, world: World) -> None:
    booking = _offered(world)
    sign_in(client, world.practitioner.user)
    response = client.post(booking_url(booking, "offer_accept"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert message_texts(response)[0].startswith("You have a place on")


def test_declining_an_offer_gives_it_up(client: Client, world: World) -> None:
    booking = _offered(world)
    sign_in(client, world.practitioner.user)
    client.post(booking_url(booking, "offer_decline"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_an_offer_cannot_be_accepted_twice(client: Client, world: World) -> None:
    booking = _offered(world)
    sign_in(client, world.practitioner.user)
    client.post(booking_url(booking, "offer_accept"))
    response = client.post(booking_url(booking, "offer_accept"))
    assert message_texts(response)[-1] == "This place is no longer on offer to you."


# Another person's bookings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("booking_cancel", "get"),
        ("booking_cancel", "post"),
        ("booking_substitute", "get"),
        ("booking_substitute", "post"),
        ("offer_accept", "post"),
        ("offer_decline", "post"),
        ("booking_ics", "get"),
    ],
)
def test_other_peoples_bookings_are_not_found(
    client: Client, world: World, name: str, method: str
) -> None:
    """A practitioner, and a coordinator of another organisation, get 404 for someone else's
    booking id, and nothing changes."""
    booking = BookingFactory(
        attendee=world.constable,
        status=BookingStatus.OFFERED if name.startswith("offer") else BookingStatus.CONFIRMED,
        offer_expires_at=timezone.now() + timedelta(hours=48),
    )
    status = booking.status
    for user, privileged in ((world.practitioner.user, False), (world.coordinator.user, True)):
        sign_in(client, user, privileged=privileged)
        response = getattr(client, method)(booking_url(booking, name))
        assert response.status_code == 404, (user, name)
    booking.refresh_from_db()
    assert booking.status == status


# Coordinators booking for staff ----------------------------------------------------------------


def test_coordinator_books_a_place_for_their_staff(client: Client, world: World) -> None:
    session = SessionFactory(course__requires_manager_approval=True)
    sign_in(client, world.coordinator.user, privileged=True)
    url = session_url(session, "book_for")

    page = client.get(url)
    options = [str(person) for person in page.context["form"].fields["person"].queryset]
    assert len(options) == 2  # the practitioner and the manager; not the police constable
    assert "Met Police" not in page.content.decode()

    searched = client.get(url, {"q": "okafor"})
    assert searched.context["total"] == 1

    response = client.post(url, {"person": world.practitioner.pk})
    assert response.status_code == 302
    booking = Booking.objects.get(session=session)
    # Booked by the coordinator, who may decide for them: the booking is the approval.
    assert (booking.attendee, booking.booked_by, booking.status) == (
        world.practitioner,
        world.coordinator.user,
        BookingStatus.CONFIRMED,
    )
    assert message_texts(response) == [
        f"Pat Okafor has a place on {session.course.title} on {british_date(session.starts_at)}."
    ]


def test_coordinator_cannot_book_for_another_organisations_people(
    client: Client, world: World
) -> None:
    session = SessionFactory()
    sign_in(client, world.coordinator.user, privileged=True)
    response = client.post(session_url(session, "book_for"), {"person": world.constable.pk})
    assert response.status_code == 200
    assert "Choose a person from the list." in response.content.decode()
    assert not Booking.objects.exists()


def test_booking_for_someone_who_may_not_book_says_why(client: Client, world: World) -> None:
    session = SessionFactory()
    CourseAudienceSector.objects.create(course=session.course, sector=Sector.SCHOOL)
    sign_in(client, world.coordinator.user, privileged=True)
    response = client.post(session_url(session, "book_for"), {"person": world.practitioner.pk})
    assert "This course is for school staff." in response.content.decode()
    assert not Booking.objects.exists()


def test_practitioner_cannot_open_book_for(client: Client, world: World) -> None:
    session = SessionFactory()
    sign_in(client, world.practitioner.user)
    assert client.get(session_url(session, "book_for")).status_code == 404
    assert (
        client.post(session_url(session, "book_for"), {"person": world.manager.pk}).status_code
        == 404
    )


def test_coordinator_sees_their_staffs_bookings_on_the_session_page(
    client: Client, world: World
) -> None:
    session = SessionFactory()
    BookingFactory(session=session, attendee=world.practitioner)
    BookingFactory(session=session, attendee=world.constable)
    sign_in(client, world.coordinator.user, privileged=True)
    response = client.get(session_url(session))
    staff = list(response.context["staff_bookings"])
    assert [booking.attendee for booking in staff] == [world.practitioner]
    assert "Book a place for someone you manage" in response.content.decode()


def test_coordinator_substitutes_a_colleague(client: Client, world: World) -> None:
    colleague = MembershipFactory(organisation=world.council, user__last_name="Zephaniah")
    booking = BookingFactory(attendee=world.practitioner)
    sign_in(client, world.coordinator.user, privileged=True)

    page = client.get(booking_url(booking, "booking_substitute"))
    assert page.status_code == 200
    people = set(page.context["form"].fields["person"].queryset)
    assert colleague in people
    assert world.practitioner not in people
    assert world.constable not in people

    response = client.post(booking_url(booking, "booking_substitute"), {"person": colleague.pk})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    replacement = Booking.objects.get(session=booking.session, user=colleague.user)
    assert replacement.status == BookingStatus.CONFIRMED
    assert replacement.substituted_from == booking


def test_substituting_someone_from_another_organisation_changes_nothing(
    client: Client, world: World
) -> None:
    booking = BookingFactory(attendee=world.practitioner)
    sign_in(client, world.coordinator.user, privileged=True)
    response = client.post(
        booking_url(booking, "booking_substitute"), {"person": world.constable.pk}
    )
    assert response.status_code == 200
    assert "Choose a person from the list." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_coordinator_cancels_for_their_staff(client: Client, world: World) -> None:
    booking = BookingFactory(attendee=world.practitioner)
    sign_in(client, world.coordinator.user, privileged=True)
    page = client.get(booking_url(booking, "booking_cancel"))
    assert parse(page.content).title == page_title("Cancel Pat Okafor's booking")
    response = client.post(booking_url(booking, "booking_cancel"))
    assert response.headers["Location"] == session_url(booking.session)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_by == world.coordinator.user


# Calendar files --------------------------------------------------------------------------------


def test_add_to_calendar_downloads_the_booking(client: Client, world: World) -> None:
    booking = BookingFactory(attendee=world.practitioner)
    sign_in(client, world.practitioner.user)
    response = client.get(booking_url(booking, "booking_ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment;" in response["Content-Disposition"]
    assert b"BEGIN:VEVENT" in response.content


def test_no_calendar_file_for_a_cancelled_booking(client: Client, world: World) -> None:
    booking = BookingFactory(attendee=world.practitioner, status=BookingStatus.CANCELLED)
    sign_in(client, world.practitioner.user)
    assert client.get(booking_url(booking, "booking_ics")).status_code == 404


def test_partnership_team_reaches_the_register_and_cancelling_from_a_session(
    client: Client, world: World
) -> None:
    session = SessionFactory()
    """The partnership team runs sessions: the session page links to its register and to
    cancelling it; nobody else sees those links."""
    sign_in(client, UserFactory(partnership_team=True), privileged=True)
    content = client.get(session_url(session)).content.decode()
    assert session_url(session, "register") in content
    assert session_url(session, "session_cancel") in content
    client.force_login(world.practitioner.user)
    content = client.get(session_url(session)).content.decode()
    assert session_url(session, "register") not in content
