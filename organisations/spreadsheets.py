"""Reading an uploaded spreadsheet, CSV or Excel (.xlsx), into rows of text, for every import.

A small file can still be a lot of work. An .xlsx is a zip: 400 KB of it can unpack to 400 MB,
and a sheet can hold a million blank rows, or one row of a million cells, which openpyxl holds
in memory whole. So limits are checked before anything is read and again while reading, and
reading stops at the first one broken:

- before: the file's own size; for an .xlsx the zip's list of contents (how many parts, how big
  they unpack to, in all and against their compressed size), then one pass over every part
  with a parser that only counts (`_PartCount`), so openpyxl is never given more than it can
  hold;
- while: every row read counts towards the row limit, blank or not, and no cell may be longer
  than `IMPORT_MAX_CELL_CHARACTERS`. A CSV's lines are limited in length too.

Both imports read their files here (the people import, `organisations.imports`, and the
training records import, `training.record_imports`). Every refusal is a `FileProblem` whose
message is a sentence for the person uploading. The limits are listed in docs/imports.md.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import PurePath
from typing import IO
from xml.parsers import expat

import openpyxl
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from openpyxl.utils import get_column_letter

# More than a large trust's whole workforce, or five years of its training; a bigger list is
# split so the preview stays usable. Rows below the column names, blank ones included.
MAX_ROWS = 5_000
# 5,000 rows of CSV come to well under 1 MB; a file far bigger than that is not a list of
# people or of training.
MAX_FILE_BYTES = 5 * 1024 * 1024
# Columns beyond this are never read: an import has fewer than ten.
MAX_COLUMNS = 50
# A CSV line this long is not a row of an import (50 full cells are about 50,000 characters),
# and the csv module would hold every cell of it at once.
MAX_LINE_CHARACTERS = 100_000

# An .xlsx written by Excel, LibreOffice or Numbers has a dozen parts, more with pictures.
MAX_XLSX_PARTS = 1_000
# XML compresses about ten times; a part unpacking to a hundred times its packed size is built
# to be unpacked, not read. Tiny parts are left alone: their ratio means nothing.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# What openpyxl holds in memory at once, counted in XML elements (about 400 bytes each once
# parsed): one row of a sheet or one shared string, or the whole of any other part (styles,
# the workbook's list of sheets). A row of 50 cells is about 150 elements; a workbook's
# styles, even with thousands of formats, fewer than 100,000.
MAX_ELEMENTS_IN_ROW = 10_000
MAX_ELEMENTS_IN_PART = 200_000
# openpyxl keeps a (cleared) element for every row it passes and every shared string it reads,
# in every sheet of the workbook, not only the one imported.
MAX_ROWS_IN_ANY_SHEET = 100_000
MAX_SHARED_STRINGS = 300_000

NAMESPACE_SEPARATOR = " "


class FileProblem(Exception):
    """The file as a whole cannot be used. The message is a sentence for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def spreadsheet_unpacked_size(*, content: bytes, filename: str, unit: str) -> int:
    """How many bytes reading this upload means going through: a CSV's own size, an .xlsx's
    parts once unpacked. Raises `FileProblem` when the file's type, size or (for an .xlsx)
    list of contents means it cannot be used. Cheap: no cell is read.

    `unit` names what the rows are ("people", "rows") in the message about size."""
    name = PurePath(filename).name
    suffix = PurePath(filename).suffix.lower()
    if len(content) > MAX_FILE_BYTES:
        raise FileProblem(
            f"“{name}” is bigger than 5 MB. Split it into smaller files of no more than "
            f"{MAX_ROWS:,} {unit} each."
        )
    if suffix == ".csv":
        if b"\x00" in content:
            raise FileProblem(f"“{name}” is not a CSV file. Save it as CSV and upload it again.")
        return len(content)
    if suffix == ".xlsx":
        return _xlsx_contents_check(content, name)
    if suffix in (".xls", ".ods", ".numbers"):
        raise FileProblem(
            f"“{name}” is not a file type we can read. Save it as an Excel workbook (.xlsx) or "
            "as CSV, then upload it again."
        )
    raise FileProblem(f"“{name}” must be a CSV file or an Excel workbook (.xlsx).")


