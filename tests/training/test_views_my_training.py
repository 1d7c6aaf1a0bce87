"""My training: a person's bookings, requests, waiting lists, past sessions, records and hold;
and the links that lead to the training pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organisations.models import Membership
from tests.accounts.factories import enrol_totp
from tests.organisations.factories import MembershipFactory
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    SessionFactory,
    TrainingStandardFactory,
)
from training.enums import BookingStatus, RecordSource
from training.models import BookingHold, TrainingRecord

pytestmark = pytest.mark.django_db

MY_TRAINING = reverse("training:my_training")


@pytest.fixture
def practitioner(client: Client, db: None) -> Membership:
    membership = MembershipFactory(user__first_name="Pat")
    client.force_login(membership.user)
    return membership


def _past_session(days_ago: int, **kwargs: Any) -> Any:
    start = timezone.now() - timedelta(days=days_ago)
    return SessionFactory(parts=[(start, start + timedelta(hours=3))], **kwargs)


def _record(membership: Membership, title: str, **kwargs: Any) -> TrainingRecord:
    return TrainingRecord.objects.create(
        user=membership.user,
        membership=membership,
        title=title,
        cpd_hours=Decimal("6"),
        completed_on=kwargs.pop("completed_on", date(2026, 3, 12)),
        source=kwargs.pop("source", RecordSource.ATTENDANCE),
        **kwargs,
    )


def test_my_training_needs_signing_in(client: Client, db: None) -> None:
    response = client.get(MY_TRAINING)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))


def test_my_training_sorts_bookings_by_what_happens_next(
    client: Client, practitioner: Membership
) -> None:
    """Each booking appears in its section; other people's bookings and old cancellations do
    not."""
    now = timezone.now()
    confirmed = BookingFactory(
        attendee=practitioner,
        session__course__title="Working Together",
        session__parts__days_ahead=9,
    )
    awaiting = BookingFactory(
        attendee=practitioner,
        status=BookingStatus.AWAITING_APPROVAL,
        session__course__title="Conferences and core groups",
    )
    busy = SessionFactory(course__title="Neglect")
    BookingFactory(
        session=busy, status=BookingStatus.WAITLISTED, waitlisted_at=now - timedelta(hours=2)
    )
    waiting = BookingFactory(
        session=busy, attendee=practitioner, status=BookingStatus.WAITLISTED, waitlisted_at=now
    )
    offered = BookingFactory(
        attendee=practitioner,
        status=BookingStatus.OFFERED,
        offer_expires_at=now + timedelta(hours=48),
        session__course__title="Domestic abuse",
    )
    attended = BookingFactory(
        attendee=practitioner,
        session=_past_session(30, course=CourseFactory(title="Information sharing")),
        status=BookingStatus.ATTENDED,
    )
    no_show = BookingFactory(
        attendee=practitioner,
        session=_past_session(60, course=CourseFactory(title="Level 2 refresher")),
        status=BookingStatus.NO_SHOW,
    )
    BookingFactory(attendee=practitioner, status=BookingStatus.CANCELLED)
    BookingFactory(session__course__title="Someone else's course")

    response = client.get(MY_TRAINING)

    training = response.context["training"]
    assert training.upcoming == [confirmed]
    assert training.awaiting_approval == [awaiting]
    assert training.waiting == [waiting]
    assert training.waiting[0].waiting_position == 2
    assert training.offers == [offered]
    assert training.past == [attended, no_show]
    content = response.content.decode()
    assert reverse("training:booking_ics", kwargs={"pk": confirmed.pk}) in content
    assert reverse("training:booking_cancel", kwargs={"pk": confirmed.pk}) in content
    assert "you are number 2 on the list" in content
    assert "Did not attend" in content
    assert "Someone else" not in content


def test_my_training_lists_records_and_a_booking_hold(
    client: Client, practitioner: Membership
) -> None:
    level_3 = TrainingStandardFactory(name="Safeguarding children level 3")
    record = _record(practitioner, "Child protection conferences", expires_on=date(2029, 3, 12))
    record.standards.add(level_3)
    _record(practitioner, "Safer recruitment", source=RecordSource.EXTERNAL)
    now = timezone.now()
    BookingHold.objects.create(
        user=practitioner.user,
        starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=88),
        reason="You did not attend 2 sessions in 12 months.",
    )

    content = client.get(MY_TRAINING).content.decode()

    assert "Child protection conferences" in content
    assert "Meets: Safeguarding children level 3" in content
    assert "12 March 2029" in content
    assert "Training elsewhere, verified" in content
    assert "Does not expire" in content
    assert "You cannot book training until" in content


def test_my_training_with_nothing_yet_says_where_to_start(
    client: Client, practitioner: Membership
) -> None:
    content = client.get(MY_TRAINING).content.decode()
    assert "You are not booked on any sessions." in content
    assert reverse("training:catalogue") in content
    assert "You have no training records yet." in content


def test_my_training_query_count_does_not_grow_with_bookings(
    client: Client, practitioner: Membership, django_assert_num_queries: Any
) -> None:
    """My training costs the same queries with one of everything as with five."""
    standard = TrainingStandardFactory()

    def add_each() -> None:
        BookingFactory(attendee=practitioner)
        BookingFactory(attendee=practitioner, status=BookingStatus.AWAITING_APPROVAL)
        BookingFactory(
            attendee=practitioner,
            status=BookingStatus.WAITLISTED,
            waitlisted_at=timezone.now(),
        )
        BookingFactory(
            attendee=practitioner, session=_past_session(10), status=BookingStatus.ATTENDED
        )
        _record(practitioner, "A course").standards.add(standard)

    add_each()
    client.get(MY_TRAINING)
    with CaptureQueriesContext(connection) as few:
        client.get(MY_TRAINING)
    for _ in range(4):
        add_each()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(MY_TRAINING)
    assert len(response.context["training"].upcoming) == 5


# Getting there ---------------------------------------------------------------------------------


def _navigation(response: Any) -> list[str]:
    return [item.text for item in response.context["service_navigation"]]


def test_navigation_offers_courses_and_my_training(
    client: Client, practitioner: Membership
) -> None:
    response = client.get(reverse("home"))
    navigation = _navigation(response)
    assert navigation[:3] == ["Home", "Courses", "My training"]
    assert "Approvals" not in navigation
    content = response.content.decode()
    assert "Find and book a course" in content
    assert "See your training" in content
    assert "Answer requests for training" not in content


def test_navigation_offers_approvals_to_line_managers_and_coordinators(
    client: Client, db: None
) -> None:
    manager = MembershipFactory()
    MembershipFactory(organisation=manager.organisation, line_manager=manager)
    coordinator = MembershipFactory(coordinator=True)
    enrol_totp(coordinator.user)
    for user in (manager.user, coordinator.user):
        client.force_login(user)
        response = client.get(reverse("home"))
        assert "Approvals" in _navigation(response)
        assert "Answer requests for training" in response.content.decode()


def test_current_page_is_marked_in_the_navigation(client: Client, practitioner: Membership) -> None:
    response = client.get(MY_TRAINING)
    current = [item.text for item in response.context["service_navigation"] if item.current]
    assert current == ["My training"]
