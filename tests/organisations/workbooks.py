"""Hostile Excel workbooks for the import tests, built the way an attacker would: a real
workbook from openpyxl with one part swapped for hand-written XML.

Shared by the people import's and the training records import's tests, which read files with
the same reader (organisations.spreadsheets).
"""

from __future__ import annotations

import io
import random
import string
import zipfile
from collections.abc import Iterable, Sequence

from tests.organisations.conftest import xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx_with_parts(parts: dict[str, Iterable[bytes]], *, header: Sequence[str]) -> bytes:
    """A workbook with these column names whose `parts` are the given XML, written a chunk at
    a time so a test can build a part of many megabytes cheaply. A shared strings part is
    listed in the workbook's contents and relationships, as Excel lists it."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([list(header)])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in parts:
                continue
            data = source.read(info.filename)
            if SHARED_STRINGS in parts and SHARED_STRINGS not in source.namelist():
                data = _shared_strings_listed(info.filename, data)
            target.writestr(info.filename, data)
        for part, chunks in parts.items():
            with target.open(part, "w", force_zip64=True) as stream:
                for chunk in chunks:
                    stream.write(chunk)
    return buffer.getvalue()


def sheet_xml(rows: Iterable[str]) -> Iterable[bytes]:
    """A worksheet with these `<row>` elements, a chunk each."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    for row in rows:
        yield row.encode()
    yield b"</sheetData></worksheet>"


def header_row(header: Sequence[str]) -> str:
    return values_row(1, header)


def values_row(number: int, values: Sequence[str]) -> str:
    """A `<row>` of inline strings (no shared strings part needed)."""
    cells = "".join(
        f'<c r="{string.ascii_uppercase[i]}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def blank_rows_xlsx(
    header: Sequence[str], count: int, *, then: Sequence[str] | None = None
) -> bytes:
    """The column names, then `count` rows with nothing in them (as a sheet formatted far
    down, or made to waste the server's time, has), then the row `then` if given."""
    rows = [header_row(header), *(f'<row r="{number}"/>' for number in range(2, count + 2))]
    if then is not None:
        rows.append(values_row(count + 2, then))
    return xlsx_with_parts({SHEET: sheet_xml(rows)}, header=header)


def shared_string_bomb_xlsx(header: Sequence[str], megabytes: int) -> bytes:
    """A workbook of a few hundred KB whose shared strings unpack to `megabytes` MB: one
    string of a single letter repeated, shown in cell A2."""

    def chunks() -> Iterable[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>'.encode()
        for _ in range(megabytes):
            yield b"a" * (1024 * 1024)
        yield b"</t></si></sst>"

    sheet = [header_row(header), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return xlsx_with_parts({SHARED_STRINGS: chunks(), SHEET: sheet_xml(sheet)}, header=header)


def long_cell_xlsx(header: Sequence[str], characters: int, *, row: Sequence[str]) -> bytes:
    """A workbook whose second row has, in column B, a cell of `characters` random letters
    (random, so the file does not compress like a bomb). Written by hand: openpyxl, like
    Excel, cuts a cell at 32,767 characters, but a file need not come from either."""
    text = "".join(random.choices(string.ascii_letters, k=characters))
    rows = [header_row(header), values_row(2, [*row[:1], text, *row[2:]])]
    return xlsx_with_parts({SHEET: sheet_xml(rows)}, header=header)


def wide_row_xlsx(header: Sequence[str], cells: int) -> bytes:
    """A sheet whose second row has `cells` empty cells, which openpyxl would hold at once."""
    row = '<row r="2">' + '<c r="A2"/>' * cells + "</row>"
    return xlsx_with_parts({SHEET: sheet_xml([header_row(header), row])}, header=header)


def entity_xlsx(header: Sequence[str]) -> bytes:
    """A sheet declaring an XML entity: how "billion laughs" files expand."""
    xml = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
        "<t>&lol;</t></is></c></row></sheetData></worksheet>"
    )
    return xlsx_with_parts({SHEET: [xml.encode()]}, header=header)


def _shared_strings_listed(filename: str, data: bytes) -> bytes:
    """The workbook's list of contents or of relationships, naming the shared strings part
    (openpyxl writes none for a workbook of a few strings)."""
    if filename == "[Content_Types].xml":
        override = (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        return data.replace(b"</Types>", override.encode() + b"</Types>")
    if filename == "xl/_rels/workbook.xml.rels":
        relationship = (
            '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
        )
        return data.replace(b"</Relationships>", relationship.encode() + b"</Relationships>")
    return data
