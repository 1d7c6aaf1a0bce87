"""Turning an uploaded CSV or Excel file of completions into rows of text, or saying why it
cannot be used.

The bytes are read by the people import's readers (`organisations.imports.parsing`): the same
checks that a .csv really is text and an .xlsx really is a workbook, the same encodings, and
Excel's date cells turned into ISO dates. What differs is the columns and the words.

Rows keep the number a person sees in their spreadsheet (the header is row 1), so every problem
can point at the right line. Blank rows are skipped but still counted.
"""

from __future__ import annotations

from collections.abc import Iterable

from organisations.imports.parsing import (
    ROW_NUMBER,
    VALUES,
    FileProblem,
    ParsedFile,
    header_positions,
    spreadsheet_rows,
)
from training.record_imports.columns import RECORD_COLUMNS, header_lookup

# Five years of a large organisation's history comes to a few thousand rows; a bigger file is
# split so the preview stays usable. The same limit as the people import.
MAX_ROWS = 5_000
# 5,000 rows of CSV come to well under 1 MB; a file far bigger than that is not a list of
# completions (and reading it would hold a request for too long).
MAX_FILE_BYTES = 5 * 1024 * 1024

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "ROW_NUMBER", "VALUES", "FileProblem", "upload_parse"]


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
        if len(rows) == MAX_ROWS:
            raise FileProblem(
                f"The file has more than {MAX_ROWS:,} rows of training in it. Split it into "
                "smaller files and upload them one at a time."
            )
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