def spreadsheet_rows(*, content: bytes, filename: str, unit: str) -> Iterator[list[str]]:
    """The rows of a CSV or XLSX upload as lists of tidy text, the first row first.

    Raises `FileProblem` saying plainly why the file cannot be used: at once for its type and
    size (`spreadsheet_unpacked_size`), and while the rows are read for a row too many or a
    cell too long. At most `MAX_ROWS` rows below the first are read."""
    spreadsheet_unpacked_size(content=content, filename=filename, unit=unit)
    name = PurePath(filename).name
    if PurePath(filename).suffix.lower() == ".csv":
        return _csv_rows(content, name)
    return _xlsx_rows(content, name)


def _too_many_rows() -> FileProblem:
    return FileProblem(
        f"The file has more than {MAX_ROWS:,} rows below the column names (blank rows count "
        f"too). Split it into files of {MAX_ROWS:,} rows or fewer."
    )


def _cell_too_long(reference: str) -> FileProblem:
    limit = settings.IMPORT_MAX_CELL_CHARACTERS
    return FileProblem(
        f"{reference} is longer than {limit:,} characters. Shorten it, or delete it if it is "
        "not needed, and upload the file again."
    )


def _row_cells(values: Iterable[object], row: int) -> list[str]:
    """A row's cells as text, refusing one longer than the limit (before spaces are tidied:
    a cell of a million spaces is refused too)."""
    limit = settings.IMPORT_MAX_CELL_CHARACTERS
    cells = []
    for column, value in enumerate(values, start=1):
        text = _cell_text(value)
        if len(value if isinstance(value, str) else text) > limit:
            raise _cell_too_long(f"Cell {get_column_letter(column)}{row}")
        cells.append(text)
    return cells


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


# CSV -----------------------------------------------------------------------------------------


def _csv_rows(content: bytes, name: str) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" (not "CSV UTF-8") in this encoding.
        text = content.decode("cp1252", errors="replace")
    number = 0
    try:
        for cells in csv.reader(_csv_lines(text, name)):
            number += 1
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            yield _row_cells(cells[:MAX_COLUMNS], number)
    except csv.Error as error:
        # The csv module's own limit on a cell (128 KB), for a quoted cell across many lines.
        if "field larger than field limit" in str(error):
            raise _cell_too_long(f"A cell in row {number + 1}") from error
        raise FileProblem(
            f"“{name}” could not be read as CSV. Save it again as CSV UTF-8 and upload it."
        ) from error


