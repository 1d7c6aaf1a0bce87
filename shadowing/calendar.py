"""Calendar files (.ics, RFC 5545) for a shadowing visit, as `training.calendar_files` makes
them for sessions.

The same file goes on the confirmation, change and cancellation emails and behind the placement
page's "Add to calendar" link, so a calendar that imported one recognises the others: each day
of the visit is one all-day event whose UID never changes, with the placement's
`calendar_sequence`, raised whenever the visit changes. All-day, because opportunities give no
times: the joining details say when to arrive. A visit that will not take place (cancelled,
expired, did not happen) gives METHOD:CANCEL, which removes the events.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as CalendarEvent

from shadowing.enums import Status
from shadowing.models import Placement

CALENDAR_FILENAME = "shadowing-visit.ics"

# Placements whose events should leave people's calendars.
CANCELLED_STATUSES = frozenset(
    {
        Status.CANCELLED,
        Status.EXPIRED,
        Status.DID_NOT_HAPPEN,
        Status.DECLINED_BY_HOST,
        Status.DECLINED_BY_MANAGER,
    }
)


def calendar_method(placement: Placement) -> str:
    """REQUEST to add or update the events, CANCEL to remove them."""
    return "CANCEL" if placement.status in CANCELLED_STATUSES else "REQUEST"


def calendar_content_type(placement: Placement) -> str:
    # Mail clients offer "add" or "remove" from the method in the content type.
    return f"text/calendar; method={calendar_method(placement)}; charset=utf-8"


def visit_days(placement: Placement) -> list[date]:
    """The days of the visit: `opportunity.days` consecutive days from `visit_date` (none before
    the host has agreed a date)."""
    if placement.visit_date is None:
        return []
    return [placement.visit_date + timedelta(days=n) for n in range(placement.opportunity.days)]


def placement_url(placement: Placement) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "shadowing:placement", kwargs={"pk": placement.pk}
    )


def event_uid(placement: Placement, number: int) -> str:
    """The same for the visit's `number`th day through every change."""
    host = urlsplit(settings.SITE_URL).hostname or "learning-hub"
    return f"shadowing-{placement.pk}-{number}@{host}"


def placement_ics(placement: Placement, now: datetime | None = None) -> bytes:
    """The calendar file for one placement: one all-day event a day of the visit."""
    now = now or timezone.now()
    method = calendar_method(placement)
    opportunity = placement.opportunity
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PARTNERSHIP_NAME}//Learning Hub//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organiser.params["cn"] = vText(settings.PARTNERSHIP_NAME)
    visitor = placement.visitor.user
    attendee = vCalAddress(f"mailto:{visitor.email}")
    attendee.params["cn"] = vText(visitor.get_full_name())
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    # The visit is agreed already: there is nothing to reply to the organiser.
    attendee.params["rsvp"] = vText("FALSE")

    days = visit_days(placement)
    url = placement_url(placement)
    for number, day in enumerate(days, start=1):
        event = CalendarEvent()
        event.add("uid", event_uid(placement, number))
        event.add("sequence", placement.calendar_sequence)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        summary = f"Shadowing: {opportunity.title}, {placement.host_organisation}"
        if len(days) > 1:
            summary = f"{summary} (day {number} of {len(days)})"
        event.add("summary", summary)
        event.add("location", " ".join(opportunity.location.split()))
        event.add("description", f"Details, joining instructions and changes: {url}")
        event.add("url", url)
        event.add("organizer", organiser)
        event.add("attendee", attendee)
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
