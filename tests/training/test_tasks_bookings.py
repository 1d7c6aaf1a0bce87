"""Training's background jobs: the beat sweeps and the notification task."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app
from tests.training.factories import BookingFactory, SessionFactory
from training.enums import BookingStatus, NotificationKind, SessionStatus
from training.models import Booking, BookingRules, NotificationLog
from training.services.notifications import notifications_due
from training.tasks import bookings as tasks

pytestmark = pytest.mark.django_db

REMINDER = NotificationKind.REMINDER
JOINING = NotificationKind.JOINING_INSTRUCTIONS


@pytest.fixture
def now() -> datetime:
    return timezone.now()


def booking_starting_in(
    now: datetime,
    starts_in: timedelta,
    *,
    booked_ago: timedelta = timedelta(days=30),
    status: BookingStatus = BookingStatus.CONFIRMED,
    session_status: SessionStatus = SessionStatus.SCHEDULED,
    sent: tuple[NotificationKind, ...] = (),
) -> Booking:
    """A booking made `booked_ago`, for a session starting `starts_in` from now."""
    starts_at = now + starts_in
    session = SessionFactory.create(
        parts=[(starts_at, starts_at + timedelta(hours=7))], status=session_status
    )
    booking = BookingFactory.create(session=session, status=status)
    Booking.objects.filter(pk=booking.pk).update(created_at=now - booked_ago)
    for kind in sent:
        NotificationLog.objects.create(booking=booking, kind=kind, recipient=booking.user.email)
    return booking


DAY = timedelta(days=1)
HOUR = timedelta(hours=1)

# With the default rules (reminder 14 days before, joining instructions 5 days before):
# what each booking is due, if anything.
SWEEP_CASES: dict[str, tuple[dict[str, Any], NotificationKind | None]] = {
    "reminder due": ({"starts_in": 10 * DAY}, REMINDER),
    "just inside the reminder window": ({"starts_in": 14 * DAY - HOUR}, REMINDER),
    "not yet in the reminder window": ({"starts_in": 14 * DAY + HOUR}, None),
    "booked inside the window: the confirmation is enough": (
        {"starts_in": 10 * DAY, "booked_ago": 2 * DAY},
        None,
    ),
    "reminder already sent": ({"starts_in": 10 * DAY, "sent": (REMINDER,)}, None),
    "joining instructions due": ({"starts_in": 4 * DAY}, JOINING),
    "joining instructions due, reminder sent": (
        {"starts_in": 4 * DAY, "sent": (REMINDER,)},
        JOINING,
    ),
    "booked yesterday, joining instructions due": (
        {"starts_in": 2 * DAY, "booked_ago": DAY},
        JOINING,
    ),
    "joining instructions already sent": ({"starts_in": 4 * DAY, "sent": (JOINING,)}, None),
    "cancelled booking": ({"starts_in": 4 * DAY, "status": BookingStatus.CANCELLED}, None),
    "waiting list": ({"starts_in": 4 * DAY, "status": BookingStatus.WAITLISTED}, None),
    "awaiting approval": ({"starts_in": 10 * DAY, "status": BookingStatus.AWAITING_APPROVAL}, None),
    "offered": ({"starts_in": 4 * DAY, "status": BookingStatus.OFFERED}, None),
    "session cancelled": (
        {
            "starts_in": 4 * DAY,
            "status": BookingStatus.SESSION_CANCELLED,
            "session_status": SessionStatus.CANCELLED,
        },
        None,
    ),
    "session already started": ({"starts_in": -HOUR}, None),
}


def test_the_sweep_picks_exactly_the_due_bookings(now: datetime) -> None:
    """Reminders go to confirmed places within 14 days of the session that were booked
    before then; joining instructions within 5 days; nothing goes twice."""
    bookings = {name: booking_starting_in(now, **case) for name, (case, _) in SWEEP_CASES.items()}
    expected = {
        (bookings[name].pk, kind) for name, (_, kind) in SWEEP_CASES.items() if kind is not None
    }

    due = notifications_due(now=now)

    assert len(due) == len(set(due))
    got = {
        name: kind
        for name, booking in bookings.items()
        for booking_id, kind in due
        if booking_id == booking.pk
    }
    assert set(due) == expected, got


def test_the_windows_follow_the_booking_rules(now: datetime) -> None:
    """The partnership team can move the reminder and joining-instruction days."""
    rules = BookingRules.load()
    rules.reminder_days_before = 21
    rules.joining_instructions_days_before = 2
    rules.save()
    three_weeks = booking_starting_in(now, 20 * DAY)
    four_days = booking_starting_in(now, 4 * DAY)

    assert set(notifications_due(now=now)) == {(three_weeks.pk, REMINDER), (four_days.pk, REMINDER)}


def test_finding_due_bookings_takes_the_same_queries_for_1_or_30(now: datetime) -> None:
    """The sweep selects in the database: its query count does not grow with the bookings."""
    BookingRules.load()  # the settings row exists in production; create it outside the count
    booking_starting_in(now, 10 * DAY)
    booking_starting_in(now, 3 * DAY)
    with CaptureQueriesContext(connection) as few:
        assert len(notifications_due(now=now)) == 2

    for _ in range(29):
        booking_starting_in(now, 10 * DAY)
        booking_starting_in(now, 3 * DAY)
    with CaptureQueriesContext(connection) as many:
        assert len(notifications_due(now=now)) == 60

    assert len(many.captured_queries) == len(few.captured_queries) == 3


def test_the_sweep_task_sends_each_due_notification_once(now: datetime) -> None:
    """Two beat ticks (or a tick that runs twice) send each reminder once."""
    reminded = booking_starting_in(now, 10 * DAY)
    instructed = booking_starting_in(now, 3 * DAY)

    assert tasks.notifications_sweep_task.delay().get() == 2
    assert tasks.notifications_sweep_task.delay().get() == 0

    assert sorted(
        (message.to[0], message.subject.split(":")[0]) for message in mail.outbox
    ) == sorted([(reminded.user.email, "Reminder"), (instructed.user.email, "How to join")])


def test_a_failed_send_is_picked_up_by_the_next_sweep(now: datetime, settings: Any) -> None:
    """A reminder whose email failed has no log row, so the next sweep finds it due again."""
    booking = booking_starting_in(now, 10 * DAY)
    settings.EMAIL_BACKEND = "tests.training.test_notifications.FailingEmailBackend"
    # Eager here, the send task's request to retry later surfaces in the sweep.
    with pytest.raises(Retry, match="Connection unexpectedly closed"):
        tasks.notifications_sweep_task.delay()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_due(now=now) == [(booking.pk, REMINDER)]
    assert tasks.notifications_sweep_task.delay().get() == 1
    assert len(mail.outbox) == 1


def test_the_send_task_ignores_a_booking_that_is_gone() -> None:
    """A booking deleted before its task ran sends nothing and raises nothing."""
    assert tasks.notification_send_task.delay(987654, "booking_confirmed").get() is False


def test_unanswered_requests_expire(now: datetime, django_capture_on_commit_callbacks: Any) -> None:
    """The beat job expires requests past their time and tells the person."""
    booking = booking_starting_in(now, 2 * DAY, status=BookingStatus.AWAITING_APPROVAL)
    Booking.objects.filter(pk=booking.pk).update(approval_expires_at=now - HOUR)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.bookings_expire_unanswered_task.delay().get() == 1

    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    assert [message.subject.split(":")[0] for message in mail.outbox] == ["Request expired"]


def test_lapsed_offers_expire(now: datetime, django_capture_on_commit_callbacks: Any) -> None:
    """The beat job ends offers nobody accepted in time and tells the person, without a
    calendar file: the place was never in their calendar."""
    booking = booking_starting_in(now, 10 * DAY, status=BookingStatus.WAITLISTED)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.OFFERED)
    booking.refresh_from_db()
    booking.offer_expires_at = now - HOUR
    booking.save()  # through the model, so the history shows the offer

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.offers_expire_task.delay().get() == 1

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    (message,) = mail.outbox
    assert message.subject.startswith("Offer of a place ended")
    assert "because it was not accepted in time" in message.body
    assert message.attachments == []


def test_free_places_are_offered_to_the_waiting_list(
    now: datetime, django_capture_on_commit_callbacks: Any
) -> None:
    """The beat job offers a place that came free without a cancellation, and the person is
    told of the offer."""
    booking = booking_starting_in(now, 10 * DAY, status=BookingStatus.WAITLISTED)
    Booking.objects.filter(pk=booking.pk).update(waitlisted_at=now - DAY)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.waiting_lists_offer_task.delay().get() == 1

    booking.refresh_from_db()
    assert booking.status == BookingStatus.OFFERED
    assert [message.subject.split(":")[0] for message in mail.outbox] == [
        "A place is available for you"
    ]


def test_every_beat_job_is_a_registered_task() -> None:
    """A typo in CELERY_BEAT_SCHEDULE would fail silently in beat; here it fails the test."""
    schedule = settings.CELERY_BEAT_SCHEDULE
    names = {entry["task"] for entry in schedule.values()}

    assert {
        "training.tasks.bookings.notifications_sweep_task",
        "training.tasks.bookings.bookings_expire_unanswered_task",
        "training.tasks.bookings.offers_expire_task",
        "training.tasks.bookings.waiting_lists_offer_task",
    } <= names
    app.loader.import_default_modules()
    assert names <= set(app.tasks)
