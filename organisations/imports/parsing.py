"""Turning an uploaded CSV or Excel file into rows of text, or saying why it cannot be used.

Rows keep the number a person sees in their spreadsheet (the header is row 1), so every problem
can point at the right line. Blank rows are skipped but still counted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

import openpyxl

from organisations.imports.columns import Column, columns_for, header_lookup, normalise_header

# More than a large trust's whole workforce; a bigger list is split so the preview stays usable.
MAX_ROWS = 5_000
# 5,000 rows of CSV come to well under 1 MB; a file far bigger than that is not a list of people.
MAX_FILE_BYTES = 5 * 1024 * 1024
# Columns beyond this are never read: a people list has fewer than ten.
MAX_COLUMNS = 50

ROW_NUMBER = "row"
VALUES = "values"


class FileProblem(Exception):
    """The file as a whole cannot be used. The message is a sentence for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ParsedFile:
    """The file's rows as text, keyed by our column names, with their spreadsheet row numbers."""

    rows: list[dict[str, object]]
    ignored_headers: list[str] = field(default_factory=list)


def upload_parse(*, content: bytes, filename: str, kind: str) -> ParsedFile:
    """Read a CSV or XLSX upload for this kind of membership. Raises `FileProblem`."""
    return _rows_read(spreadsheet_rows(content=content, filename=filename, unit="people"), kind)


def spreadsheet_rows(*, content: bytes, filename: str, unit: str) -> Iterator[list[str]]:
    """The raw rows of a CSV or XLSX upload, or `FileProblem` saying plainly why it cannot be
    read. `unit` names what the rows are ("people", "rows") in the message about size. Shared
    by every import: the same size limit, file types and readers."""
    name = PurePath(filename).name
    suffix = PurePath(filename).suffix.lower()
    if len(content) > MAX_FILE_BYTES:
        raise FileProblem(
            f"“{name}” is bigger than 5 MB. Split it into smaller files of no more than "
            f"{MAX_ROWS:,} {unit} each."
        )
    if suffix == ".csv":
        return _csv_rows(content, name)
    if suffix == ".xlsx":
        return _xlsx_rows(content, name)
    if suffix in (".xls", ".ods", ".numbers"):
        raise FileProblem(
            f"“{name}” is not a file type we can read. Save it as an Excel workbook (.xlsx) or "
            "as CSV, then upload it again."
        )
    raise FileProblem(f"“{name}” must be a CSV file or an Excel workbook (.xlsx).")


def _cell_text(value: object) -> str:
    """A cell as tidy text: dates as ISO dates, whole numbers without ".0", spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _csv_rows(content: bytes, name: str) -> Iterator[list[str]]:
    if b"\x00" in content:
        raise FileProblem(f"“{name}” is not a CSV file. Save it as CSV and upload it again.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" (not "CSV UTF-8") in this encoding.
        text = content.decode("cp1252", errors="replace")
    try:
        for cells in csv.reader(io.StringIO(text, newline="")):
            yield [_cell_text(cell) for cell in cells[:MAX_COLUMNS]]
    except csv.Error as error:
        raise FileProblem(
            f"“{name}” could not be read as CSV. Save it again as CSV UTF-8 and upload it."
        ) from error


def _xlsx_rows(content: bytes, name: str) -> Iterator[list[str]]:
    unreadable = FileProblem(
        f"“{name}” could not be read as an Excel workbook. Save it again as .xlsx or CSV and "
        "upload it."
    )
    if not content.startswith(b"PK"):
        raise unreadable
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        raise unreadable from error
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size into the file; read what is really there.
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield [_cell_text(value) for value in values]
    except FileProblem:
        raise
    except Exception as error:
        raise unreadable from error
    finally:
        workbook.close()


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
        if len(rows) == MAX_ROWS:
            raise FileProblem(
                f"The file has more than {MAX_ROWS:,} people in it. Split it into smaller files "
                "and upload them one at a time."
            )
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
