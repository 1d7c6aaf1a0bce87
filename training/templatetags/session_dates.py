"""Dates and times of sessions in GOV.UK style: "Tuesday 8 December 2026, 9:30am to 4:30pm".

Times are stored in UTC and shown in Europe/London (the project's TIME_ZONE).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def british_time(value: datetime | None) -> str:
    """9:30am, 4pm, midday, midnight."""
    if value is None:
        return ""
    value = _local(value)
    if value.minute == 0 and value.hour == 12:
        return "midday"
    if value.minute == 0 and value.hour == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{suffix}"


@register.filter
def british_date(value: datetime | None) -> str:
    """Tuesday 8 December 2026."""
    if value is None:
        return ""
    value = _local(value)
    return f"{value:%A} {value.day} {value:%B %Y}"


@register.filter
def british_datetime(value: datetime | None) -> str:
    """4:30pm on Tuesday 8 December 2026."""
    if value is None:
        return ""
    return f"{british_time(value)} on {british_date(value)}"


@register.filter
def time_span(value: Any) -> str:
    """When a session part (or anything with starts_at and ends_at) runs:
    "Tuesday 8 December 2026, 9:30am to 4:30pm"."""
    starts_at, ends_at = getattr(value, "starts_at", None), getattr(value, "ends_at", None)
    if starts_at is None:
        return "Date to be confirmed"
    if ends_at is None:
        return f"{british_date(starts_at)}, {british_time(starts_at)}"
    if _local(starts_at).date() == _local(ends_at).date():
        return f"{british_date(starts_at)}, {british_time(starts_at)} to {british_time(ends_at)}"
    return f"{british_date(starts_at)}, {british_time(starts_at)} to {british_datetime(ends_at)}"


@register.filter
def venue_place(venue: str) -> str:
    """The first line of a venue: the building people would recognise, without the room and
    directions, which only booked people see."""
    return venue.strip().splitlines()[0].strip() if venue.strip() else ""


@register.filter
def hours(value: Any) -> str:
    """A number of hours without trailing zeros: 2.5, 6, 0.75."""
    from decimal import Decimal

    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    return f"{number:f}"
