"""Reading the completion date and the CPD hours as people type them, or as Excel stores them.

Each reader returns the value, or a sentence saying what is wrong and what to write instead.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import date_format

from organisations.imports.dates import date_parse

# Records older than this are not training anyone still counts, and a year before it is far
# more likely a typing mistake (1900, 1024) than a real completion.
EARLIEST_COMPLETION = date(1990, 1, 1)
# An hours figure above this is not one piece of training (a typing mistake: 300 for 3.00).
MAX_CPD_HOURS = Decimal("100")
# As stored: TrainingRecord.cpd_hours has two decimal places.
HOURS_PLACES = Decimal("0.01")

DATE_EXAMPLE = "31/01/2024"
HOURS_EXAMPLE = "like 3 or 1.5"

# Numbers in the shape of a date, day first (31/01/2024, 31-01-24, 31.01.2024) or ISO
# (2024-01-31): text in this shape that is not a date has a day or month that does not exist.
DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
# Hours written with their unit ("3 hours", "1.5h") or as a time ("1:30", an Excel time cell).
HOURS_WITH_UNIT = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours)\.?$", re.IGNORECASE)
HOURS_AND_MINUTES = re.compile(r"^(\d{1,2}):([0-5]\d)(?::00)?$")


class ValueProblem(Exception):
    """A cell that cannot be used. The message is a sentence for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def completion_date_read(text: str, *, row: int, today: date) -> date:
    """The completion date in a cell. Raises `ValueProblem`."""
    if not text:
        raise ValueProblem(f"Row {row} has no completion date. Write it like {DATE_EXAMPLE}.")
    parsed = _common_date(text) or date_parse(text)
    if parsed is None:
        raise ValueProblem(_unreadable_date(text, row))
    if parsed > today:
        raise ValueProblem(
            f"Row {row}: the completion date {_long(parsed)} is in the future. Give the day "
            "the training was completed."
        )
    if parsed < EARLIEST_COMPLETION:
        raise ValueProblem(
            f"Row {row}: the completion date {_long(parsed)} is before 1990. Check the year: "
            "training completed before 1990 cannot be imported."
        )
    return parsed


def _common_date(text: str) -> date | None:
    """31/01/2024 or 2024-01-31, the two ways nearly every row is written, read without trying
    every format in turn (a fifth of the time of checking a row); None for anything else."""
    try:
        if (shaped := DAY_FIRST.match(text)) and len(shaped[3]) == 4:
            return date(int(shaped[3]), int(shaped[2]), int(shaped[1]))
        if ISO.match(text):
            year, month, day = text.split("-")
            return date(int(year), int(month), int(day))
    except ValueError:
        return None
    return None


def _unreadable_date(text: str, row: int) -> str:
    shaped = DAY_FIRST.match(text)
    if shaped and int(shaped[1]) <= 12 < int(shaped[2]) <= 31:
        # 01/31/2024: the month and day are the American way round.
        return (
            f"Row {row}: the date “{text}” is not a real date. Write the day first, like "
            f"{DATE_EXAMPLE}."
        )
    if shaped or ISO.match(text):
        return f"Row {row}: the date “{text}” is not a real date. Use the format {DATE_EXAMPLE}."
    return f"Row {row}: “{text}” is not a date. Use the format {DATE_EXAMPLE}."


def _long(day: date) -> str:
    return date_format(day, "j F Y")


def cpd_hours_read(text: str, *, row: int) -> Decimal:
    """The CPD hours in a cell, to two decimal places. Raises `ValueProblem`."""
    if not text:
        raise ValueProblem(
            f"Row {row} has no CPD hours. Write the hours as a number, {HOURS_EXAMPLE}, or 0 "
            "if it does not count for any."
        )
    hours = _hours_parse(text)
    if hours is None:
        raise ValueProblem(
            f"Row {row}: the CPD hours “{text}” is not a number. Write the hours as a number, "
            f"{HOURS_EXAMPLE}."
        )
    if not Decimal(0) <= hours <= MAX_CPD_HOURS:
        raise ValueProblem(
            f"Row {row}: the CPD hours must be from 0 to {MAX_CPD_HOURS}, but the file says {text}."
        )
    # Excel stores 1.1 + 0.2 as 1.3000000000000003: what a person meant is two places.
    return hours.quantize(HOURS_PLACES, rounding=ROUND_HALF_UP)


def _hours_parse(text: str) -> Decimal | None:
    if clock := HOURS_AND_MINUTES.match(text):
        return Decimal(clock[1]) + Decimal(clock[2]) / 60
    if with_unit := HOURS_WITH_UNIT.match(text):
        text = with_unit[1]
    try:
        hours = Decimal(text)
    except InvalidOperation:
        return None
    # "NaN", "Infinity" and "1e400" are numbers to Decimal but not hours to anyone.
    if not hours.is_finite() or hours.adjusted() > 5:
        return None
    return hours
