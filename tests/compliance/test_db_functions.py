"""Date arithmetic in the database agrees with `dateutil.relativedelta`, on SQLite and PostgreSQL.

`AddMonths` and `AddDays` decide every expiry and grace end in compliance. SQLite's own
`date(d, '+1 month')` rolls 31 January over into March, so the month ends, 29 February and
leap years are checked against relativedelta one by one, then on random dates with hypothesis.
Each test runs on the database the suite runs on; the `postgres` copies make sure PostgreSQL is
always checked as well when it is there.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import DateField, F, IntegerField, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.db_functions import AddDays, AddMonths
from compliance.models import Requirement
from organisations.models import Organisation
from tests.compliance.factories import RequirementFactory
from tests.training.factories import TrainingStandardFactory

# (day, months): every month end, leap days, year ends, long and negative spans.
MONTH_CASES = [
    (date(2024, 1, 31), 1),  # to 29 February in a leap year
    (date(2023, 1, 31), 1),  # to 28 February
    (date(2024, 1, 30), 1),
    (date(2024, 1, 29), 1),
    (date(2024, 1, 28), 1),
    (date(2024, 2, 29), 12),  # to 28 February
    (date(2024, 2, 29), 48),  # to the next leap day
    (date(2024, 2, 29), 1),
    (date(2024, 2, 28), 12),
    (date(2023, 2, 28), 12),
    (date(2024, 3, 31), 1),  # to 30 April
    (date(2024, 5, 31), 1),
    (date(2024, 8, 31), 1),
    (date(2024, 10, 31), 1),
    (date(2024, 12, 31), 2),  # across a year end, to 28 February
    (date(2023, 12, 31), 2),  # to 29 February
    (date(2024, 12, 31), 1),
    (date(2024, 1, 31), 13),
    (date(2024, 8, 31), 6),  # to 28 February
    (date(2025, 3, 15), 0),
    (date(2025, 3, 15), 36),
    (date(1999, 12, 31), 600),
    (date(2024, 3, 31), -1),  # back to 29 February
    (date(2025, 3, 31), -1),
    (date(2025, 2, 28), -12),
    (date(2024, 1, 1), -1),
    (date(2025, 1, 15), -25),
]
DAY_CASES = [
    (date(2024, 2, 28), 1),
    (date(2023, 2, 28), 1),
    (date(2024, 2, 29), 1),
    (date(2024, 3, 1), -1),
    (date(2023, 3, 1), -1),
    (date(2024, 12, 31), 1),
    (date(2025, 1, 1), -1),
    (date(2025, 3, 15), 0),
    (date(2025, 3, 15), -60),
    (date(2025, 3, 15), 60),
    (date(2025, 3, 15), 3650),
    (date(2025, 3, 15), -3650),
]


def evaluate(expressions: dict[str, Any]) -> dict[str, Any]:
    """The expressions' values, computed by the database in one query."""
    organisation, _ = Organisation.objects.get_or_create(
        slug="arithmetic", defaults={"name": "Arithmetic", "sector": "other"}
    )
    return Organisation.objects.filter(pk=organisation.pk).values(**expressions).get()


def date_value(day: date | None) -> Value:
    return Value(day, output_field=DateField())


def int_value(number: int | None) -> Value:
    return Value(number, output_field=IntegerField())


def months_later(cases: list[tuple[date, int]]) -> dict[str, date]:
    return evaluate(
        {
            f"c{i}": AddMonths(date_value(day), int_value(months))
            for i, (day, months) in enumerate(cases)
        }
    )


def days_later(cases: list[tuple[date, int]]) -> dict[str, date]:
    return evaluate(
        {f"c{i}": AddDays(date_value(day), int_value(days)) for i, (day, days) in enumerate(cases)}
    )


def check_months(cases: list[tuple[date, int]]) -> None:
    got = months_later(cases)
    for i, (day, months) in enumerate(cases):
        assert got[f"c{i}"] == day + relativedelta(months=months), (day, months)


def check_days(cases: list[tuple[date, int]]) -> None:
    got = days_later(cases)
    for i, (day, days) in enumerate(cases):
        assert got[f"c{i}"] == day + timedelta(days=days), (day, days)


