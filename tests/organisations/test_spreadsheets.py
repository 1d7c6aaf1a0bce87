"""The spreadsheet reader every import shares: small files that would be a lot of work are
refused, plainly, before or while they are read (organisations.spreadsheets)."""

from __future__ import annotations

import resource
import time
from typing import Any

import pytest

from organisations.spreadsheets import (
    MAX_ROWS,
    MAX_ROWS_IN_ANY_SHEET,
    FileProblem,
    spreadsheet_rows,
    spreadsheet_unpacked_size,
)
from tests.organisations.conftest import STAFF_HEADER, csv_bytes, xlsx_bytes
from tests.organisations.workbooks import (
    blank_rows_xlsx,
    entity_xlsx,
    header_row,
    long_cell_xlsx,
    shared_string_bomb_xlsx,
    sheet_xml,
    wide_row_xlsx,
    xlsx_with_parts,
)

ROW = ["Sam", "Taylor", "sam@x.example", "Social worker", "", "01/09/2026"]
TOO_MANY_ROWS = (
    "The file has more than 5,000 rows below the column names (blank rows count too). Split it "
    "into files of 5,000 rows or fewer."
)
UNSAFE = (
    "“people.xlsx” is built in a way we cannot read safely. Save it again as a new .xlsx "
    "workbook or as CSV, and upload that."
)


def _read(content: bytes, filename: str = "people.xlsx") -> list[list[str]]:
    return list(spreadsheet_rows(content=content, filename=filename, unit="people"))


def _refusal(content: bytes, filename: str = "people.xlsx") -> str:
    with pytest.raises(FileProblem) as caught:
        _read(content, filename)
    return caught.value.message


def _peak_memory_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    """A workbook of a few hundred KB whose shared strings unpack to 60 MB is refused from the
    zip's list of contents: nothing is unpacked, so memory does not grow."""
    content = shared_string_bomb_xlsx(STAFF_HEADER, megabytes=60)
    assert len(content) < 500 * 1024
    before = _peak_memory_mb()
    started = time.monotonic()
    assert _refusal(content) == (
        "“people.xlsx” is too big once unpacked: Excel files are compressed, and this one holds "
        "more than 50 MB. Save only the sheet you need, as CSV or as a new .xlsx workbook, and "
        "upload that."
    )
    assert time.monotonic() - started < 1
    assert _peak_memory_mb() - before < 20


def test_a_part_compressed_far_beyond_what_spreadsheets_manage_is_refused() -> None:
    """Under the size limit, a part that unpacks to hundreds of times its packed size is built
    to be unpacked, not read: refused unopened."""
    content = shared_string_bomb_xlsx(STAFF_HEADER, megabytes=20)
    assert _refusal(content) == (
        "“people.xlsx” unpacks to far more than a workbook of its size should, so we have not "
        "opened it. Save it again as a new .xlsx workbook or as CSV, and upload that."
    )


def test_the_unpacked_size_can_be_lowered(settings: Any) -> None:
    """IMPORT_MAX_UNCOMPRESSED_BYTES sets the limit; the message names it."""
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    content = long_cell_xlsx(STAFF_HEADER, 2 * 1024 * 1024, row=ROW)
    assert "holds more than 1 MB" in _refusal(content)


def test_a_two_megabyte_cell_is_refused_naming_the_cell() -> None:
    """A cell of 2 MB (random letters, so the file is not a bomb) is refused by its cell."""
    content = long_cell_xlsx(STAFF_HEADER, 2 * 1024 * 1024, row=ROW)
    assert _refusal(content) == (
        "Cell B2 is longer than 1,000 characters. Shorten it, or delete it if it is not needed, "
        "and upload the file again."
    )


@pytest.mark.parametrize("filename", ["people.xlsx", "people.csv"])
def test_a_cell_may_be_a_thousand_characters_long_and_no_more(filename: str) -> None:
    """The limit is IMPORT_MAX_CELL_CHARACTERS (1,000): spaces count, before they are tidied."""
    build = xlsx_bytes if filename.endswith(".xlsx") else csv_bytes
    longest = [ROW[0], "x" * 1_000, *ROW[2:]]
    assert _read(build([STAFF_HEADER, longest]), filename)[1][1] == "x" * 1_000
    spaces = [ROW[0], ROW[1], " " * 1_001, *ROW[3:]]
    assert _refusal(build([STAFF_HEADER, ROW, spaces]), filename) == (
        "Cell C3 is longer than 1,000 characters. Shorten it, or delete it if it is not needed, "
        "and upload the file again."
    )


