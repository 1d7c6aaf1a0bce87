"""Working days and the free-cancellation deadline, with England's real bank holidays."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays
import pytest

from tests.training.factories import CourseFactory, SessionFactory
from training.working_days import (
    LONDON,
    cancellation_deadline,
    is_late_cancellation,
    is_working_day,
    working_days_before,
)


def _london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_the_christmas_2026_bank_holidays_are_the_ones_the_tests_rely_on() -> None:
    """Christmas Day 2026 is a Friday and Boxing Day a Saturday, moved to Monday 28 December."""
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=2026)
    assert date(2026, 12, 25) in calendar
    assert date(2026, 12, 28) in calendar
    assert date(2026, 12, 24) not in calendar
    assert date(2026, 12, 29).strftime("%A") == "Tuesday"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), True),  # Thursday
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2026, 12, 26), False),  # Saturday (and Boxing Day)
        (date(2026, 12, 28), False),  # Boxing Day, moved to the Monday
        (date(2026, 12, 29), True),
        (date(2027, 1, 1), False),  # New Year's Day
        (date(2026, 5, 25), False),  # Spring bank holiday
        (date(2026, 6, 6), False),  # Saturday
        (date(2026, 6, 7), False),  # Sunday
        (date(2026, 6, 8), True),
    ],
)
def test_a_working_day_is_a_weekday_that_is_not_a_bank_holiday(day: date, working: bool) -> None:
    """Weekends and England's bank holidays are not working days."""
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        # Tuesday 29 December 2026: 28 and 25 December are bank holidays, 26 and 27 a weekend.
        (date(2026, 12, 29), 1, date(2026, 12, 24)),
        (date(2026, 12, 29), 3, date(2026, 12, 22)),
        (date(2026, 12, 29), 0, date(2026, 12, 29)),
        # 2027: Christmas falls on a weekend, so 27 and 28 December are the bank holidays.
        (date(2027, 12, 29), 2, date(2027, 12, 23)),
        # New Year's Day 2027 is a Friday.
        (date(2027, 1, 4), 1, date(2026, 12, 31)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (date(2026, 4, 7), 2, date(2026, 4, 1)),
        # An ordinary week: Monday back to the Friday before.
        (date(2026, 6, 15), 1, date(2026, 6, 12)),
        (date(2026, 6, 15), 5, date(2026, 6, 8)),
        # A session on a Saturday still counts back in working days.
        (date(2026, 6, 13), 1, date(2026, 6, 12)),
        # Across the spring bank holiday (Monday 25 May 2026).
        (date(2026, 6, 2), 6, date(2026, 5, 22)),
    ],
)
def test_working_days_before_skips_weekends_and_bank_holidays(
    day: date, n: int, expected: date
) -> None:
    """Counting back n working days skips weekends and bank holidays."""
    assert working_days_before(day, n) == expected


def test_counting_back_a_negative_number_of_days_is_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        working_days_before(date(2026, 6, 15), -1)


@pytest.mark.django_db
def test_the_deadline_is_the_end_of_the_last_free_working_day() -> None:
    """For a session on Tuesday 29 December 2026 with 3 working days' notice, cancelling is
    free until the end of Tuesday 22 December."""
    session = SessionFactory(
        course=CourseFactory(cancellation_deadline_working_days=3),
        parts=[(_london(2026, 12, 29, 9, 30), _london(2026, 12, 29, 16, 30))],
    )
    deadline = cancellation_deadline(session)
    assert deadline.astimezone(LONDON).date() == date(2026, 12, 22)
    assert not is_late_cancellation(session, at=_london(2026, 12, 22, 23, 59, 59))
    assert is_late_cancellation(session, at=_london(2026, 12, 23, 0, 0))
    assert is_late_cancellation(session, at=deadline + timedelta(microseconds=1))
    assert not is_late_cancellation(session, at=deadline)


@pytest.mark.django_db
def test_the_deadline_is_in_london_time_in_summer() -> None:
    """In British Summer Time the day ends at 23:00 UTC, not midnight."""
    session = SessionFactory(
        course=CourseFactory(cancellation_deadline_working_days=1),
        parts=[(_london(2026, 6, 16, 9, 30), _london(2026, 6, 16, 16, 30))],
    )
    deadline = cancellation_deadline(session)
    assert deadline.astimezone(LONDON).date() == date(2026, 6, 15)
    assert deadline.utcoffset() == timedelta(hours=1)
    assert (deadline + timedelta(microseconds=1)).astimezone(LONDON).date() == date(2026, 6, 16)


@pytest.mark.django_db
def test_with_no_working_days_notice_cancelling_is_free_until_the_session_starts() -> None:
    start = _london(2026, 6, 16, 9, 30)
    session = SessionFactory(
        course=CourseFactory(cancellation_deadline_working_days=0),
        parts=[(start, start + timedelta(hours=7))],
    )
    assert cancellation_deadline(session) == start


@pytest.mark.django_db
def test_a_multi_day_session_counts_back_from_its_first_day() -> None:
    """A two-day course's deadline counts from day one."""
    session = SessionFactory(
        course=CourseFactory(cancellation_deadline_working_days=2),
        parts=[
            (_london(2026, 6, 17, 9, 30), _london(2026, 6, 17, 16, 30)),
            (_london(2026, 6, 24, 9, 30), _london(2026, 6, 24, 16, 30)),
        ],
    )
    assert cancellation_deadline(session).astimezone(LONDON).date() == date(2026, 6, 15)


@pytest.mark.django_db
def test_a_session_without_a_date_has_no_deadline() -> None:
    session = SessionFactory(parts=[])
    with pytest.raises(ValueError, match="no date"):
        cancellation_deadline(session)
