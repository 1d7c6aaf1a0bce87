"""Template filters for training pages."""

from decimal import Decimal

import pytest

from training.templatetags.session_dates import hours


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("2.50"), "2.5"),
        (Decimal("6.00"), "6"),
        (Decimal("0.75"), "0.75"),
        (Decimal("12"), "12"),
        (None, ""),
    ],
)
def test_hours_are_shown_without_trailing_zeros(value, shown):
    """CPD and course hours read as people write them: 2.5 hours, not 2.50."""
    assert hours(value) == shown
