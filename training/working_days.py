"""Working days in England: weekdays that are not bank holidays, and the cancellation deadline.

Partnerships publish their cancellation terms in working days ("cancel at least 3 working days
before the course"), so the deadline skips weekends and England-and-Wales bank holidays, taken
from the `holidays` library so new years and special holidays (a coronation) need no release.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays

if TYPE_CHECKING:
    from training.models import Session

# Working days and bank holidays are England's, whatever time zone a request is shown in.
LONDON = ZoneInfo("Europe/London")
SATURDAY = 5


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in one year (cached: the calendar is fixed once known)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    """A weekday that is not a bank holiday in England and Wales."""
    return day.weekday() < SATURDAY and day not in _bank_holidays(day.year)


def working_days_before(day: date, n: int) -> date:
    """The date `n` working days before `day` (the day itself when `n` is 0).

    `day` need not be a working day: 3 working days before Tuesday 29 December 2026 is
    Tuesday 22 December, as 25 and 28 December are bank holidays.
    """
    if n < 0:
        raise ValueError("n must be zero or more.")
    counted = 0
    while counted < n:
        day -= timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def cancellation_deadline(session: Session) -> datetime:
    """The last moment a booking on the session may be cancelled free of charge.

    The end of the day `course.cancellation_deadline_working_days` working days before the
    session's first day (in London), but never after the session starts: with 0 working days,
    people may cancel free until the session begins.
    """
    if session.starts_at is None:
        raise ValueError("The session has no date yet.")
    first_day = session.starts_at.astimezone(LONDON).date()
    last_day = working_days_before(first_day, session.course.cancellation_deadline_working_days)
    end_of_day = datetime.combine(last_day, time.max, tzinfo=LONDON)
    return min(end_of_day, session.starts_at)


def is_late_cancellation(session: Session, *, at: datetime) -> bool:
    """Whether cancelling at this moment is after the free cancellation deadline."""
    return at > cancellation_deadline(session)