@pytest.mark.parametrize("filename", ["people.xlsx", "people.csv"])
def test_blank_rows_count_towards_the_row_limit(filename: str) -> None:
    """The column names, one person, then 5,000 blank rows: one row too many, blank or not."""
    rows = [STAFF_HEADER, ROW] + [[""] * len(STAFF_HEADER)] * MAX_ROWS
    build = xlsx_bytes if filename.endswith(".xlsx") else csv_bytes
    assert _refusal(build(rows), filename) == TOO_MANY_ROWS


@pytest.mark.parametrize("filename", ["people.xlsx", "people.csv"])
def test_exactly_the_row_limit_with_blank_rows_is_read(filename: str) -> None:
    """5,000 rows below the column names, some of them blank, are all read."""
    rows = [STAFF_HEADER] + [ROW, [""] * len(STAFF_HEADER)] * (MAX_ROWS // 2)
    build = xlsx_bytes if filename.endswith(".xlsx") else csv_bytes
    assert len(_read(build(rows), filename)) == MAX_ROWS + 1


def test_empty_row_elements_count_and_reading_stops_at_the_limit() -> None:
    """A sheet of 90,000 empty `<row>` elements: refused as soon as row 5,002 is read."""
    started = time.monotonic()
    assert _refusal(blank_rows_xlsx(STAFF_HEADER, 90_000)) == TOO_MANY_ROWS
    assert time.monotonic() - started < 5


def test_rows_a_sheet_skips_count_too() -> None:
    """One cell at the sheet's last row: the million rows skipped to reach it are blank rows,
    counted, and reading stops at the limit instead of going through them."""
    rows = [header_row(STAFF_HEADER), '<row r="1048576"><c r="A1048576"><v>1</v></c></row>']
    content = xlsx_with_parts({"xl/worksheets/sheet1.xml": sheet_xml(rows)}, header=STAFF_HEADER)
    started = time.monotonic()
    assert _refusal(content) == TOO_MANY_ROWS
    assert time.monotonic() - started < 5


def test_a_million_blank_rows_are_refused_before_reading() -> None:
    """The report's 5 MB file of a million near-empty rows (any sheet): refused by the count of
    its rows, before openpyxl goes through them, in well under the 39 s it once took."""
    started = time.monotonic()
    assert _refusal(blank_rows_xlsx(STAFF_HEADER, 1_000_000)) == (
        f"“people.xlsx” has a sheet with more than {MAX_ROWS_IN_ANY_SHEET:,} rows (blank rows "
        "count too). Keep only the sheet you need, with no more than 5,000 rows, save it as CSV "
        "or as a new workbook, and upload that."
    )
    assert time.monotonic() - started < 5


def test_a_row_of_countless_cells_is_refused() -> None:
    """openpyxl holds a whole row in memory: a row of 20,000 cells is refused unread."""
    assert _refusal(wide_row_xlsx(STAFF_HEADER, 20_000)) == UNSAFE


def test_a_workbook_declaring_xml_entities_is_refused() -> None:
    """No spreadsheet program writes a document type; entity expansion needs one."""
    assert _refusal(entity_xlsx(STAFF_HEADER)) == UNSAFE


def test_a_csv_line_too_long_is_refused() -> None:
    """A line of 200,000 commas is not a row: refused before the csv module splits it."""
    content = csv_bytes([STAFF_HEADER]) + b"," * 200_000 + b"\r\n"
    assert _refusal(content, "people.csv") == (
        "Line 2 of “people.csv” is longer than 100,000 characters. Check that the file has one "
        "row on each line, and upload it again."
    )


def test_a_quoted_csv_cell_across_many_lines_is_refused() -> None:
    """Beyond the csv module's own limit on a cell, the message is about the cell too."""
    content = csv_bytes([STAFF_HEADER, ROW]) + b'"' + b"x\n" * 70_000 + b'"\r\n'
    assert _refusal(content, "people.csv") == (
        "A cell in row 3 is longer than 1,000 characters. Shorten it, or delete it if it is not "
        "needed, and upload the file again."
    )


def test_the_unpacked_size_is_measured_without_reading() -> None:
    """A CSV's size is its own; an .xlsx's is its parts' once unpacked, from the zip's list."""
    content = csv_bytes([STAFF_HEADER, ROW])
    assert spreadsheet_unpacked_size(content=content, filename="a.csv", unit="people") == len(
        content
    )
    workbook = xlsx_bytes([STAFF_HEADER] + [ROW] * 1_000)
    unpacked = spreadsheet_unpacked_size(content=workbook, filename="a.xlsx", unit="people")
    assert unpacked > 3 * len(workbook)
