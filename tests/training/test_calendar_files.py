"""Calendar files: read back with icalendar, as a calendar program would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.accounts.factories import UserFactory
from tests.training.factories import BookingFactory, SessionFactory
from training.calendar_files import booking_calendar_file, session_ics
from training.enums import BookingStatus, SessionStatus
from training.models import Booking, Session
from training.services.notifications import session_changed_notify

pytestmark = pytest.mark.django_db

# A two-day course either side of the clocks going forward (30 March 2031): London time is
# UTC on the first day and UTC+1 on the second.
TWO_DAYS = [
    (datetime(2031, 3, 28, 9, 30, tzinfo=UTC), datetime(2031, 3, 28, 16, 30, tzinfo=UTC)),
    (datetime(2031, 4, 4, 8, 30, tzinfo=UTC), datetime(2031, 4, 4, 15, 30, tzinfo=UTC)),
]


def parse(content: bytes) -> tuple[Calendar, list[dict[str, object]]]:
    calendar = Calendar.from_ical(content)
    events = [
        {
            "uid": str(event["uid"]),
            "sequence": int(event["sequence"]),
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
            "raw_start": event["dtstart"].to_ical().decode(),
            "summary": str(event["summary"]),
            "location": str(event["location"]),
            "description": str(event["description"]),
            "status": str(event["status"]),
        }
        for event in calendar.walk("VEVENT")
    ]
    return calendar, events


def reloaded(booking: Booking) -> Booking:
    return Booking.objects.select_related("session__course", "user").get(pk=booking.pk)


def test_a_booking_gives_a_request_with_one_event() -> None:
    """The file asks the calendar to add the session, with its course, place and page."""
    booking = BookingFactory.create(session__course__title="Working Together to Safeguard Children")

    calendar, (event,) = parse(session_ics(booking=booking))

    assert calendar["method"] == "REQUEST"
    assert "Learning Hub" in str(calendar["prodid"])
    assert event["uid"] == (
        f"session-{booking.session_id}-part-1-booking-{booking.pk}@hub.partnership.example"
    )
    assert event["sequence"] == 0
    assert event["summary"] == "Working Together to Safeguard Children"
    assert event["location"] == "Laurence House, 1 Catford Road, London SE6 4RU"
    assert "https://hub.partnership.example" + reverse(
        "training:session", kwargs={"pk": booking.session_id}
    ) in str(event["description"])
    assert event["status"] == "CONFIRMED"
    assert (event["start"], event["end"]) == (booking.session.starts_at, booking.session.ends_at)


def test_times_are_in_utc_and_parts_are_separate_events() -> None:
    """Each part is its own event, numbered in date order, written in UTC ("Z") so no
    calendar has to know London's clock changes."""
    booking = BookingFactory.create(session=SessionFactory.create(parts=list(reversed(TWO_DAYS))))

    _, events = parse(session_ics(booking=reloaded(booking)))

    assert [(event["start"], event["end"]) for event in events] == TWO_DAYS
    assert [event["raw_start"] for event in events] == ["20310328T093000Z", "20310404T083000Z"]
    assert [event["uid"].split("@")[0] for event in events] == [
        f"session-{booking.session_id}-part-1-booking-{booking.pk}",
        f"session-{booking.session_id}-part-2-booking-{booking.pk}",
    ]
    assert [event["summary"].rsplit(" (", 1)[1] for event in events] == [
        "part 1 of 2)",
        "part 2 of 2)",
    ]


def test_a_change_keeps_the_uid_and_raises_the_sequence() -> None:
    """After the session moves, the new file updates the same events instead of adding
    new ones."""
    booking = BookingFactory.create(session=SessionFactory.create(parts=TWO_DAYS))
    _, before = parse(session_ics(booking=reloaded(booking)))

    session = booking.session
    part = session.parts.order_by("starts_at").last()
    part.starts_at += timedelta(days=1)
    part.ends_at += timedelta(days=1)
    part.save()
    session_changed_notify(session=session, changed_by=UserFactory.create(partnership_team=True))
    _, after = parse(session_ics(booking=reloaded(booking)))

    assert [event["uid"] for event in after] == [event["uid"] for event in before]
    assert [event["sequence"] for event in before] == [0, 0]
    assert [event["sequence"] for event in after] == [1, 1]
    assert after[1]["start"] == TWO_DAYS[1][0] + timedelta(days=1)


