"""Reading dates the way people type them in a spreadsheet, or the way Excel stores them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

# British order only: 03/04/2026 is 3 April. ISO dates are unambiguous, so they are read too.
DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%Y-%m-%d %H:%M:%S",
)

# Excel counts days from 30 December 1899 (allowing for its 1900 leap-year bug). Serial numbers
# between these bounds (1954 to 2119) can only be dates here, never anything else in a date
# column, so a bare number from an unformatted Excel cell is read as one.
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIAL_MIN = 20_000
EXCEL_SERIAL_MAX = 80_000


def date_parse(value: str) -> date | None:
    """The date written in a cell, or None when it cannot be read as one.

    Accepts 25/11/2026, 25/11/26, 2026-11-25, 25 November 2026, 25 Nov 2026, an ISO date
    with a time, and an Excel serial number.
    """
    text = " ".join(value.split())
    if not text:
        return None
    if text.replace(".", "", 1).isdigit():
        serial = float(text)
        if EXCEL_SERIAL_MIN <= serial <= EXCEL_SERIAL_MAX:
            return EXCEL_EPOCH + timedelta(days=int(serial))
        return None
    if "T" in text:
        # "2026-11-25T00:00:00", as some systems export a date.
        text = text.split("T", 1)[0]
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None