@pytest.mark.django_db
def test_add_months_keeps_the_day_or_takes_the_month_end() -> None:
    """31 January + 1 month is the last day of February; 29 February + 12 months is
    28 February; going back works the same way."""
    check_months(MONTH_CASES)
    assert months_later([(date(2024, 1, 31), 1), (date(2024, 2, 29), 12)]) == {
        "c0": date(2024, 2, 29),
        "c1": date(2025, 2, 28),
    }


@pytest.mark.django_db
def test_add_days_crosses_month_and_year_ends() -> None:
    """Days forward and back, across 29 February and 31 December."""
    check_days(DAY_CASES)


@pytest.mark.django_db
def test_null_in_gives_null_out() -> None:
    """No date, or no number of months (a standard that never expires), gives no date."""
    got = evaluate(
        {
            "no_date": AddMonths(date_value(None), int_value(3)),
            "no_months": AddMonths(date_value(date(2024, 1, 31)), int_value(None)),
            "neither": AddMonths(date_value(None), int_value(None)),
            "no_date_days": AddDays(date_value(None), int_value(3)),
            "no_days": AddDays(date_value(date(2024, 1, 31)), int_value(None)),
        }
    )
    assert got == dict.fromkeys(got)


@pytest.mark.django_db
def test_columns_as_well_as_values() -> None:
    """From columns (the way compliance uses them), including a NULL column."""
    yearly = RequirementFactory(
        applies_from=date(2024, 2, 29), renewal_months=12, grace_months=1, standard__slug="a"
    )
    never = RequirementFactory(
        applies_from=date(2024, 1, 31),
        renewal_months=None,
        grace_months=1,
        standard=TrainingStandardFactory(slug="b", validity_months=None),
    )
    got = {
        row["pk"]: row
        for row in Requirement.objects.values(
            "pk",
            renewed=AddMonths(F("applies_from"), F("renewal_months")),
            graced=AddMonths(F("applies_from"), F("grace_months")),
            validity=AddMonths(F("applies_from"), F("standard__validity_months")),
            week_before=AddDays(F("applies_from"), Value(-7)),
        )
    }
    assert got[yearly.pk] == {
        "pk": yearly.pk,
        "renewed": date(2025, 2, 28),
        "graced": date(2024, 3, 29),
        "validity": date(2027, 2, 28),
        "week_before": date(2024, 2, 22),
    }
    assert got[never.pk] == {
        "pk": never.pk,
        "renewed": None,
        "graced": date(2024, 2, 29),
        "validity": None,
        "week_before": date(2024, 1, 24),
    }


# Any date from 1900 to 2100, leaning on month ends, where the two ways of counting differ.
days = st.one_of(
    st.dates(date(1900, 1, 1), date(2100, 12, 1)),
    st.builds(
        lambda year, month: date(year, month, 1) + relativedelta(months=1) - timedelta(days=1),
        st.integers(1900, 2100),
        st.integers(1, 12),
    ),
)
RANDOM = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@RANDOM
@given(cases=st.lists(st.tuples(days, st.integers(-240, 600)), min_size=1, max_size=40))
def test_add_months_matches_relativedelta(db: None, cases: list[tuple[date, int]]) -> None:
    """On random dates and month counts (forty at a time, one query each)."""
    check_months(cases)


@RANDOM
@given(cases=st.lists(st.tuples(days, st.integers(-4000, 4000)), min_size=1, max_size=40))
def test_add_days_matches_timedelta(db: None, cases: list[tuple[date, int]]) -> None:
    """On random dates and day counts."""
    check_days(cases)


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgres_too() -> None:
    """The same fixed cases on PostgreSQL, whose interval arithmetic is its own."""
    assert connection.vendor == "postgresql"
    check_months(MONTH_CASES)
    check_days(DAY_CASES)


@pytest.mark.postgres
@RANDOM
@given(cases=st.lists(st.tuples(days, st.integers(-240, 600)), min_size=1, max_size=40))
def test_random_months_on_postgres(db: None, cases: list[tuple[date, int]]) -> None:
    """Random dates and month counts on PostgreSQL."""
    assert connection.vendor == "postgresql"
    check_months(cases)
