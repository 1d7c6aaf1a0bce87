"""Importing historic completions: reading files, checking every row, and applying all or
nothing, once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from compliance.enums import ComplianceStatus
from compliance.selectors.statuses import ComplianceDay, requirement_rows
from organisations.enums import ImportStatus, Sector
from organisations.models import Membership, Organisation
from organisations.spreadsheets import spreadsheet_unpacked_size
from tests.accounts.factories import UserFactory
from tests.compliance.factories import RequirementFactory
from tests.organisations.conftest import csv_bytes, xlsx_bytes
from tests.organisations.factories import EmailDomainFactory, MembershipFactory, OrganisationFactory
from tests.organisations.workbooks import (
    blank_rows_xlsx,
    long_cell_xlsx,
    shared_string_bomb_xlsx,
)
from tests.training.factories import TrainingRecordFactory, TrainingStandardFactory
from training.enums import RecordSource
from training.models import RecordImportBatch, TrainingRecord, TrainingStandard
from training.record_imports.parsing import MAX_FILE_BYTES, MAX_ROWS, FileProblem, upload_parse
from training.record_imports.validation import rows_validate
from training.record_imports.values import ValueProblem, completion_date_read, cpd_hours_read
from training.services.record_imports import (
    ApplyOutcome,
    record_import_apply,
    record_import_batches_delete_expired,
    record_import_check,
    record_import_create,
    record_import_overdue_fail,
)
from training.tasks.record_imports import record_import_check_task

COUNCIL = "Lewisham Children's Social Care"
HEADER = ["email", "title", "standard", "completed_on", "cpd_hours", "provider"]
TODAY = timezone.localdate()


@dataclass
class Council:
    """A children's social care service: a coordinator, a social worker (Sam) and standards."""

    organisation: Organisation
    coordinator: User
    sam: Membership
    level_2: TrainingStandard
    dsl: TrainingStandard
    working_together: TrainingStandard


@pytest.fixture
def council(db: None) -> Council:
    organisation = OrganisationFactory(
        name=COUNCIL, slug="lewisham-csc", sector=Sector.CHILDRENS_SOCIAL_CARE
    )
    EmailDomainFactory(organisation=organisation, domain="lewisham.example")
    coordinator = MembershipFactory(
        organisation=organisation,
        coordinator=True,
        user=UserFactory(email="coordinator@lewisham.example"),
    ).user
    sam = MembershipFactory(
        organisation=organisation,
        start_date=date(2020, 9, 1),
        user=UserFactory(email="sam.taylor@lewisham.example", first_name="Sam", last_name="Taylor"),
    )
    return Council(
        organisation=organisation,
        coordinator=coordinator,
        sam=sam,
        level_2=TrainingStandardFactory(
            name="Safeguarding children level 2", slug="level-2", validity_months=36
        ),
        dsl=TrainingStandardFactory(
            name="Designated safeguarding lead", slug="dsl", validity_months=24
        ),
        working_together=TrainingStandardFactory(
            name="Working together induction", slug="working-together", validity_months=None
        ),
    )


def _row(**overrides: Any) -> list[Any]:
    row: dict[str, Any] = {
        "email": "sam.taylor@lewisham.example",
        "title": "Working with families",
        "standard": "Safeguarding children level 2",
        "completed_on": "31/01/2024",
        "cpd_hours": "6",
        "provider": "Lewisham Safeguarding Children Partnership",
    }
    row.update(overrides)
    return [row[name] for name in HEADER]


def _member(
    council: Council, email: str, *, start_date: date = date(2020, 1, 1), **kwargs: Any
) -> Membership:
    return MembershipFactory(
        organisation=council.organisation,
        start_date=start_date,
        user=UserFactory(email=email),
        **kwargs,
    )


def _upload(
    council: Council,
    rows: list[list[Any]],
    *,
    filename: str = "completions.csv",
    uploaded_by: User | None = None,
) -> RecordImportBatch:
    content = xlsx_bytes(rows) if filename.endswith(".xlsx") else csv_bytes(rows)
    return record_import_create(
        organisation=council.organisation,
        uploaded_by=uploaded_by or council.coordinator,
        content=content,
        filename=filename,
    )


def _messages(batch: RecordImportBatch) -> list[str]:
    return [problem["message"] for problem in batch.problems]


