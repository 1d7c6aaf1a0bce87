"""Calendar files (.ics, RFC 5545) for a booked session.

The same file goes on booking emails (as `invite.ics`) and behind "Add to calendar" links, so a
calendar that imported one recognises the others: each part of a session is one event whose UID
never changes, and whose SEQUENCE is the session's, raised whenever its time or place changes.
A cancelled session or booking gives METHOD:CANCEL, which removes the events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from training.enums import BookingStatus, SessionStatus
from training.models import Booking, BookingRules, Session

# Bookings whose events should leave the person's calendar.
CANCELLED_BOOKING_STATUSES = frozenset(
    {
        BookingStatus.CANCELLED,
        BookingStatus.LATE_CANCELLED,
        BookingStatus.SESSION_CANCELLED,
        BookingStatus.DECLINED,
        BookingStatus.EXPIRED,
    }
)


@dataclass(frozen=True)
class CalendarFile:
    """A calendar file ready to attach to an email or send as a download."""

    filename: str
    content: bytes
    method: str

    @property
    def content_type(self) -> str:
        # Mail clients offer "add" or "remove" from the method in the content type.
        return f"text/calendar; method={self.method}; charset=utf-8"


def joining_details_shown(
    *, session: Session, now: datetime | None = None, rules: BookingRules | None = None
) -> bool:
    """Whether booked people may see the joining link and details yet.

    They are shown only shortly before the session (BookingRules), so a link forwarded weeks
    ahead does not let strangers in, and late changes to the link reach everyone.
    """
    if session.starts_at is None:
        return False
    now = now or timezone.now()
    rules = rules or BookingRules.load()
    return session.starts_at - now <= timedelta(days=rules.joining_details_shown_days_before)


def session_url(session: Session) -> str:
    """The session's page, as a full address for emails and calendar files."""
    return settings.SITE_URL.rstrip("/") + reverse("training:session", kwargs={"pk": session.pk})


def calendar_method(booking: Booking) -> str:
    """REQUEST to add or update the events, CANCEL to remove them."""
    if (
        booking.session.status == SessionStatus.CANCELLED
        or booking.status in CANCELLED_BOOKING_STATUSES
    ):
        return "CANCEL"
    return "REQUEST"


def event_uid(*, booking: Booking, part_number: int) -> str:
    """A UID that stays the same through every change to the session.

    It names the booking as well as the session: someone who cancels and books again gets a
    new event, which calendars accept even though the old one was cancelled with the same
    SEQUENCE.
    """
    host = urlsplit(settings.SITE_URL).hostname or "learning-hub"
    return f"session-{booking.session_id}-part-{part_number}-booking-{booking.pk}@{host}"


def session_ics(*, booking: Booking, now: datetime | None = None) -> bytes:
    """The calendar file for one booking: one event per part of the session.

    Load the booking with `session__course` and `session__parts` (ordered by start) to keep to
    one query; the parts are numbered in date order to make the UIDs.
    """
    now = now or timezone.now()
    session = booking.session
    method = calendar_method(booking)
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PARTNERSHIP_NAME}//Learning Hub//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organiser.params["cn"] = vText(settings.PARTNERSHIP_NAME)
    attendee = vCalAddress(f"mailto:{booking.user.email}")
    attendee.params["cn"] = vText(booking.user.get_full_name())
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    # The place is already booked: there is nothing to reply to the organiser.
    attendee.params["rsvp"] = vText("FALSE")

    parts = sorted(session.parts.all(), key=lambda part: part.starts_at)
    # Someone whose place has gone keeps only what anyone may see: never the room or the link.
    has_place = method == "REQUEST" and booking.status == BookingStatus.CONFIRMED
    location = _location(session, full=has_place)
    description = _description(session=session, now=now, has_place=has_place)
    for number, part in enumerate(parts, start=1):
        event = Event()
        event.add("uid", event_uid(booking=booking, part_number=number))
        event.add("sequence", session.sequence)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", part.starts_at.astimezone(UTC))
        event.add("dtend", part.ends_at.astimezone(UTC))
        summary = session.course.title
        if len(parts) > 1:
            summary = f"{summary} (part {number} of {len(parts)})"
        event.add("summary", summary)
        event.add("location", location)
        event.add("description", description)
        event.add("url", session_url(session))
        event.add("organizer", organiser)
        event.add("attendee", attendee)
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


def booking_calendar_file(*, booking: Booking, now: datetime | None = None) -> CalendarFile:
    """The calendar file for "Add to calendar" downloads and email attachments.

    A view returns it as `HttpResponse(file.content, content_type=file.content_type)` with
    `Content-Disposition: attachment; filename="<file.filename>"`.
    """
    return CalendarFile(
        filename=f"{booking.session.course.slug}-{booking.session_id}.ics",
        content=session_ics(booking=booking, now=now),
        method=calendar_method(booking),
    )


def _location(session: Session, *, full: bool) -> str:
    """One line: calendars show LOCATION in a single field. Only people with a place get the
    whole address (room, directions); others get its first line."""
    lines = [line.strip() for line in session.venue.splitlines() if line.strip()]
    if not full:
        lines = lines[:1]
    return ", ".join(lines) or "Online"


def _description(*, session: Session, now: datetime, has_place: bool) -> str:
    rules = BookingRules.load()
    lines = [f"Details and changes: {session_url(session)}"]
    if not has_place:
        return "\n\n".join(lines)
    if joining_details_shown(session=session, now=now, rules=rules):
        if session.joining_link:
            lines.append(f"Join online: {session.joining_link}")
        if session.joining_details:
            lines.append(session.joining_details.strip())
    elif session.joining_link or session.joining_details:
        lines.append(
            "How to join will be on the session page "
            f"{rules.joining_details_shown_days_before} days before."
        )
    return "\n\n".join(lines)
