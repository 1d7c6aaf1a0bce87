"""The partnership team's shadowing figures as CSV and Excel, for the period the page shows.

The placements sheet says who went where, when and how it ended, and whether a reflection was
written; it never holds a reflection's text, the visitor's learning goals, reasons given or
feedback. The matrix sheet is the page's: placements by the visitor's sector and the host's,
completed and requested. Files are written by `config.spreadsheets`, which keeps typed text
from running as a formula.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpResponse
from django.utils import timezone

from config.spreadsheets import (
    DATE_FORMAT,
    CellValue,
    Sheet,
    table_csv_response,
    table_xlsx_response,
)
from organisations.enums import Sector
from shadowing.enums import Status
from shadowing.selectors.figures import PeriodFilters, SectorMatrix, placements_listed

PLACEMENTS_HEADER = [
    "Placement",
    "Requested on",
    "Visitor",
    "Visitor's organisation",
    "Visitor's sector",
    "Host organisation",
    "Host's sector",
    "Opportunity",
    "Visit date",
    "Status",
    "Completed on",
    "Reflection written",
]

# Placements are read from the database this many at a time while the file is written.
CHUNK_SIZE = 2000


def placement_rows(filters: PeriodFilters) -> Iterator[list[CellValue]]:
    sectors = dict(Sector.choices)
    for placement in placements_listed(filters).iterator(chunk_size=CHUNK_SIZE):
        user = placement.visitor.user
        yield [
            placement.pk,
            timezone.localtime(placement.requested_at).date(),
            user.get_full_name() or user.email,
            placement.home_organisation.name,
            str(sectors.get(placement.home_organisation.sector, "")),
            placement.host_organisation.name,
            str(sectors.get(placement.host_organisation.sector, "")),
            placement.opportunity.title,
            placement.visit_date,
            str(Status(placement.status).label),
            timezone.localtime(placement.completed_at).date() if placement.completed_at else None,
            "Yes" if placement.has_reflection else "No",  # type: ignore[attr-defined]
        ]


def matrix_header(matrix: SectorMatrix) -> list[str]:
    return ["Visitor's sector", "Host's sector", "Completed", "Requested"]


def matrix_rows(matrix: SectorMatrix) -> Iterator[list[CellValue]]:
    """One row per pair of sectors with a placement, then each visitor sector's total."""
    for row in matrix.rows:
        for (_, host_label), cell in zip(matrix.columns, row.cells, strict=True):
            if cell.requested:
                yield [row.label, host_label, cell.completed, cell.requested]
    for row in matrix.rows:
        yield [row.label, "All sectors", row.total.completed, row.total.requested]
    yield ["All sectors", "All sectors", matrix.total.completed, matrix.total.requested]


def export_filename(filters: PeriodFilters, *, table: str = "placements") -> str:
    parts = [f"shadowing-{table}"]
    if filters.date_from is not None:
        parts.append(f"from-{filters.date_from.isoformat()}")
    if filters.date_to is not None:
        parts.append(f"to-{filters.date_to.isoformat()}")
    return "-".join(parts)


def placements_csv_response(filters: PeriodFilters) -> HttpResponse:
    return table_csv_response(
        f"{export_filename(filters)}.csv", PLACEMENTS_HEADER, placement_rows(filters)
    )


def matrix_csv_response(filters: PeriodFilters, matrix: SectorMatrix) -> HttpResponse:
    return table_csv_response(
        f"{export_filename(filters, table='matrix')}.csv",
        matrix_header(matrix),
        matrix_rows(matrix),
    )


def figures_xlsx_response(filters: PeriodFilters, matrix: SectorMatrix) -> HttpResponse:
    return table_xlsx_response(
        f"{export_filename(filters)}.xlsx",
        Sheet(
            "Placements",
            PLACEMENTS_HEADER,
            placement_rows(filters),
            widths=(10, 14, 28, 32, 22, 32, 22, 40, 14, 30, 14, 10),
            number_formats={
                "Requested on": DATE_FORMAT,
                "Visit date": DATE_FORMAT,
                "Completed on": DATE_FORMAT,
            },
        ),
        Sheet("Sectors", matrix_header(matrix), matrix_rows(matrix), widths=(28, 28, 12, 12)),
    )