# Dates and hours -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/01/2024", date(2024, 1, 31)),
        ("2024-01-31", date(2024, 1, 31)),
        ("31 January 2024", date(2024, 1, 31)),
        ("31/01/24", date(2024, 1, 31)),
        ("45322", date(2024, 1, 31)),  # an Excel serial number from an unformatted cell
        ("01/01/1990", date(1990, 1, 1)),
    ],
)
def test_completion_dates_people_write_are_read(text: str, expected: date) -> None:
    """British and ISO dates and Excel serial numbers are read, day first."""
    assert completion_date_read(text, row=7, today=date(2026, 6, 1)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "31/02/2024",
            "Row 7: the date “31/02/2024” is not a real date. Use the format 31/01/2024.",
        ),
        (
            "2024-02-30",
            "Row 7: the date “2024-02-30” is not a real date. Use the format 31/01/2024.",
        ),
        (
            "01/31/2024",
            "Row 7: the date “01/31/2024” is not a real date. Write the day first, like "
            "31/01/2024.",
        ),
        ("last spring", "Row 7: “last spring” is not a date. Use the format 31/01/2024."),
        ("", "Row 7 has no completion date. Write it like 31/01/2024."),
        (
            "02/06/2026",
            "Row 7: the completion date 2 June 2026 is in the future. Give the day the training "
            "was completed.",
        ),
        (
            "31/12/1989",
            "Row 7: the completion date 31 December 1989 is before 1990. Check the year: "
            "training completed before 1990 cannot be imported.",
        ),
    ],
)
def test_completion_dates_that_cannot_be_used_say_why(text: str, message: str) -> None:
    """A date that does not exist, is in the future or is too old is refused, in plain words."""
    with pytest.raises(ValueProblem) as caught:
        completion_date_read(text, row=7, today=date(2026, 6, 1))
    assert caught.value.message == message


def test_today_is_not_in_the_future() -> None:
    """Training completed today can be imported."""
    assert completion_date_read("01/06/2026", row=2, today=date(2026, 6, 1)) == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6", Decimal("6.00")),
        ("1.5", Decimal("1.50")),
        ("0", Decimal("0.00")),
        ("100", Decimal("100.00")),
        ("2 hours", Decimal("2.00")),
        ("1.5h", Decimal("1.50")),
        ("1:30", Decimal("1.50")),
        ("01:30:00", Decimal("1.50")),  # an Excel time cell
        ("1.3000000000000003", Decimal("1.30")),  # Excel's arithmetic
    ],
)
def test_cpd_hours_are_read(text: str, expected: Decimal) -> None:
    assert cpd_hours_read(text, row=4) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "Row 4 has no CPD hours. Write the hours as a number, like 3 or 1.5, or 0 if it does "
            "not count for any.",
        ),
        (
            "six",
            "Row 4: the CPD hours “six” is not a number. Write the hours as a number, like 3 or "
            "1.5.",
        ),
        (
            "NaN",
            "Row 4: the CPD hours “NaN” is not a number. Write the hours as a number, like 3 or "
            "1.5.",
        ),
        ("-1", "Row 4: the CPD hours must be from 0 to 100, but the file says -1."),
        ("100.5", "Row 4: the CPD hours must be from 0 to 100, but the file says 100.5."),
    ],
)
def test_cpd_hours_that_cannot_be_used_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        cpd_hours_read(text, row=4)
    assert caught.value.message == message


# Reading files -------------------------------------------------------------------------------


def test_header_spellings_people_use_are_accepted() -> None:
    """Headers match whatever their case or punctuation, and the usual other names."""
    content = csv_bytes(
        [
            ["E-mail address", "Course", "Standards", "Date completed", "CPD", "Provider"],
            ["sam@x.example", "Level 2", "level-2", "31/01/2024", "3", "LSCP"],
        ]
    )
    parsed = upload_parse(content=content, filename="records.csv")
    assert parsed.rows == [
        {
            "row": 2,
            "values": {
                "email": "sam@x.example",
                "title": "Level 2",
                "standard": "level-2",
                "completed_on": "31/01/2024",
                "cpd_hours": "3",
                "provider": "LSCP",
            },
        }
    ]


def test_the_words_of_the_brief_name_the_columns_too() -> None:
    """ "Course or activity title", "Completed on" and "CPD hours" are the columns by name."""
    content = csv_bytes(
        [
            ["Email", "Course or activity title", "Standard", "Completed on", "CPD hours"],
            ["sam@x.example", "Level 2", "level-2", "31/01/2024", "3"],
        ]
    )
    parsed = upload_parse(content=content, filename="records.csv")
    assert parsed.rows[0]["values"] == {
        "email": "sam@x.example",
        "title": "Level 2",
        "standard": "level-2",
        "completed_on": "31/01/2024",
        "cpd_hours": "3",
        "provider": "",
    }
    assert parsed.ignored_headers == []


def test_rows_keep_their_spreadsheet_numbers_and_unknown_columns_are_listed() -> None:
    """Row numbers are those a spreadsheet shows, blank rows included; other columns are noted."""
    content = csv_bytes(
        [
            [*HEADER, "Notes"],
            [*_row(), "x"],
            ["", "", "", "", "", "", ""],
            [*_row(title="Other"), ""],
        ]
    )
    parsed = upload_parse(content=content, filename="records.csv")
    assert [row["row"] for row in parsed.rows] == [2, 4]
    assert parsed.ignored_headers == ["Notes"]


def test_xlsx_is_read_with_real_excel_dates_and_numbers() -> None:
    """Date cells, unformatted serial numbers and number cells in a workbook all read."""
    content = xlsx_bytes(
        [
            HEADER,
            _row(completed_on=datetime(2024, 1, 31), cpd_hours=1.5),
            _row(completed_on=45322, cpd_hours=6.0),
        ]
    )
    parsed = upload_parse(content=content, filename="records.xlsx")
    first, second = (row["values"] for row in parsed.rows)
    assert (first["completed_on"], first["cpd_hours"]) == ("2024-01-31", "1.5")  # type: ignore[index]
    assert (second["completed_on"], second["cpd_hours"]) == ("45322", "6")  # type: ignore[index]
    assert completion_date_read(second["completed_on"], row=3, today=TODAY) == date(2024, 1, 31)  # type: ignore[index]


