"""Turning an uploaded CSV or Excel file of completions into rows of text, or saying why it
cannot be used.

The bytes are read by the reader every import shares (`organisations.spreadsheets`): the same
checks that a .csv really is text and an .xlsx really is a workbook, the same limits on size,
rows and cell length, the same encodings, and Excel's date cells turned into ISO dates. What
differs is the columns and the words.

Rows keep the number a person sees in their spreadsheet (the header is row 1), so every problem
can point at the right line. Blank rows are skipped but still counted, towards the row limit
too.
"""

from __future__ import annotations

from collections.abc import Iterable

from organisations.imports.parsing import ROW_NUMBER, VALUES, ParsedFile, header_positions
from organisations.spreadsheets import MAX_FILE_BYTES, MAX_ROWS, FileProblem, spreadsheet_rows
from training.record_imports.columns import RECORD_COLUMNS, header_lookup

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ROW_NUMBER",
    "VALUES",
    "FileProblem",
    "ParsedFile",
    "upload_parse",
]


def upload_parse(*, content: bytes, filename: str) -> ParsedFile:
    """Read a CSV or XLSX file of completions. Raises `FileProblem` when it cannot be used."""
    return _rows_read(spreadsheet_rows(content=content, filename=filename, unit="rows"))


def _rows_read(raw_rows: Iterable[list[str]]) -> ParsedFile:
    positions: dict[int, str] | None = None
    ignored: list[str] = []
    rows: list[dict[str, object]] = []
    for number, cells in enumerate(raw_rows, start=1):
        if positions is None:
            if any(cells):
                positions, ignored = _header_read(cells)
            continue
        values = {name: (cells[i] if i < len(cells) else "") for i, name in positions.items()}
        if not any(values.values()):
            continue
        rows.append({ROW_NUMBER: number, VALUES: values})
    if not rows:
        raise FileProblem(
            "The file has no training in it. Put the column names in the first row and one "
            "piece of training in each row below."
        )
    return ParsedFile(rows=rows, ignored_headers=ignored)


def _header_read(cells: list[str]) -> tuple[dict[int, str], list[str]]:
    """Which position holds which column, and the headers we do not use."""
    return header_positions(cells, lookup=header_lookup(), columns=RECORD_COLUMNS)
