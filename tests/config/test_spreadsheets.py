"""config.spreadsheets: every exported file guards text a spreadsheet would run as a formula,
starts a CSV with a byte order mark, and names itself in a header nobody can break."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.http import HttpResponse
from openpyxl.worksheet.worksheet import Worksheet

from config.spreadsheets import (
    CSV_CONTENT_TYPE,
    FORMULA_STARTS,
    XLSX_CONTENT_TYPE,
    Row,
    Sheet,
    attachment,
    safe,
    table_csv,
    table_csv_lines,
    table_csv_response,
    table_csv_streaming_response,
    table_xlsx,
    table_xlsx_response,
)

FORMULAS = [f"{start}HYPERLINK(1) Smith" for start in FORMULA_STARTS]


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "a byte order mark, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _sheet(content: bytes) -> Worksheet:
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


# The guard -----------------------------------------------------------------------------------


def test_the_formula_starts_are_owasps() -> None:
    assert FORMULA_STARTS == ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert safe(text) == f"'{text}"


@pytest.mark.parametrize("text", ["Ana Ash", "", "O'Brien", "a=b", " =1", "'=1", "£60"])
def test_other_text_is_left_alone(text: str) -> None:
    assert safe(text) == text


# CSV -----------------------------------------------------------------------------------------


def test_csv_guards_every_text_cell_and_writes_numbers_and_dates_as_they_are() -> None:
    content = table_csv(
        ["Name", "Day", "Amount", "Count", "Note"],
        [
            [FORMULAS[0], date(2026, 3, 1), Decimal("-5.00"), -3, None],
            ["Zoë Ash", datetime(2026, 3, 1, 9, 30), Decimal("60.00"), 0, FORMULAS[1]],
        ],
    )
    assert _csv_rows(content) == [
        ["Name", "Day", "Amount", "Count", "Note"],
        ["'=HYPERLINK(1) Smith", "2026-03-01", "-5.00", "-3", ""],
        ["Zoë Ash", "2026-03-01T09:30:00", "60.00", "0", "'+HYPERLINK(1) Smith"],
    ]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_guards_each_formula_start(text: str) -> None:
    assert _csv_rows(table_csv(["Name"], [[text]]))[1] == [f"'{text}"]


def test_csv_is_what_csv_writer_makes_after_a_byte_order_mark() -> None:
    """The same bytes as the exports wrote by hand before (CRLF line ends, quoting)."""
    content = table_csv(["a", "b"], [['say "hi"', "one, two"], ["x\ny", 1]])
    assert content == b'\xef\xbb\xbfa,b\r\n"say ""hi""","one, two"\r\n"x\ny",1\r\n'


def test_csv_lines_read_the_rows_only_as_they_are_sent() -> None:
    read: list[int] = []

    def rows() -> Iterator[Row]:
        for number in range(3):
            read.append(number)
            yield [number]

    lines = table_csv_lines(["n"], rows())
    assert next(lines) == b"\xef\xbb\xbfn\r\n"
    assert read == []
    assert next(lines) == b"0\r\n"
    assert read == [0]
    assert list(lines) == [b"1\r\n", b"2\r\n"]


def test_csv_responses_are_attachments() -> None:
    response = table_csv_response("people.csv", ["Name"], [["=1"]])
    assert response["Content-Type"] == CSV_CONTENT_TYPE == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    assert _csv_rows(response.content) == [["Name"], ["'=1"]]
    streaming = table_csv_streaming_response("people.csv", ["Name"], [["=1"]])
    assert streaming.streaming
    assert streaming["Content-Type"] == CSV_CONTENT_TYPE
    assert streaming["Content-Disposition"] == 'attachment; filename="people.csv"'
    assert _csv_rows(b"".join(streaming.streaming_content)) == [["Name"], ["'=1"]]


# XLSX ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_xlsx_writes_formulas_as_text(text: str) -> None:
    """openpyxl would store text starting with "=" as a formula; guarded, it stays text."""
    sheet = _sheet(table_xlsx(Sheet("People", ["Name"], [[text]])))
    assert sheet["A2"].value == f"'{text}"
    assert sheet["A2"].data_type == "s"


def test_xlsx_keeps_numbers_and_dates_real_with_their_formats() -> None:
    content = table_xlsx(
        Sheet(
            "Charges",
            ["Name", "Day", "Amount"],
            [["Ana Ash", date(2026, 3, 1), Decimal("-5.50")], ["Ben Birch", None, 60]],
            widths=(40, 18, 12),
            number_formats={"Day": "d mmmm yyyy", "Amount": '"£"#,##0.00'},
        )
    )
    sheet = _sheet(content)
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Name", "Day", "Amount"),
        ("Ana Ash", datetime(2026, 3, 1), -5.5),
        ("Ben Birch", None, 60),
    ]
    assert sheet["B2"].number_format == "d mmmm yyyy"
    assert sheet["C2"].number_format == '"£"#,##0.00'
    assert sheet["B3"].number_format == "General"  # an empty cell is left alone
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert [sheet.column_dimensions[letter].width for letter in "ABC"] == [40, 18, 12]


def test_xlsx_sheets_in_order_with_titles_excel_accepts() -> None:
    content = table_xlsx(
        Sheet("A title longer than Excel allows for a sheet", ["a"], [[1]]),
        Sheet("Standards", ["b"], [], freeze_header=False),
    )
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["A title longer than Excel allow", "Standards"]
    assert workbook.active == workbook.worksheets[0]
    assert workbook["Standards"].freeze_panes is None
    assert list(workbook["Standards"].iter_rows(values_only=True)) == [("b",)]


def test_a_number_format_for_a_column_that_is_not_there_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="Amount"):
        table_xlsx(Sheet("People", ["Name"], [], number_formats={"Amount": "0.00"}))


def test_xlsx_response_is_an_attachment() -> None:
    response = table_xlsx_response("charges.xlsx", Sheet("Charges", ["Name"], [["@SUM(1)"]]))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="charges.xlsx"'
    assert _sheet(response.content)["A2"].value == "'@SUM(1)"


# The file name -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "header"),
    [
        (
            "compliance-lewisham-2026-03-01.csv",
            'attachment; filename="compliance-lewisham-2026-03-01.csv"',
        ),
        ('say "hi".csv', 'attachment; filename="say \\"hi\\".csv"'),
        ("back\\slash.csv", 'attachment; filename="back\\\\slash.csv"'),
        ("Zoë.csv", "attachment; filename*=utf-8''Zo%C3%AB.csv"),
        (
            "a.csv\r\nSet-Cookie: x=1",
            "attachment; filename*=utf-8''a.csv%0D%0ASet-Cookie%3A%20x%3D1",
        ),
    ],
)
def test_attachment_names_the_file_safely(filename: str, header: str) -> None:
    response = attachment(HttpResponse(b""), filename)
    assert response["Content-Disposition"] == header
    assert "\r" not in response["Content-Disposition"]
    assert "\n" not in response["Content-Disposition"]


def test_attachment_hands_back_the_response() -> None:
    response = HttpResponse(b"")
    assert attachment(response, "a.csv") is response
