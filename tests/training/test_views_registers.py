"""Registers: who may open them, marking attendance on the page, the printable sign-in sheet,
and the list of sessions a trainer marks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory
from training.enums import BookingStatus
from training.models import Booking, Session, TrainingRecord

pytestmark = pytest.mark.django_db


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def trainer() -> User:
    user = UserFactory.create(trainer=True, first_name="Tess", last_name="Trainer")
    enrol_totp(user)
    return user


@pytest.fixture
def session(trainer: User) -> Session:
    """A session that ran yesterday, 9:30am to 4:30pm, with a 20-minute cut-off."""
    yesterday = timezone.localdate() - timedelta(days=1)
    session = SessionFactory.create(
        course=CourseFactory.create(title="Neglect: recognising and responding"),
        parts=[(_local(yesterday, 9, 30), _local(yesterday, 16, 30))],
    )
    session.trainers.add(trainer)
    return session


@pytest.fixture
def attendees(session: Session) -> list[Booking]:
    organisation = OrganisationFactory.create(name="Lewisham Children's Social Care")
    role = JobRoleFactory.create(name="Social worker")
    return [
        BookingFactory.create(
            session=session,
            attendee=MembershipFactory.create(
                organisation=organisation,
                job_role=role,
                user=UserFactory.create(first_name=first, last_name=last),
            ),
        )
        for first, last in (("Ada", "Adeyemi"), ("Ben", "Brown"), ("Cai", "Chen"))
    ]


def _signed_in(client: Client, user: User | None) -> Client:
    if user is not None:
        client.force_login(user)
    return client


# Who may open a register -------------------------------------------------------------------


def _privileged(**traits: bool) -> User:
    user = UserFactory.create(**traits)
    enrol_totp(user)
    return user


def _coordinator(session: Session) -> User:
    """The coordinator of an attendee's organisation: they see their people, not registers."""
    booking = session.bookings.select_related("attendee").first()
    assert booking is not None
    membership = MembershipFactory.create(
        organisation=booking.attendee.organisation, coordinator=True
    )
    enrol_totp(membership.user)
    return membership.user


VIEWERS: dict[str, Callable[[Session, User], User | None]] = {
    "anonymous": lambda session, trainer: None,
    "the-session-s-trainer": lambda session, trainer: trainer,
    "another-trainer": lambda session, trainer: _privileged(trainer=True),
    "partnership-team": lambda session, trainer: _privileged(partnership_team=True),
    "coordinator": lambda session, trainer: _coordinator(session),
    "practitioner": lambda session, trainer: session.bookings.first().user,
}


@pytest.mark.usefixtures("attendees")
@pytest.mark.parametrize(
    ("viewer", "register", "registers"),
    [
        ("anonymous", 302, 302),
        ("the-session-s-trainer", 200, 200),
        ("another-trainer", 404, 200),
        ("partnership-team", 200, 200),
        ("coordinator", 404, 404),
        ("practitioner", 404, 404),
    ],
)
def test_who_may_open_registers(
    client: Client, session: Session, trainer: User, viewer: str, register: int, registers: int
) -> None:
    """A register is for the session's trainers and the partnership team; anyone else gets a
    404, as if there were none. The list of registers is for trainers and the team."""
    _signed_in(client, VIEWERS[viewer](session, trainer))
    for name in ("training:register", "training:register_print"):
        response = client.get(reverse(name, args=[session.pk]))
        assert response.status_code == register, name
    assert client.get(reverse("training:registers")).status_code == registers


@pytest.mark.usefixtures("attendees")
@pytest.mark.parametrize("viewer", ["another-trainer", "coordinator", "practitioner"])
def test_others_cannot_mark_a_register(
    client: Client, session: Session, trainer: User, viewer: str
) -> None:
    """Posting marks without being allowed to see the register changes nothing."""
    _signed_in(client, VIEWERS[viewer](session, trainer))
    data = {f"status_{b.pk}": BookingStatus.ATTENDED for b in session.bookings.all()}
    response = client.post(reverse("training:register", args=[session.pk]), data)
    assert response.status_code == 404
    assert not session.bookings.exclude(status=BookingStatus.CONFIRMED).exists()