def _csv_lines(text: str, name: str) -> Iterator[str]:
    """The file's lines for the csv module, refusing one too long before it is split."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_CHARACTERS:
            raise FileProblem(
                f"Line {number:,} of “{name}” is longer than {MAX_LINE_CHARACTERS:,} "
                "characters. Check that the file has one row on each line, and upload it again."
            )
        yield line


# XLSX ----------------------------------------------------------------------------------------


def _unreadable(name: str) -> FileProblem:
    return FileProblem(
        f"“{name}” could not be read as an Excel workbook. Save it again as .xlsx or CSV and "
        "upload it."
    )


def _unsafe(name: str) -> FileProblem:
    return FileProblem(
        f"“{name}” is built in a way we cannot read safely. Save it again as a new .xlsx "
        "workbook or as CSV, and upload that."
    )


def _xlsx_contents_check(content: bytes, name: str) -> int:
    """The zip's list of contents, checked without unpacking anything. Python's zipfile never
    unpacks a part beyond the size listed for it (it fails the part's checksum instead), so
    the listed sizes can be trusted here."""
    if not content.startswith(b"PK"):
        raise _unreadable(name)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _unreadable(name) from error
    if len(parts) > MAX_XLSX_PARTS:
        raise _unsafe(name)
    unpacked = sum(part.file_size for part in parts)
    limit: int = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    if unpacked > limit:
        raise FileProblem(
            f"“{name}” is too big once unpacked: Excel files are compressed, and this one "
            f"holds more than {limit // (1024 * 1024):,} MB. Save only the sheet you need, as "
            "CSV or as a new .xlsx workbook, and upload that."
        )
    for part in parts:
        if (
            part.file_size > RATIO_CHECKED_FROM_BYTES
            and part.file_size > MAX_COMPRESSION_RATIO * max(part.compress_size, 1)
        ):
            raise FileProblem(
                f"“{name}” unpacks to far more than a workbook of its size should, so we have "
                "not opened it. Save it again as a new .xlsx workbook or as CSV, and upload that."
            )
    return unpacked


def _xlsx_rows(content: bytes, name: str) -> Iterator[list[str]]:
    _xlsx_parts_check(content, name)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
    except SoftTimeLimitExceeded:
        raise
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        raise _unreadable(name) from error
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size into the file; read what is really there.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        # openpyxl makes up blank rows for the numbers a sheet skips: they count too.
        for number, values in enumerate(rows, start=1):
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            yield _row_cells(values, number)
    except (FileProblem, SoftTimeLimitExceeded):
        raise
    except Exception as error:
        raise _unreadable(name) from error
    finally:
        workbook.close()


def _xlsx_parts_check(content: bytes, name: str) -> None:
    """Count every part's XML as it unpacks, keeping nothing, before openpyxl reads any."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for part in archive.infolist():
                if not part.is_dir():
                    with archive.open(part) as stream:
                        _PartCount(name).read(stream)
    except FileProblem:
        raise
    except (
        zipfile.BadZipFile,  # a part bigger than listed, or damaged
        RuntimeError,  # a part with a password
        NotImplementedError,  # a compression method zipfile does not know
        zlib.error,
        OSError,
        ValueError,
        EOFError,
    ) as error:
        raise _unreadable(name) from error


class _PartCount:
    """Counts one part's XML elements as expat reads it, building nothing, and refuses the file
    as soon as openpyxl would have to hold too much of it at once (see the limits above).

    A part that is not XML (a picture) or is damaged stops being counted where expat gives up:
    openpyxl, reading with the same parser, would fail at the same place if it read it. A
    document type (which no spreadsheet program writes) is refused: it is how XML expands
    entities."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.open: list[str] = []
        self.chunk_depth: int | None = None
        self.chunk_elements = 0
        self.part_elements = 0
        self.rows = 0
        self.strings = 0

    def read(self, stream: IO[bytes]) -> None:
        parser = expat.ParserCreate(namespace_separator=NAMESPACE_SEPARATOR)
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.StartDoctypeDeclHandler = self._refuse
        parser.EntityDeclHandler = self._refuse
        try:
            parser.ParseFile(stream)
        except expat.ExpatError:
            return

    def _refuse(self, *args: object) -> None:
        raise _unsafe(self.name)

    def _start(self, tag: str, attributes: object) -> None:
        local = tag.rpartition(NAMESPACE_SEPARATOR)[2]
        parent = self.open[-1] if self.open else ""
        self.open.append(local)
        if self.chunk_depth is not None:
            self.chunk_elements += 1
            if self.chunk_elements > MAX_ELEMENTS_IN_ROW:
                raise _unsafe(self.name)
        elif parent == "sheetData" and local == "row":
            self._chunk_start()
            self.rows += 1
            if self.rows > MAX_ROWS_IN_ANY_SHEET:
                raise FileProblem(
                    f"“{self.name}” has a sheet with more than {MAX_ROWS_IN_ANY_SHEET:,} rows "
                    "(blank rows count too). Keep only the sheet you need, with no more than "
                    f"{MAX_ROWS:,} rows, save it as CSV or as a new workbook, and upload that."
                )
        elif parent == "sst" and local == "si":
            self._chunk_start()
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise _unsafe(self.name)
        else:
            self.part_elements += 1
            if self.part_elements > MAX_ELEMENTS_IN_PART:
                raise _unsafe(self.name)

    def _chunk_start(self) -> None:
        self.chunk_depth = len(self.open)
        self.chunk_elements = 1

    def _end(self, tag: str) -> None:
        if self.chunk_depth == len(self.open):
            self.chunk_depth = None
        self.open.pop()
