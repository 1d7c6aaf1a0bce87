"""Compliance exports as CSV and XLSX: an organisation's rows and the partnership's figures by
organisation.

The organisation's rows come from one query (`rows_for_table`) read in chunks: the CSV is
streamed as it is read, the XLSX written by openpyxl's write-only workbook, so a large
organisation never sits in memory as model objects.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from compliance.enums import ComplianceStatus
from compliance.models import AppliedRequirement
from compliance.selectors.tables import OrganisationFigures

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# Rows fetched from the database at a time while writing an export: enough to keep round trips
# few, small enough that a big organisation's export never holds it all in memory.
EXPORT_CHUNK_SIZE = 2000

# A spreadsheet treats text starting with these as a formula; names and titles are typed by
# people, so such text is written with a leading apostrophe (OWASP's advice on CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DATE_FORMAT = "d mmmm yyyy"

ROW_HEADER = [
    "Person",
    "Email address",
    "Staff, volunteer or governor",
    "Job role",
    "Line manager",
    "Requirement",
    "Standard",
    "Status",
    "Last met",
    "Expires or due",
    "Status changes on",
]
ROW_DATE_COLUMNS = (9, 10, 11)  # 1-based, for the spreadsheet's date format
ROW_WIDTHS = (28, 32, 14, 24, 28, 36, 32, 14, 18, 18, 18)

ORGANISATION_HEADER = [
    "Organisation",
    "Sector",
    "Compliance rate (%)",
    "In date",
    "Due soon",
    "Overdue",
    "Missing",
    "New starters",
    "People required",
    "Staff on the hub",
    "Declared headcount",
    "Staff on the hub (% of headcount)",
    "Staff with everything in date",
    "In date (% of headcount)",
]
ORGANISATION_WIDTHS = (40, 24, 12, 10, 10, 10, 10, 12, 12, 12, 12, 14, 14, 14)


def safe(text: str) -> str:
    """Text a spreadsheet will show as typed, never run as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.email)


ExportValue = str | int | Decimal | date | None


def _row_values(row: AppliedRequirement) -> list[ExportValue]:
    membership = row.membership
    manager = membership.line_manager
    values: Any = row  # the annotations `rows_for_table` adds
    return [
        safe(_name(membership.user)),
        safe(membership.user.email),
        membership.get_kind_display(),
        safe(membership.job_role.name) if membership.job_role else "",
        safe(_name(manager.user)) if manager else "",
        safe(row.requirement.name),
        safe(row.standard.name),
        str(ComplianceStatus(values.status).label),
        values.effective_on,
        values.due_on,
        values.status_changes_on,
    ]


def _csv_text(value: ExportValue) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Echo:
    """A file-like object that hands back what is written, for streaming csv.writer's lines."""

    def write(self, value: str) -> str:
        return value


def rows_csv(rows: Iterable[AppliedRequirement]) -> Iterator[bytes]:
    """The rows as CSV, a line at a time, UTF-8 with a byte order mark so Excel reads names
    with accents correctly."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow(ROW_HEADER)).encode("utf-8")
    for row in rows:
        yield writer.writerow([_csv_text(value) for value in _row_values(row)]).encode("utf-8")


def _bold_header(sheet: WriteOnlyWorksheet, header: list[str]) -> list[Any]:
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _workbook(
    title: str,
    header: list[str],
    widths: tuple[int, ...],
    lines: Iterable[list[ExportValue]],
    date_columns: tuple[int, ...] = (),
) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_bold_header(sheet, header))
    for values in lines:
        cells: list[Any] = []
        for index, value in enumerate(values, start=1):
            if index in date_columns and value is not None:
                cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # dates are fine
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_xlsx(rows: Iterable[AppliedRequirement], *, title: str = "Compliance") -> bytes:
    """The rows as an Excel workbook with real dates."""
    return _workbook(
        title[:31],  # Excel's limit for a sheet name
        ROW_HEADER,
        ROW_WIDTHS,
        (_row_values(row) for row in rows),
        ROW_DATE_COLUMNS,
    )


def _organisation_values(figures: OrganisationFigures) -> list[ExportValue]:
    counts = figures.counts
    return [
        safe(figures.name),
        figures.sector_label,
        counts.rate,
        counts.in_date,
        counts.due_soon,
        counts.overdue,
        counts.missing,
        counts.new_starter,
        figures.people_required,
        figures.staff_on_hub,
        figures.headcount,
        figures.hub_coverage,
        figures.staff_in_date,
        figures.in_date_coverage,
    ]


def organisations_csv(organisations: Iterable[OrganisationFigures]) -> bytes:
    """The partnership's figures by organisation as CSV (a blank rate or percentage: nobody
    counted, or no headcount declared)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ORGANISATION_HEADER)
    for figures in organisations:
        writer.writerow([_csv_text(value) for value in _organisation_values(figures)])
    return buffer.getvalue().encode("utf-8-sig")


def organisations_xlsx(organisations: Iterable[OrganisationFigures]) -> bytes:
    return _workbook(
        "Compliance by organisation",
        ORGANISATION_HEADER,
        ORGANISATION_WIDTHS,
        (_organisation_values(figures) for figures in organisations),
    )