def test_a_trainer_who_is_no_longer_a_trainer_loses_the_register(
    client: Client, session: Session, trainer: User
) -> None:
    """Registers follow the trainer role as well as the session's list of trainers."""
    User.objects.filter(pk=trainer.pk).update(is_trainer=False)
    client.force_login(trainer)
    assert client.get(reverse("training:register", args=[session.pk])).status_code == 404


# The register page ---------------------------------------------------------------------------


def test_register_lists_people_with_organisation_and_job_role(
    client: Client, session: Session, trainer: User, attendees: list[Booking]
) -> None:
    """Everyone booked is listed with their organisation and job role, with the cut-off."""
    cancelled = BookingFactory.create(
        session=session,
        status=BookingStatus.CANCELLED,
        attendee=MembershipFactory.create(user=UserFactory.create(first_name="Zed")),
    )
    client.force_login(trainer)
    response = client.get(reverse("training:register", args=[session.pk]))
    assertContains(response, "Neglect: recognising and responding")
    for booking in attendees:
        assertContains(response, booking.user.get_full_name())
    assertContains(response, "Lewisham Children&#x27;s Social Care, Social worker", count=3)
    assertNotContains(response, cancelled.user.get_full_name())
    assertContains(response, "Anyone who arrived after 9:50am (20 minutes after the start)")
    assertContains(response, "counts as did not attend")
    assertContains(response, "Mark attendance")


def test_marking_the_register(
    client: Client, session: Session, trainer: User, attendees: list[Booking]
) -> None:
    """The trainer marks everyone at once; a late arrival counts as did not attend, and the
    message says so."""
    ada, ben, cai = attendees
    client.force_login(trainer)
    response = client.post(
        reverse("training:register", args=[session.pk]),
        {
            f"status_{ada.pk}": BookingStatus.ATTENDED,
            f"arrived_{ada.pk}": "9:25",
            f"status_{ben.pk}": BookingStatus.ATTENDED,
            f"arrived_{ben.pk}": "10:05am",
            f"status_{cai.pk}": BookingStatus.PARTIALLY_ATTENDED,
        },
        follow=True,
    )
    assertContains(
        response,
        "Attendance saved for 3 people. 1 person arrived after the cut-off, so counted as did "
        "not attend.",
    )
    statuses = dict(Booking.objects.filter(session=session).values_list("pk", "status"))
    assert statuses == {
        ada.pk: BookingStatus.ATTENDED,
        ben.pk: BookingStatus.NO_SHOW,
        cai.pk: BookingStatus.PARTIALLY_ATTENDED,
    }
    assert list(TrainingRecord.objects.values_list("booking", flat=True)) == [ada.pk]
    # The marks are shown again, ready to correct.
    assertContains(response, f'value="{BookingStatus.ATTENDED}" checked', count=1)
    assertContains(response, 'value="09:25"')


def test_people_left_blank_stay_as_they_are(
    client: Client, session: Session, trainer: User, attendees: list[Booking]
) -> None:
    """Marking some people leaves the others unmarked."""
    ada = attendees[0]
    client.force_login(trainer)
    client.post(
        reverse("training:register", args=[session.pk]),
        {f"status_{ada.pk}": BookingStatus.NO_SHOW},
    )
    assert session.bookings.filter(status=BookingStatus.CONFIRMED).count() == 2


