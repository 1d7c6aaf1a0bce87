"""Compliance exports as CSV and XLSX: an organisation's rows and the partnership's figures by
organisation. The columns are here; the files are written by `config.spreadsheets`.

The organisation's rows come from one query (`rows_for_table`) read in chunks: the CSV is
streamed as it is read, the XLSX written by openpyxl's write-only workbook, so a large
organisation never sits in memory as model objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from compliance.enums import ComplianceStatus
from compliance.models import AppliedRequirement
from compliance.selectors.tables import OrganisationFigures
from config import spreadsheets
from config.spreadsheets import DATE_FORMAT, CellValue, Sheet

# Rows fetched from the database at a time while writing an export: enough to keep round trips
# few, small enough that a big organisation's export never holds it all in memory.
EXPORT_CHUNK_SIZE = 2000

# Names and titles are typed by people: every text cell is written through this guard
# (`config.spreadsheets`), named here too as this module has always offered it.
safe = spreadsheets.safe
_csv_text = spreadsheets.csv_text

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
# Shown as dates (d mmmm yyyy) in the spreadsheet.
ROW_DATE_COLUMNS = ("Last met", "Expires or due", "Status changes on")
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


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.email)


def _row_values(row: AppliedRequirement) -> list[CellValue]:
    membership = row.membership
    manager = membership.line_manager
    values: Any = row  # the annotations `rows_for_table` adds
    return [
        _name(membership.user),
        membership.user.email,
        membership.get_kind_display(),
        membership.job_role.name if membership.job_role else "",
        _name(manager.user) if manager else "",
        row.requirement.name,
        row.standard.name,
        str(ComplianceStatus(values.status).label),
        values.effective_on,
        values.due_on,
        values.status_changes_on,
    ]


def row_lines(rows: Iterable[AppliedRequirement]) -> Iterator[list[CellValue]]:
    """The values of each row, in the order of `ROW_HEADER`."""
    return (_row_values(row) for row in rows)


def rows_sheet(rows: Iterable[AppliedRequirement], *, title: str = "Compliance") -> Sheet:
    """The rows as a sheet, with real dates."""
    return Sheet(
        title,
        ROW_HEADER,
        row_lines(rows),
        widths=ROW_WIDTHS,
        number_formats=dict.fromkeys(ROW_DATE_COLUMNS, DATE_FORMAT),
    )


def _organisation_values(figures: OrganisationFigures) -> list[CellValue]:
    counts = figures.counts
    return [
        figures.name,
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


def organisation_lines(organisations: Iterable[OrganisationFigures]) -> Iterator[list[CellValue]]:
    """The figures of each organisation, in the order of `ORGANISATION_HEADER` (a blank rate or
    percentage: nobody counted, or no headcount declared)."""
    return (_organisation_values(figures) for figures in organisations)


def organisations_sheet(organisations: Iterable[OrganisationFigures]) -> Sheet:
    return Sheet(
        "Compliance by organisation",
        ORGANISATION_HEADER,
        organisation_lines(organisations),
        widths=ORGANISATION_WIDTHS,
    )
