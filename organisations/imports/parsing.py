"""Turning an uploaded CSV or Excel file into rows of text, or saying why it cannot be used.

The bytes are read by `organisations.spreadsheets`, with its limits (size, rows, cell length),
for this import and the training records import alike; this module matches the header row to
the columns and keeps the rows that have something in them.

Rows keep the number a person sees in their spreadsheet (the header is row 1), so every problem
can point at the right line. Blank rows are skipped but still counted, towards the row limit
too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from organisations.imports.columns import Column, columns_for, header_lookup, normalise_header
from organisations.spreadsheets import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    FileProblem,
    spreadsheet_rows,
)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ROW_NUMBER",
    "VALUES",
    "FileProblem",
    "ParsedFile",
    "header_positions",
    "upload_parse",
    "words_list",
]

ROW_NUMBER = "row"
VALUES = "values"


@dataclass
class ParsedFile:
    """The file's rows as text, keyed by our column names, with their spreadsheet row numbers."""

    rows: list[dict[str, object]]
    ignored_headers: list[str] = field(default_factory=list)


def upload_parse(*, content: bytes, filename: str, kind: str) -> ParsedFile:
    """Read a CSV or XLSX upload for this kind of membership. Raises `FileProblem`."""
    return _rows_read(spreadsheet_rows(content=content, filename=filename, unit="people"), kind)


def _rows_read(raw_rows: Iterable[list[str]], kind: str) -> ParsedFile:
    positions: dict[int, str] | None = None
    ignored: list[str] = []
    rows: list[dict[str, object]] = []
    for number, cells in enumerate(raw_rows, start=1):
        if positions is None:
            if any(cells):
                positions, ignored = _header_read(cells, kind)
            continue
        values = {name: (cells[i] if i < len(cells) else "") for i, name in positions.items()}
        if not any(values.values()):
            continue
        rows.append({ROW_NUMBER: number, VALUES: values})
    if not rows:
        raise FileProblem(
            "The file has no people in it. Put the column names in the first row and one person "
            "in each row below."
        )
    return ParsedFile(rows=rows, ignored_headers=ignored)


def _header_read(cells: list[str], kind: str) -> tuple[dict[int, str], list[str]]:
    """Which position holds which column, and the headers we do not use."""
    return header_positions(cells, lookup=header_lookup(kind), columns=columns_for(kind))


def header_positions(
    cells: list[str], *, lookup: dict[str, str], columns: Sequence[Column]
) -> tuple[dict[int, str], list[str]]:
    """Which position of a header row holds which of `columns` (headers matched through
    `lookup`, normalised), and the headers we do not use. A column named twice or a required
    one missing is a `FileProblem`. Shared by every import."""
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(cells):
        if not header:
            continue
        name = lookup.get(normalise_header(header))
        if name is None:
            ignored.append(header)
            continue
        if name in seen:
            raise FileProblem(
                f"The file has more than one “{name}” column (“{seen[name]}” and “{header}”). "
                "Keep one of them and upload the file again."
            )
        seen[name] = header
        positions[index] = name
    expected = [column.name for column in columns]
    missing = [column.name for column in columns if column.required and column.name not in seen]
    if missing:
        what = (
            f"the “{missing[0]}” column"
            if len(missing) == 1
            else f"the columns {words_list([f'“{name}”' for name in missing])}"
        )
        raise FileProblem(
            f"The file is missing {what}. The first row must name the columns: "
            f"{', '.join(expected)}."
        )
    # Columns we know but the file left out read as blank, so every row has every column:
    # rows are cut to MAX_COLUMNS cells, so a position past that is always empty.
    for name in expected:
        if name not in seen:
            positions[MAX_COLUMNS + len(positions)] = name
    return positions, ignored


def words_list(items: list[str], conjunction: str = "and") -> str:
    """Items joined for a sentence: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