FILE_PROBLEMS = [
    pytest.param(
        "records.pdf",
        b"%PDF-1.4",
        "“records.pdf” must be a CSV file or an Excel workbook (.xlsx).",
        id="wrong-type",
    ),
    pytest.param(
        "records.xls",
        b"\xd0\xcf\x11\xe0",
        "“records.xls” is not a file type we can read. Save it as an Excel workbook (.xlsx) or "
        "as CSV, then upload it again.",
        id="old-excel",
    ),
    pytest.param(
        "records.xlsx",
        b"email,title\n",
        "“records.xlsx” could not be read as an Excel workbook. Save it again as .xlsx or CSV "
        "and upload it.",
        id="csv-named-xlsx",
    ),
    pytest.param(
        "records.csv",
        b"PK\x03\x04\x00\x00binary",
        "“records.csv” is not a CSV file. Save it as CSV and upload it again.",
        id="workbook-named-csv",
    ),
    pytest.param(
        "records.csv",
        csv_bytes([HEADER]),
        "The file has no training in it. Put the column names in the first row and one piece "
        "of training in each row below.",
        id="header-only",
    ),
    pytest.param(
        "records.csv",
        b"",
        "The file has no training in it. Put the column names in the first row and one piece "
        "of training in each row below.",
        id="empty",
    ),
    pytest.param(
        "records.csv",
        csv_bytes([["email", "title", "standard", "cpd_hours"], [*_row()[:3], "3"]]),
        "The file is missing the “completed_on” column. The first row must name the columns: "
        "email, title, standard, completed_on, cpd_hours, provider.",
        id="missing-date-column",
    ),
    pytest.param(
        "records.csv",
        csv_bytes([["email", "completed_on", "cpd_hours"], ["a", "b", "c"]]),
        "The file is missing the columns “title” and “standard”. The first row must name the "
        "columns: email, title, standard, completed_on, cpd_hours, provider.",
        id="missing-two-columns",
    ),
    pytest.param(
        "records.csv",
        csv_bytes([["Email", "E-mail", "title", "standard", "completed_on", "cpd_hours"]]),
        "The file has more than one “email” column (“Email” and “E-mail”). Keep one of them and "
        "upload the file again.",
        id="two-email-columns",
    ),
    pytest.param(
        "records.csv",
        csv_bytes([HEADER] + [_row()] * (MAX_ROWS + 1)),
        "The file has more than 5,000 rows below the column names (blank rows count too). Split "
        "it into files of 5,000 rows or fewer.",
        id="too-many-rows",
    ),
    pytest.param(
        "records.csv",
        b"a" * (MAX_FILE_BYTES + 1),
        "“records.csv” is bigger than 5 MB. Split it into smaller files of no more than 5,000 "
        "rows each.",
        id="too-big",
    ),
]


@pytest.mark.parametrize(("filename", "content", "message"), FILE_PROBLEMS)
def test_unusable_files_are_refused_with_a_plain_reason(
    filename: str, content: bytes, message: str
) -> None:
    """A file that cannot be used as a whole says why, in a sentence."""
    with pytest.raises(FileProblem) as caught:
        upload_parse(content=content, filename=filename)
    assert caught.value.message == message


def test_exactly_the_row_limit_is_accepted() -> None:
    """5,000 rows is allowed; one more is not (see the table above)."""
    parsed = upload_parse(content=csv_bytes([HEADER] + [_row()] * MAX_ROWS), filename="r.csv")
    assert len(parsed.rows) == MAX_ROWS


def test_unusable_file_stores_nothing(council: Council) -> None:
    """A file refused as a whole leaves no batch behind."""
    with pytest.raises(ValidationError) as caught:
        _upload(council, [HEADER])
    assert caught.value.messages == [
        "The file has no training in it. Put the column names in the first row and one piece of "
        "training in each row below."
    ]
    assert not RecordImportBatch.objects.exists()


# Files that would exhaust the server (the reader is the people import's: its own tests are in
# tests/organisations/test_spreadsheets.py) -------------------------------------------------------

HOSTILE_FILES = [
    pytest.param(
        lambda: shared_string_bomb_xlsx(HEADER, megabytes=60),
        "“records.xlsx” is too big once unpacked: Excel files are compressed, and this one holds "
        "more than 50 MB. Save only the sheet you need, as CSV or as a new .xlsx workbook, and "
        "upload that.",
        id="zip-bomb",
    ),
    pytest.param(
        lambda: blank_rows_xlsx(HEADER, 6_000, then=_row()),
        "The file has more than 5,000 rows below the column names (blank rows count too). Split "
        "it into files of 5,000 rows or fewer.",
        id="blank-rows",
    ),
    pytest.param(
        lambda: long_cell_xlsx(HEADER, 2 * 1024 * 1024, row=_row()),
        "Cell B2 is longer than 1,000 characters. Shorten it, or delete it if it is not needed, "
        "and upload the file again.",
        id="two-megabyte-cell",
    ),
]