@pytest.mark.parametrize(
    ("arrived", "status", "message"),
    [
        pytest.param("quarter to ten", BookingStatus.ATTENDED, "arrival time like 9:45", id="bad"),
        pytest.param("25:00", BookingStatus.ATTENDED, "arrival time like 9:45", id="no-such"),
        pytest.param("9:45", "", "Choose whether Ada Adeyemi attended", id="no-mark"),
    ],
)
def test_register_errors_are_plain_and_save_nothing(
    client: Client,
    session: Session,
    trainer: User,
    attendees: list[Booking],
    arrived: str,
    status: str,
    message: str,
) -> None:
    """A time that is not a time, or a time without a mark, is explained and nothing saves."""
    ada, ben, _ = attendees
    client.force_login(trainer)
    response = client.post(
        reverse("training:register", args=[session.pk]),
        {
            f"status_{ada.pk}": status,
            f"arrived_{ada.pk}": arrived,
            f"status_{ben.pk}": BookingStatus.ATTENDED,
        },
    )
    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(response, message)
    assert response.context["form"].errors
    assert not session.bookings.exclude(status=BookingStatus.CONFIRMED).exists()


def test_register_cannot_be_marked_before_the_session(client: Client, trainer: User) -> None:
    """Before the start, the register shows who is booked and when marking opens."""
    session = SessionFactory.create()
    session.trainers.add(trainer)
    booking = BookingFactory.create(session=session)
    client.force_login(trainer)
    url = reverse("training:register", args=[session.pk])
    response = client.get(url)
    assertContains(response, "You can mark attendance from 9:30am on")
    assertNotContains(response, 'type="radio"')
    client.post(url, {f"status_{booking.pk}": BookingStatus.ATTENDED})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_register_page_queries_do_not_grow_with_attendees(
    client: Client, session: Session, trainer: User
) -> None:
    """The register costs the same number of queries for 5 people as for 30."""
    client.force_login(trainer)
    url = reverse("training:register", args=[session.pk])

    def queries_with(people: int) -> int:
        BookingFactory.create_batch(people - session.bookings.count(), session=session)
        client.get(url)  # warm the session and the cache of roles
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert queries_with(5) == queries_with(30)


# The printable register ----------------------------------------------------------------------


def test_printable_register_has_a_signature_column(
    client: Client, session: Session, trainer: User, attendees: list[Booking]
) -> None:
    """The sign-in sheet lists everyone with room to sign, and has no inline styles."""
    client.force_login(trainer)
    response = client.get(reverse("training:register_print", args=[session.pk]))
    assertContains(response, "Signature")
    assertContains(response, "Arrival time")
    for booking in attendees:
        assertContains(response, booking.user.get_full_name())
    assertContains(response, "Arriving after 9:50am counts as not attending.")
    assertNotContains(response, "style=")
    assertNotContains(response, "<script>")


# The list of registers -----------------------------------------------------------------------


def test_a_trainer_sees_their_own_sessions_upcoming_and_recent(
    client: Client, session: Session, trainer: User, attendees: list[Booking]
) -> None:
    """Upcoming and recent sessions they train, with how far each register is marked."""
    upcoming = SessionFactory.create(course=CourseFactory.create(title="Information sharing"))
    upcoming.trainers.add(trainer)
    someone_elses = SessionFactory.create(course=CourseFactory.create(title="Domestic abuse"))
    long_ago = SessionFactory.create(
        course=CourseFactory.create(title="Conferences and core groups"),
        parts__days_ahead=-120,
    )
    long_ago.trainers.add(trainer)
    Booking.objects.filter(pk=attendees[0].pk).update(status=BookingStatus.ATTENDED)

    client.force_login(trainer)
    response = client.get(reverse("training:registers"))
    assertContains(response, "Information sharing")
    assertContains(response, "Neglect: recognising and responding")
    assertContains(response, "1 of 3 marked")
    assertNotContains(response, someone_elses.course.title)
    assertNotContains(response, long_ago.course.title)


def test_the_partnership_team_sees_every_register(
    client: Client, session: Session, attendees: list[Booking]
) -> None:
    """The team's list has everyone's sessions."""
    other = SessionFactory.create(course=CourseFactory.create(title="Domestic abuse"))
    client.force_login(_privileged(partnership_team=True))
    response = client.get(reverse("training:registers"))
    assertContains(response, session.course.title)
    assertContains(response, other.course.title)
