"""The one rule for when a training record expires (training.services.records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from training.services.records import record_expiry


@dataclass
class Standard:
    validity_months: int | None


@pytest.mark.parametrize(
    ("completed_on", "validities", "expires_on"),
    [
        (date(2026, 3, 10), [36], date(2029, 3, 10)),
        # The shortest validity among the standards met.
        (date(2026, 3, 10), [36, 12, None], date(2027, 3, 10)),
        # A day the month does not have becomes its last day.
        (date(2026, 8, 31), [6], date(2027, 2, 28)),
        (date(2027, 8, 31), [6], date(2028, 2, 29)),
        # Standards that do not expire give a record that does not.
        (date(2026, 3, 10), [None], None),
        (date(2026, 3, 10), [], None),
    ],
)
def test_a_record_expires_after_the_shortest_validity(
    completed_on: date, validities: list[int | None], expires_on: date | None
) -> None:
    standards = [Standard(months) for months in validities]
    assert record_expiry(completed_on=completed_on, standards=standards) == expires_on
