"""When things happen in the demo: training days, times in London, and months later.

Sessions fall on Tuesdays to Thursdays that are working days in England (`training.working_days`),
outside the Christmas break, as most partnerships' programmes do, so nothing lands on a bank
holiday.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from training.working_days import LONDON, is_working_day

# Tuesday, Wednesday and Thursday.
TRAINING_WEEKDAYS = frozenset({1, 2, 3})
# Nobody runs training over Christmas and the new year: from 19 December to 3 January.
CHRISTMAS_BREAK = ((12, 19), (1, 3))


def is_training_day(day: date) -> bool:
    (start_month, start_day), (end_month, end_day) = CHRISTMAS_BREAK
    in_break = (day.month, day.day) >= (start_month, start_day) or (day.month, day.day) <= (
        end_month,
        end_day,
    )
    return day.weekday() in TRAINING_WEEKDAYS and is_working_day(day) and not in_break


def training_day_from(day: date) -> date:
    """The first training day on or after `day`."""
    while not is_training_day(day):
        day += timedelta(days=1)
    return day


def training_day_until(day: date) -> date:
    """The last training day on or before `day`."""
    while not is_training_day(day):
        day -= timedelta(days=1)
    return day


def at(day: date, clock: time) -> datetime:
    """The moment on that day, in London."""
    return datetime.combine(day, clock, tzinfo=LONDON)


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it has no such day, as
    training records' expiry dates are worked out."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