def _create(council: Council, content: bytes, filename: str = "records.xlsx") -> RecordImportBatch:
    return record_import_create(
        organisation=council.organisation,
        uploaded_by=council.coordinator,
        content=content,
        filename=filename,
    )


@pytest.mark.parametrize(("build", "message"), HOSTILE_FILES)
def test_files_that_would_exhaust_the_server_are_refused_and_nothing_is_stored(
    council: Council, settings: Any, build: Callable[[], bytes], message: str
) -> None:
    """Read during the upload, a hostile file is refused with a sentence, and no batch (with
    a huge value in it, or any at all) is kept."""
    settings.IMPORT_BACKGROUND_BYTES = 10 * 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        _create(council, build())
    assert caught.value.messages == [message]
    assert not RecordImportBatch.objects.exists()


@pytest.mark.parametrize(("build", "message"), HOSTILE_FILES[1:])
def test_files_refused_by_the_checking_task_keep_only_the_reason(
    council: Council,
    settings: Any,
    build: Callable[[], bytes],
    message: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Read by the task, a hostile file leaves its batch "failed" with the reason alone: no
    rows, no counts and no stored file."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    with django_capture_on_commit_callbacks(execute=True):
        batch = _create(council, build())
    stored = batch.file.name
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert batch.problems == [{"row": None, "message": message}]
    assert (batch.rows, batch.notes, batch.row_count, batch.record_count) == ([], [], 0, 0)
    assert not batch.file
    assert not batch.file.storage.exists(stored)
    assert not batch.can_be_applied


def test_a_zip_bomb_is_refused_during_the_upload_even_when_a_task_would_check_it(
    council: Council, settings: Any
) -> None:
    """The zip's list of contents is read in the request, so a bomb is never stored."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    with pytest.raises(ValidationError):
        _create(council, shared_string_bomb_xlsx(HEADER, megabytes=60))
    assert not RecordImportBatch.objects.exists()


def test_a_large_file_is_checked_by_a_task_with_time_limits(
    council: Council, django_capture_on_commit_callbacks: Any
) -> None:
    """A file unpacking to more than 1 MB is kept "checking" and read by a task queued after
    the commit, with the soft and hard time limits; running it twice reads the file once."""
    rows = [_row(title=f"Working with families, part {n}") for n in range(4_000)]
    content = xlsx_bytes([[*HEADER, "Notes"], *rows])
    unpacked = spreadsheet_unpacked_size(content=content, filename="records.xlsx", unit="rows")
    assert unpacked > 1024 * 1024
    with django_capture_on_commit_callbacks() as callbacks:
        batch = _create(council, content)
    assert batch.status == ImportStatus.CHECKING
    assert (batch.rows, batch.row_count) == ([], 0)
    assert not batch.can_be_applied
    assert len(callbacks) == 1

    with mock.patch.object(record_import_check_task, "apply_async") as queued:
        callbacks[0]()
    queued.assert_called_once_with(args=(batch.pk,), soft_time_limit=120, time_limit=150)

    callbacks[0]()  # queued for real: the suite runs tasks eagerly
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED
    assert (batch.row_count, batch.record_count, batch.problems) == (4_000, 4_000, [])
    assert batch.notes == [
        {"row": None, "message": "The column “Notes” is not one we use, so it was ignored."}
    ]
    checked = batch.rows

    record_import_check(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.rows == checked


def test_a_check_stopped_by_its_time_limit_refuses_the_file(
    council: Council,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """At the task's soft time limit the file is refused, saying so, and its copy deleted."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    with django_capture_on_commit_callbacks() as callbacks:
        batch = _create(council, csv_bytes([HEADER, _row()]), "records.csv")

    def too_slow(**kwargs: Any) -> None:
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("training.services.record_imports.upload_parse", too_slow)
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert _messages(batch) == [
        "Checking “records.csv” took too long, so we stopped. Split it into smaller files and "
        "upload them one at a time."
    ]
    assert not batch.file


def test_a_check_that_never_finished_is_given_up(council: Council, settings: Any) -> None:
    """A batch still checking long after its hard time limit (its worker killed or lost) is
    given up with a message; a task arriving after that leaves it alone."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    batch = _create(council, csv_bytes([HEADER, _row()]), "records.csv")
    assert batch.is_checking  # its task was never run: the test's transaction never commits
    assert not record_import_overdue_fail(batch=batch)

    RecordImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - timedelta(minutes=13)
    )
    batch.refresh_from_db()
    assert record_import_overdue_fail(batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert _messages(batch) == [
        "We could not finish checking “records.csv”. Upload it again. If the same happens, split "
        "it into smaller files."
    ]
    record_import_check(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.rows) == (ImportStatus.FAILED, [])


def test_a_file_still_being_checked_cannot_be_confirmed(council: Council, settings: Any) -> None:
    """Confirming before the check is done adds no records."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    batch = _create(council, csv_bytes([HEADER, _row()]), "records.csv")
    assert record_import_apply(batch=batch, applied_by=council.coordinator) == (
        ApplyOutcome.NOT_READY
    )
    assert not TrainingRecord.objects.exists()


# Checking rows -------------------------------------------------------------------------------

ROW_PROBLEMS = [
    pytest.param({"email": ""}, ["Row 2 has no email address."], id="no-email"),
    pytest.param(
        {"email": "sam.taylor@"},
        ["Row 2: “sam.taylor@” is not a valid email address."],
        id="invalid-email",
    ),
    pytest.param(
        {"email": "nobody@lewisham.example"},
        [
            "Row 2: we cannot find nobody@lewisham.example among the people at "
            f"{COUNCIL} whose training you look after. Check the address, or add them to "
            f"{COUNCIL} first."
        ],
        id="not-found",
    ),
    pytest.param(
        {"email": "elsewhere@greenwich.example"},
        [
            "Row 2: we cannot find elsewhere@greenwich.example among the people at "
            f"{COUNCIL} whose training you look after. Check the address, or add them to "
            f"{COUNCIL} first."
        ],
        id="member-of-another-organisation",
    ),
    pytest.param(
        {"email": "left@lewisham.example"},
        [
            f"Row 2: left@lewisham.example left {COUNCIL} on 31 March 2025, so their training "
            "cannot be imported here."
        ],
        id="former-member",
    ),
    pytest.param(
        {"email": "starter@lewisham.example"},
        [
            f"Row 2: starter@lewisham.example does not start at {COUNCIL} until "
            f"{(TODAY + timedelta(days=30)):%-d %B %Y}. Import their training once they have "
            "started."
        ],
        id="not-started-yet",
    ),
    pytest.param({"title": ""}, ["Row 2 has no course or activity title."], id="no-title"),
    pytest.param(
        {"title": "T" * 201},
        ["Row 2: the course or activity title is longer than 200 characters."],
        id="long-title",
    ),
    pytest.param(
        {"standard": ""},
        [
            "Row 2 has no standard. Give the standard the training meets, from the list on the "
            "upload page."
        ],
        id="no-standard",
    ),
    pytest.param(
        {"standard": "Safeguarding children levle 2"},
        [
            "Row 2: “Safeguarding children levle 2” is not a training standard we know. Use a "
            "name from the list on the upload page. Did you mean “Safeguarding children level "
            "2”?"
        ],
        id="misspelt-standard",
    ),
    pytest.param(
        {"standard": "level-2; Wizardry"},
        [
            "Row 2: “Wizardry” is not a training standard we know. Use a name from the list on "
            "the upload page."
        ],
        id="one-of-two-standards-unknown",
    ),
    pytest.param(
        {"completed_on": "31/02/2024"},
        ["Row 2: the date “31/02/2024” is not a real date. Use the format 31/01/2024."],
        id="unreal-date",
    ),
    pytest.param(
        {"completed_on": (TODAY + timedelta(days=1)).strftime("%d/%m/%Y")},
        [
            f"Row 2: the completion date {(TODAY + timedelta(days=1)):%-d %B %Y} is in the "
            "future. Give the day the training was completed."
        ],
        id="future-date",
    ),
    pytest.param(
        {"cpd_hours": "120"},
        ["Row 2: the CPD hours must be from 0 to 100, but the file says 120."],
        id="too-many-hours",
    ),
    pytest.param(
        {"provider": "P" * 201},
        ["Row 2: the provider is longer than 200 characters."],
        id="long-provider",
    ),
    pytest.param(
        {
            "email": "nope",
            "title": "",
            "standard": "Wizardry",
            "completed_on": "31/02/2024",
            "cpd_hours": "six",
        },
        [
            "Row 2: “nope” is not a valid email address.",
            "Row 2 has no course or activity title.",
            "Row 2: “Wizardry” is not a training standard we know. Use a name from the list on "
            "the upload page.",
            "Row 2: the date “31/02/2024” is not a real date. Use the format 31/01/2024.",
            "Row 2: the CPD hours “six” is not a number. Write the hours as a number, like 3 or "
            "1.5.",
        ],
        id="every-problem-in-a-row-is-listed",
    ),
]


@pytest.mark.parametrize(("overrides", "messages"), ROW_PROBLEMS)
def test_row_problems(council: Council, overrides: dict[str, str], messages: list[str]) -> None:
    """Each bad row is reported with its row number and what to do, in plain English."""
    _member(council, "left@lewisham.example", end_date=date(2025, 3, 31))
    _member(council, "starter@lewisham.example", start_date=TODAY + timedelta(days=30))
    MembershipFactory(user=UserFactory(email="elsewhere@greenwich.example"))

    batch = _upload(council, [HEADER, _row(**overrides)])

    assert _messages(batch) == messages
    assert not batch.can_be_applied
    assert batch.record_count == 0


def test_every_row_is_checked_and_good_rows_are_counted(council: Council) -> None:
    """Problems on several rows are all listed, each with its own row number."""
    batch = _upload(
        council,
        [HEADER, _row(email=""), _row(), _row(title="Other", cpd_hours="lots")],
    )
    assert [problem["row"] for problem in batch.problems] == [2, 4]
    assert batch.row_count == 3
    assert [row["outcome"] for row in batch.rows] == ["", "add", ""]


def test_a_governor_is_not_a_coordinators_to_import(council: Council) -> None:
    """A coordinator sees the board's governors but does not keep their records: the row says
    whose they are."""
    council.organisation.sector = Sector.SCHOOL
    council.organisation.save()
    _member(council, "grace@mail.example", governor=True)

    batch = _upload(council, [HEADER, _row(email="grace@mail.example")])

    assert _messages(batch) == [
        f"Row 2: grace@mail.example is a governor at {COUNCIL}, whose training records are kept "
        "by the clerk to governors. Take this row out, or ask the clerk to governors to import "
        "it."
    ]


def test_a_clerk_imports_governors_and_cannot_find_staff(council: Council) -> None:
    """A clerk keeps the governors' records; staff, whom they cannot see, are simply not found."""
    council.organisation.sector = Sector.SCHOOL
    council.organisation.save()
    clerk = _member(council, "clerk@lewisham.example", clerk=True).user
    governor = _member(council, "grace@mail.example", governor=True)

    batch = _upload(
        council,
        [HEADER, _row(email="grace@mail.example"), _row()],
        uploaded_by=clerk,
    )

    assert _messages(batch) == [
        "Row 3: we cannot find sam.taylor@lewisham.example among the people at "
        f"{COUNCIL} whose training you look after. Check the address, or add them to {COUNCIL} "
        "first."
    ]
    assert batch.rows[0]["person"] == governor.user.get_full_name()


def test_people_and_standards_match_however_they_are_written(council: Council) -> None:
    """Addresses match in any case; standards by name or short name in any case, several at
    once separated by semicolons."""
    batch = _upload(
        council,
        [
            HEADER,
            _row(email="SAM.Taylor@Lewisham.example", standard="SAFEGUARDING CHILDREN LEVEL 2"),
            _row(title="DSL update", standard=" dsl ;Level-2; "),
        ],
    )
    assert batch.problems == []
    assert batch.rows[0]["person"] == "Sam Taylor"

    assert record_import_apply(batch=batch, applied_by=council.coordinator) == "applied"
    update = TrainingRecord.objects.get(title="DSL update")
    assert set(update.standards.all()) == {council.dsl, council.level_2}


def test_a_row_repeated_in_the_file_is_a_problem_on_the_later_row(council: Council) -> None:
    """The same person, course, date and standards twice (in any order, any case) is reported."""
    batch = _upload(
        council,
        [
            HEADER,
            _row(standard="level-2; dsl"),
            _row(title="Something else"),
            _row(title="working with  FAMILIES", standard="Designated safeguarding lead;level-2"),
        ],
    )
    assert _messages(batch) == [
        "Row 4 repeats row 2: the same person, course, date and standards. Take one of them out."
    ]


def test_a_repeated_row_is_reported_even_when_the_first_has_another_problem(
    council: Council,
) -> None:
    """Fixing one problem never reveals another: the repeat is listed straight away."""
    batch = _upload(council, [HEADER, _row(provider="P" * 201), _row(provider="")])
    assert _messages(batch) == [
        "Row 2: the provider is longer than 200 characters.",
        "Row 3 repeats row 2: the same person, course, date and standards. Take one of them out.",
    ]


def test_training_already_on_the_record_is_a_problem(council: Council) -> None:
    """A row identical to a record the person already has (title, date, standards) would count
    twice, so it is reported; different standards or another date are new training."""
    TrainingRecordFactory(
        user=council.sam.user,
        course=None,
        title="Working with families",
        completed_on=date(2024, 1, 31),
        standards=[council.level_2],
    )
    batch = _upload(
        council,
        [
            HEADER,
            _row(),
            _row(standard="level-2;dsl"),
            _row(completed_on="01/02/2024"),
        ],
    )
    assert _messages(batch) == [
        "Row 2: sam.taylor@lewisham.example already has this training on their record (“Working "
        "with families” with the same standards, completed on 31 January 2024), so it would be "
        "counted twice. Take this row out."
    ]


def test_importing_the_same_file_again_changes_nothing_and_says_why(council: Council) -> None:
    """Every row of a file already imported is reported, and confirming adds nothing."""
    rows = [HEADER, _row(), _row(title="DSL refresher", standard="dsl")]
    first = _upload(council, rows)
    assert record_import_apply(batch=first, applied_by=council.coordinator) == "applied"

    again = _upload(council, rows)

    assert [problem["row"] for problem in again.problems] == [2, 3]
    assert all("already has this training" in message for message in _messages(again))
    assert record_import_apply(batch=again, applied_by=council.coordinator) == "has_problems"
    assert TrainingRecord.objects.count() == 2


def test_checking_rows_costs_the_same_number_of_queries_for_more_rows(council: Council) -> None:
    """Lookups are set-based: 10 rows and 400 rows (for 400 people) take the same queries."""
    people = [_member(council, f"p{n}@lewisham.example") for n in range(400)]
    for membership in people[:50]:
        TrainingRecordFactory(user=membership.user, course=None, standards=[council.level_2])

    def queries_for(count: int) -> int:
        rows = [
            {
                "row": n + 2,
                "values": dict(zip(HEADER, _row(email=f"p{n}@lewisham.example"), strict=True)),
            }
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as context:
            result = rows_validate(
                organisation=council.organisation, importer=council.coordinator, rows=rows
            )
        assert result.ok, result.problems[:3]
        return len(context.captured_queries)

    assert queries_for(10) == queries_for(400)


# Applying ------------------------------------------------------------------------------------


def test_confirming_adds_each_record_with_its_standards_and_expiry(council: Council) -> None:
    """Each row becomes an imported record on the person's membership, expiring after the
    shortest validity among its standards (months counted as the calendar does)."""
    batch = _upload(
        council,
        [
            HEADER,
            _row(),
            _row(title="DSL course", standard="level-2; dsl", completed_on="29/02/2024"),
            _row(title="Induction", standard="working-together", cpd_hours="1.5", provider=""),
        ],
        filename="completions.xlsx",
    )
    assert batch.problems == []

    assert record_import_apply(batch=batch, applied_by=council.coordinator) == "applied"

    records = {record.title: record for record in TrainingRecord.objects.all()}
    assert set(records) == {"Working with families", "DSL course", "Induction"}
    for record in records.values():
        assert record.user == council.sam.user
        assert record.membership == council.sam
        assert record.source == RecordSource.IMPORT
        assert record.import_batch == batch
        assert record.created_by == council.coordinator
    families, dsl, induction = (
        records["Working with families"],
        records["DSL course"],
        records["Induction"],
    )
    assert (families.completed_on, families.expires_on) == (date(2024, 1, 31), date(2027, 1, 31))
    assert list(families.standards.all()) == [council.level_2]
    assert families.cpd_hours == Decimal("6.00")
    # 24 months (the DSL's) after 29 February 2024 is 28 February 2026.
    assert dsl.expires_on == date(2026, 2, 28)
    assert set(dsl.standards.all()) == {council.level_2, council.dsl}
    assert induction.expires_on is None
    assert induction.cpd_hours == Decimal("1.50")

    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert batch.applied_by == council.coordinator
    assert batch.applied_at is not None
    assert batch.record_count == 3
    assert [row["outcome"] for row in batch.rows] == ["add", "add", "add"]


def test_each_imported_record_has_its_history(council: Council) -> None:
    """The audit trail shows who imported each record, from which file, with its standards."""
    batch = _upload(council, [HEADER, _row(standard="level-2;dsl")], filename="Old system.csv")
    record_import_apply(batch=batch, applied_by=council.coordinator)

    record = TrainingRecord.objects.get()
    entry = record.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == council.coordinator
    assert entry.history_change_reason == "Imported from Old system.csv"
    linked = apps.get_model("training", "HistoricalTrainingRecord_standards").objects.filter(
        history=entry
    )
    assert {row.trainingstandard_id for row in linked} == {council.level_2.pk, council.dsl.pk}


def test_imported_records_count_towards_compliance(council: Council) -> None:
    """Once imported, a record meets the requirement it should, like any other record."""
    requirement = RequirementFactory(standard=council.level_2)
    day = ComplianceDay(on=TODAY, due_soon_days=60)
    before = requirement_rows(day).get(membership=council.sam, requirement=requirement)
    assert before.status == ComplianceStatus.MISSING
    recent = (TODAY - timedelta(days=100)).strftime("%d/%m/%Y")
    batch = _upload(council, [HEADER, _row(completed_on=recent)])

    record_import_apply(batch=batch, applied_by=council.coordinator)

    after = requirement_rows(day).get(membership=council.sam, requirement=requirement)
    assert after.status == ComplianceStatus.IN_DATE


def test_a_file_with_any_problem_adds_nothing(council: Council) -> None:
    """All or nothing: one bad row and not even the good rows are added."""
    batch = _upload(council, [HEADER, _row(), _row(title="Other", completed_on="31/02/2024")])

    assert record_import_apply(batch=batch, applied_by=council.coordinator) == "has_problems"

    assert not TrainingRecord.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED
    assert batch.applied_at is None


def test_confirming_checks_the_rows_again(council: Council) -> None:
    """Someone who left between the preview and the confirmation stops the whole import, and
    the preview then says why."""
    ali = _member(council, "ali@lewisham.example")
    batch = _upload(council, [HEADER, _row(), _row(email="ali@lewisham.example")])
    assert batch.can_be_applied
    Membership.objects.filter(pk=ali.pk).update(end_date=TODAY - timedelta(days=1))

    outcome = record_import_apply(batch=batch, applied_by=council.coordinator)

    assert outcome == ApplyOutcome.HAS_PROBLEMS
    batch.refresh_from_db()
    left = f"{TODAY - timedelta(days=1):%-d %B %Y}"
    assert _messages(batch) == [
        f"Row 3: ali@lewisham.example left {COUNCIL} on {left}, so their training cannot be "
        "imported here."
    ]
    assert batch.record_count == 1
    assert not TrainingRecord.objects.exists()


def test_confirming_checks_the_rows_as_the_person_confirming_sees_them(council: Council) -> None:
    """A coordinator who has lost the role since uploading cannot confirm the file."""
    batch = _upload(council, [HEADER, _row()])
    Membership.objects.filter(user=council.coordinator).update(is_coordinator=False)

    assert record_import_apply(batch=batch, applied_by=council.coordinator) == "has_problems"
    assert not TrainingRecord.objects.exists()


def test_confirming_twice_applies_once(council: Council) -> None:
    """A second confirmation (double click, second tab) changes nothing."""
    batch = _upload(council, [HEADER, _row()])
    first = record_import_apply(batch=batch, applied_by=council.coordinator)
    second = record_import_apply(batch=batch, applied_by=council.coordinator)
    assert (first, second) == (ApplyOutcome.APPLIED, ApplyOutcome.ALREADY_APPLIED)
    assert TrainingRecord.objects.count() == 1


def test_applying_costs_the_same_number_of_queries_for_more_rows(council: Council) -> None:
    """Records, their standards and their history are inserted set-based, not row by row:
    10 rows and 50 rows take the same queries (50 history rows of 17 columns stay below SQLite's
    limit of 999 parameters a query, past which Django splits an insert in two)."""
    for n in range(50):
        _member(council, f"p{n}@lewisham.example")

    def queries_for(count: int, title: str) -> int:
        rows = [HEADER] + [
            _row(email=f"p{n}@lewisham.example", title=title, standard="level-2;dsl")
            for n in range(count)
        ]
        batch = _upload(council, rows)
        with CaptureQueriesContext(connection) as context:
            assert record_import_apply(batch=batch, applied_by=council.coordinator) == "applied"
        return len(context.captured_queries)

    assert queries_for(10, "First") == queries_for(50, "Second")
    assert TrainingRecord.objects.count() == 60


def test_the_uploaded_file_is_kept_privately_under_a_name_nobody_can_guess(
    council: Council, settings: Any
) -> None:
    from pathlib import Path

    batch = _upload(council, [HEADER, _row()], filename="Our records.csv")
    assert batch.original_filename == "Our records.csv"
    stored_name = batch.file.name or ""
    assert stored_name.startswith("record-imports/")
    assert "records" not in stored_name.removeprefix("record-imports/")
    assert (
        Path(batch.file.path).resolve().is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    )
    with batch.file.open("rb") as stored:
        assert b"sam.taylor@lewisham.example" in stored.read()


def test_old_uploads_are_deleted_with_their_files_and_records_stay(council: Council) -> None:
    """Uploaded files hold personal data: after 90 days the batch and its file go, the
    records it created stay."""
    old = _upload(council, [HEADER, _row()])
    record_import_apply(batch=old, applied_by=council.coordinator)
    recent = _upload(council, [HEADER, _row(title="Recent")])
    RecordImportBatch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=91)
    )
    storage, old_name = old.file.storage, old.file.name

    assert record_import_batches_delete_expired() == 1

    assert list(RecordImportBatch.objects.all()) == [recent]
    assert not storage.exists(old_name)
    record = TrainingRecord.objects.get()
    assert record.import_batch is None


