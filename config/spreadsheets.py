"""Tables handed out as files, CSV or XLSX, written one way everywhere.

Every export and downloadable template goes through here, so none can forget what follows:

- Text typed by people (names, titles, reasons) may start with a character a spreadsheet reads
  as a formula: a person called `=HYPERLINK(...)` would run when the file is opened (CSV or
  formula injection), and openpyxl itself stores text starting with `=` as a formula. So every
  text cell, in either format, goes through `safe`; numbers and dates are written as they are.
- Excel reads a CSV as UTF-8 only after a byte order mark; without one, names with accents and
  the £ sign come out garbled.
- The file name goes into a header: `attachment` has Django quote or encode it.

Only this module may call `csv.writer` or `openpyxl.Workbook` (ruff's TID251, pyproject.toml).
Reading uploaded files is `organisations.spreadsheets`. This module imports no app, so any app
may use it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

import openpyxl
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet treats text starting with one of these as a formula (a tab or carriage return
# can hide one). Such text is written with a leading apostrophe, as OWASP advises against CSV
# injection: https://owasp.org/www-community/attacks/CSV_Injection
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A date as people here write it (1 March 2026), for XLSX date columns.
DATE_FORMAT = "d mmmm yyyy"

# What a cell may hold. A datetime is a date too; a bool is an int.
CellValue = str | int | float | Decimal | date | None
Row = Sequence[CellValue]

ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def safe(text: str) -> str:
    """Text a spreadsheet will show as typed, never run as a formula: with a leading apostrophe
    when it starts with one of `FORMULA_STARTS`, unchanged otherwise."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(value: CellValue) -> str:
    """A cell as CSV text: blank for nothing, an ISO date (2026-03-01) for a date, text through
    `safe`. Format a value beforehand to write it another way (a date day first, say)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safe(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Echo:
    """A file that hands back what is written to it, so csv.writer gives each line it makes."""

    def write(self, line: str) -> str:
        return line


def table_csv_lines(header: Sequence[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """The header and rows as CSV, a line at a time (for streaming: rows are read only as the
    lines are sent), in UTF-8 with a byte order mark first."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow([csv_text(title) for title in header])).encode("utf-8")
    for row in rows:
        yield writer.writerow([csv_text(value) for value in row]).encode("utf-8")


def table_csv(header: Sequence[str], rows: Iterable[Row]) -> bytes:
    """The header and rows as one CSV file (see `table_csv_lines`)."""
    return b"".join(table_csv_lines(header, rows))


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: a bold header row, then the rows.

    `widths` are column widths in characters, in column order. `number_formats` maps a
    header to the Excel number format of the cells below it (dates and money, which stay real
    dates and numbers so they sort and sum); empty cells are left unformatted. The header row
    stays in view on scrolling unless `freeze_header` is false.
    """

    title: str
    header: Sequence[str]
    rows: Iterable[Row]
    widths: Sequence[float] = ()
    number_formats: Mapping[str, str] = field(default_factory=dict)
    freeze_header: bool = True


def table_xlsx(*sheets: Sheet) -> bytes:
    """An Excel workbook of the sheets, in order (the first is the one that opens).

    Written by openpyxl's write-only workbook, which writes each row as it comes, so a large
    export never holds all its cells in memory.
    """
    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        # By position; a header missing from the sheet is a mistake, raised before any writing.
        formats = {
            list(spec.header).index(title): number_format
            for title, number_format in spec.number_formats.items()
        }
        sheet = workbook.create_sheet(spec.title[:31])  # Excel's limit for a sheet's name
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if spec.freeze_header:
            sheet.freeze_panes = "A2"
        header = []
        for title in spec.header:
            cell = WriteOnlyCell(sheet, value=safe(title))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            cells: list[object] = []
            for index, value in enumerate(row):
                written = safe(value) if isinstance(value, str) else value
                number_format = formats.get(index)
                if number_format and written is not None:
                    cell = WriteOnlyCell(sheet)
                    cell.value = written
                    cell.number_format = number_format
                    cells.append(cell)
                else:
                    cells.append(written)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment(response: ResponseT, filename: str) -> ResponseT:
    """The response, to be saved as `filename` rather than shown.

    Django writes the header (RFC 6266): a plain name goes between quotes, with any quote or
    backslash escaped; any other (accents, a line break) is percent-encoded, so a name can never
    end the header early or add another.
    """
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def table_csv_response(filename: str, header: Sequence[str], rows: Iterable[Row]) -> HttpResponse:
    """A CSV file to download (see `table_csv`)."""
    content = table_csv(header, rows)
    return attachment(HttpResponse(content, content_type=CSV_CONTENT_TYPE), filename)


def table_csv_streaming_response(
    filename: str, header: Sequence[str], rows: Iterable[Row]
) -> StreamingHttpResponse:
    """A CSV file to download, sent as it is written, for rows too many to hold at once."""
    lines = table_csv_lines(header, rows)
    return attachment(StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE), filename)


def table_xlsx_response(filename: str, *sheets: Sheet) -> HttpResponse:
    """An Excel workbook to download (see `table_xlsx`)."""
    return attachment(HttpResponse(table_xlsx(*sheets), content_type=XLSX_CONTENT_TYPE), filename)