@pytest.mark.parametrize(
    ("booking_status", "session_status"),
    [
        (BookingStatus.CANCELLED, SessionStatus.SCHEDULED),
        (BookingStatus.LATE_CANCELLED, SessionStatus.SCHEDULED),
        (BookingStatus.SESSION_CANCELLED, SessionStatus.CANCELLED),
        (BookingStatus.CONFIRMED, SessionStatus.CANCELLED),
    ],
)
def test_a_cancelled_booking_or_session_gives_a_cancel(
    booking_status: BookingStatus, session_status: SessionStatus
) -> None:
    """Cancelling removes the same events from the calendar."""
    booking = BookingFactory.create()
    _, (booked,) = parse(session_ics(booking=booking))
    Booking.objects.filter(pk=booking.pk).update(status=booking_status)
    Session.objects.filter(pk=booking.session_id).update(status=session_status)

    calendar, (cancelled,) = parse(session_ics(booking=reloaded(booking)))

    assert calendar["method"] == "CANCEL"
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["uid"] == booked["uid"]


def test_booking_again_after_cancelling_gives_a_new_event() -> None:
    """A new booking for the same session has its own UID, so a calendar that removed the
    old event accepts the new one."""
    first = BookingFactory.create(status=BookingStatus.CANCELLED)
    second = BookingFactory.create(session=first.session, attendee=first.attendee)

    _, (old,) = parse(session_ics(booking=first))
    _, (new,) = parse(session_ics(booking=second))

    assert old["uid"] != new["uid"]


def test_an_online_session_shows_the_link_only_shortly_before() -> None:
    """Weeks ahead the description points to the session page; within the days set in the
    booking rules it carries the joining link and details."""
    session = SessionFactory.create(
        venue="",
        joining_link="https://meet.example/conference",
        joining_details="Passcode 1234",
    )
    booking = BookingFactory.create(session=session)

    _, (weeks_ahead,) = parse(session_ics(booking=booking, now=timezone.now()))
    _, (days_ahead,) = parse(
        session_ics(booking=booking, now=session.starts_at - timedelta(days=3))
    )

    assert weeks_ahead["location"] == "Online"
    assert "meet.example" not in weeks_ahead["description"]
    assert "Passcode" not in weeks_ahead["description"]
    assert "7 days before" in weeks_ahead["description"]
    assert "Join online: https://meet.example/conference" in days_ahead["description"]
    assert "Passcode 1234" in days_ahead["description"]


@pytest.mark.parametrize(
    "status",
    [BookingStatus.CANCELLED, BookingStatus.LATE_CANCELLED, BookingStatus.SESSION_CANCELLED],
)
def test_a_cancellation_never_carries_the_joining_link_or_full_venue(status: str) -> None:
    """Someone whose place has gone gets a CANCEL without the link, passcode or room, even in
    the days when people with a place see them."""
    session = SessionFactory.create(
        venue="Laurence House\nRoom 3, second floor",
        joining_link="https://meet.example/conference",
        joining_details="Passcode 1234",
    )
    booking = BookingFactory.create(session=session, status=status)

    calendar, (event,) = parse(
        session_ics(booking=booking, now=session.starts_at - timedelta(days=3))
    )

    assert str(calendar["method"]) == "CANCEL"
    assert "meet.example" not in event["description"]
    assert "Passcode" not in event["description"]
    assert event["location"] == "Laurence House"


def test_the_download_names_the_file_and_its_method() -> None:
    """ "Add to calendar" gets a file name and a content type that mail and browsers
    understand."""
    booking = BookingFactory.create(session__course__slug="neglect")

    download = booking_calendar_file(booking=booking)

    assert download.filename == f"neglect-{booking.session_id}.ics"
    assert download.content_type == "text/calendar; method=REQUEST; charset=utf-8"
    assert Calendar.from_ical(download.content)["method"] == "REQUEST"