# Two confirmations at the same moment, on PostgreSQL with real threads --------------------------


def _at_once(*actions: Any) -> list[Any]:
    """Run the actions in threads released together; their results, or fail with their errors."""
    start = threading.Barrier(len(actions))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(action: Any) -> None:
        try:
            start.wait()
            results.append(action())
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_apply_once(council: Council) -> None:
    """Two requests confirming the same file at once add each record once."""
    for n in range(50):
        _member(council, f"p{n}@lewisham.example")
    rows = [HEADER] + [_row(email=f"p{n}@lewisham.example") for n in range(50)]
    batch = _upload(council, rows)

    outcomes = _at_once(
        lambda: record_import_apply(batch=batch, applied_by=council.coordinator),
        lambda: record_import_apply(batch=batch, applied_by=council.coordinator),
    )

    assert sorted(outcomes) == [ApplyOutcome.ALREADY_APPLIED, ApplyOutcome.APPLIED]
    assert TrainingRecord.objects.count() == 50
    assert TrainingRecord.history.count() == 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_file_uploaded_twice_and_confirmed_at_once_adds_the_records_once(
    council: Council,
) -> None:
    """Two uploads of one file, confirmed at the same moment (two tabs): the first adds the
    records, the second finds them already there and adds nothing."""
    for n in range(50):
        _member(council, f"p{n}@lewisham.example")
    rows = [HEADER] + [_row(email=f"p{n}@lewisham.example") for n in range(50)]
    first, second = _upload(council, rows), _upload(council, rows)

    outcomes = _at_once(
        lambda: record_import_apply(batch=first, applied_by=council.coordinator),
        lambda: record_import_apply(batch=second, applied_by=council.coordinator),
    )

    assert sorted(outcomes) == [ApplyOutcome.APPLIED, ApplyOutcome.HAS_PROBLEMS]
    assert TrainingRecord.objects.count() == 50
    unapplied = RecordImportBatch.objects.get(status=ImportStatus.UPLOADED)
    assert len(unapplied.problems) == 50
