"""Bulk import of people: reading files, checking rows, and applying all or nothing, once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Invitation, User
from organisations.enums import GovernorCategory, GovernorRole, ImportStatus, MembershipKind
from organisations.imports.dates import date_parse
from organisations.imports.parsing import MAX_FILE_BYTES, MAX_ROWS, FileProblem, upload_parse
from organisations.imports.services import (
    ApplyOutcome,
    import_batch_apply,
    import_batch_check,
    import_batch_create,
    import_batch_overdue_fail,
    import_batches_delete_expired,
)
from organisations.imports.validation import rows_validate
from organisations.models import ImportBatch, Membership
from organisations.spreadsheets import spreadsheet_unpacked_size
from organisations.tasks import import_batch_check_task
from tests.accounts.factories import InvitationFactory, UserFactory
from tests.organisations.conftest import (
    GOVERNOR_HEADER,
    STAFF_HEADER,
    Council,
    csv_bytes,
    xlsx_bytes,
)
from tests.organisations.factories import MembershipFactory
from tests.organisations.workbooks import (
    blank_rows_xlsx,
    long_cell_xlsx,
    shared_string_bomb_xlsx,
)

COUNCIL = "Lewisham Children's Social Care"


def _staff_row(**overrides: str) -> list[str]:
    row = {
        "first_name": "Sam",
        "last_name": "Taylor",
        "email": "sam.taylor@lewisham.example",
        "job_role": "Social worker",
        "line_manager_email": "manager@lewisham.example",
        "start_date": "01/09/2026",
    }
    row.update(overrides)
    return [row[name] for name in STAFF_HEADER]


def _governor_row(**overrides: str) -> list[str]:
    row = {
        "first_name": "Grace",
        "last_name": "Okafor",
        "email": "grace.okafor@mail.example",
        "category": "Parent",
        "role": "",
        "term_end": "31/08/2030",
        "start_date": "01/09/2026",
    }
    row.update(overrides)
    return [row[name] for name in GOVERNOR_HEADER]


def _upload(
    council_or_org: Any,
    rows: list[list[Any]],
    *,
    kind: str = MembershipKind.STAFF,
    filename: str = "people.csv",
    uploaded_by: Any = None,
) -> ImportBatch:
    organisation = getattr(council_or_org, "organisation", council_or_org)
    if uploaded_by is None:
        uploaded_by = getattr(council_or_org, "coordinator_user", None) or UserFactory()
    content = xlsx_bytes(rows) if filename.endswith(".xlsx") else csv_bytes(rows)
    return import_batch_create(
        organisation=organisation,
        kind=kind,
        uploaded_by=uploaded_by,
        content=content,
        filename=filename,
    )


def _messages(batch: ImportBatch) -> list[str]:
    return [problem["message"] for problem in batch.problems]


# Dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/11/2026", date(2026, 11, 25)),
        ("25/11/26", date(2026, 11, 25)),
        ("2026-11-25", date(2026, 11, 25)),
        ("25 November 2026", date(2026, 11, 25)),
        ("25 november 2026", date(2026, 11, 25)),
        ("25 Nov 2026", date(2026, 11, 25)),
        ("1/2/2026", date(2026, 2, 1)),
        ("25.11.2026", date(2026, 11, 25)),
        ("2026-11-25T00:00:00", date(2026, 11, 25)),
        ("46351", date(2026, 11, 25)),  # an Excel serial number from an unformatted cell
        ("31/02/2026", None),
        ("11/25/2026", None),  # American order is not read as a date
        ("tomorrow", None),
        ("123", None),
        ("", None),
    ],
)
def test_date_parse(text: str, expected: date | None) -> None:
    """British and ISO dates and Excel serials are read; anything else is not guessed."""
    assert date_parse(text) == expected


# Reading files -------------------------------------------------------------------------------


def test_csv_header_variants_are_accepted() -> None:
    """Headers match whatever their case, spacing or punctuation, and common other names."""
    content = csv_bytes(
        [
            ["First Name", "SURNAME", "E-mail", "Job title", "Line manager", "Start date"],
            ["Sam", "Taylor", "sam@x.example", "Social worker", "", "1/9/2026"],
        ]
    )
    parsed = upload_parse(content=content, filename="people.csv", kind=MembershipKind.STAFF)
    assert parsed.rows == [
        {
            "row": 2,
            "values": {
                "first_name": "Sam",
                "last_name": "Taylor",
                "email": "sam@x.example",
                "job_role": "Social worker",
                "line_manager_email": "",
                "start_date": "1/9/2026",
            },
        }
    ]


def test_rows_keep_their_spreadsheet_numbers_and_blank_rows_are_skipped() -> None:
    """Row numbers are those a person sees in the spreadsheet, blank rows included."""
    content = csv_bytes(
        [STAFF_HEADER, _staff_row(), ["", "", "", "", "", ""], _staff_row(first_name="Ali")]
    )
    parsed = upload_parse(content=content, filename="people.csv", kind=MembershipKind.STAFF)
    assert [row["row"] for row in parsed.rows] == [2, 4]


def test_optional_columns_may_be_left_out_and_others_are_noted() -> None:
    """A file with only the required columns reads; unknown columns are listed, not an error."""
    content = csv_bytes(
        [["first_name", "last_name", "email", "Phone"], ["Sam", "Taylor", "s@x", "1"]]
    )
    parsed = upload_parse(content=content, filename="people.csv", kind=MembershipKind.STAFF)
    assert parsed.rows[0]["values"] == {
        "first_name": "Sam",
        "last_name": "Taylor",
        "email": "s@x",
        "job_role": "",
        "line_manager_email": "",
        "start_date": "",
    }
    assert parsed.ignored_headers == ["Phone"]


def test_windows_encoded_csv_is_read() -> None:
    """Excel's plain "CSV" on Windows is not UTF-8; accented names still come through."""
    content = csv_bytes([STAFF_HEADER, _staff_row(first_name="Zoë")], encoding="cp1252")
    parsed = upload_parse(content=content, filename="people.csv", kind=MembershipKind.STAFF)
    assert parsed.rows[0]["values"]["first_name"] == "Zoë"  # type: ignore[index]


def test_xlsx_is_read_with_real_excel_dates() -> None:
    """Date cells and unformatted serial numbers in a workbook both become dates."""
    content = xlsx_bytes(
        [
            GOVERNOR_HEADER,
            ["Grace", "Okafor", "g@x.example", "Parent", None, datetime(2030, 8, 31), 46351],
        ]
    )
    parsed = upload_parse(content=content, filename="board.xlsx", kind=MembershipKind.GOVERNOR)
    values = parsed.rows[0]["values"]
    assert values["term_end"] == "2030-08-31"  # type: ignore[index]
    assert date_parse(values["start_date"]) == date(2026, 11, 25)  # type: ignore[index]


FILE_PROBLEMS = [
    pytest.param(
        "people.pdf",
        b"%PDF-1.4",
        MembershipKind.STAFF,
        "“people.pdf” must be a CSV file or an Excel workbook (.xlsx).",
        id="wrong-type",
    ),
    pytest.param(
        "people.xls",
        b"\xd0\xcf\x11\xe0",
        MembershipKind.STAFF,
        "“people.xls” is not a file type we can read. Save it as an Excel workbook (.xlsx) or "
        "as CSV, then upload it again.",
        id="old-excel",
    ),
    pytest.param(
        "people.xlsx",
        b"first_name,last_name,email\n",
        MembershipKind.STAFF,
        "“people.xlsx” could not be read as an Excel workbook. Save it again as .xlsx or CSV and "
        "upload it.",
        id="csv-named-xlsx",
    ),
    pytest.param(
        "people.csv",
        b"PK\x03\x04\x00\x00binary",
        MembershipKind.STAFF,
        "“people.csv” is not a CSV file. Save it as CSV and upload it again.",
        id="binary-named-csv",
    ),
    pytest.param(
        "people.csv",
        csv_bytes([STAFF_HEADER]),
        MembershipKind.STAFF,
        "The file has no people in it. Put the column names in the first row and one person in "
        "each row below.",
        id="header-only",
    ),
    pytest.param(
        "people.csv",
        b"",
        MembershipKind.STAFF,
        "The file has no people in it. Put the column names in the first row and one person in "
        "each row below.",
        id="empty",
    ),
    pytest.param(
        "people.csv",
        csv_bytes([["first_name", "last_name", "job_role"], ["Sam", "Taylor", ""]]),
        MembershipKind.STAFF,
        "The file is missing the “email” column. The first row must name the columns: "
        "first_name, last_name, email, job_role, line_manager_email, start_date.",
        id="missing-email-column",
    ),
    pytest.param(
        "people.csv",
        csv_bytes([["last_name", "job_role"], ["Taylor", ""]]),
        MembershipKind.STAFF,
        "The file is missing the columns “first_name” and “email”. The first row must name the "
        "columns: first_name, last_name, email, job_role, line_manager_email, start_date.",
        id="missing-two-columns",
    ),
    pytest.param(
        "board.csv",
        csv_bytes([["first_name", "last_name", "email"], ["Grace", "Okafor", "g@x.example"]]),
        MembershipKind.GOVERNOR,
        "The file is missing the “category” column. The first row must name the columns: "
        "first_name, last_name, email, category, role, term_end, start_date.",
        id="governors-without-category",
    ),
    pytest.param(
        "people.csv",
        csv_bytes([["first_name", "last_name", "Email", "E-mail"], ["Sam", "Taylor", "a", "b"]]),
        MembershipKind.STAFF,
        "The file has more than one “email” column (“Email” and “E-mail”). Keep one of them and "
        "upload the file again.",
        id="two-email-columns",
    ),
    pytest.param(
        "people.csv",
        csv_bytes([STAFF_HEADER] + [_staff_row()] * (MAX_ROWS + 1)),
        MembershipKind.STAFF,
        "The file has more than 5,000 rows below the column names (blank rows count too). Split "
        "it into files of 5,000 rows or fewer.",
        id="too-many-rows",
    ),
    pytest.param(
        "people.csv",
        b"a" * (MAX_FILE_BYTES + 1),
        MembershipKind.STAFF,
        "“people.csv” is bigger than 5 MB. Split it into smaller files of no more than 5,000 "
        "people each.",
        id="too-big",
    ),
]


@pytest.mark.parametrize(("filename", "content", "kind", "message"), FILE_PROBLEMS)
def test_unusable_files_are_refused_with_a_plain_reason(
    filename: str, content: bytes, kind: str, message: str
) -> None:
    """A file that cannot be used as a whole says why, in a sentence."""
    with pytest.raises(FileProblem) as caught:
        upload_parse(content=content, filename=filename, kind=kind)
    assert caught.value.message == message


def test_exactly_the_row_limit_is_accepted() -> None:
    """5,000 people is allowed; one more is not (see the table above)."""
    content = csv_bytes([STAFF_HEADER] + [_staff_row()] * MAX_ROWS)
    parsed = upload_parse(content=content, filename="people.csv", kind=MembershipKind.STAFF)
    assert len(parsed.rows) == MAX_ROWS


@pytest.mark.django_db
def test_unusable_file_stores_nothing(council: Council) -> None:
    """A file refused as a whole leaves no batch behind."""
    with pytest.raises(ValidationError) as caught:
        _upload(council, [STAFF_HEADER], filename="people.csv")
    assert caught.value.messages == [
        "The file has no people in it. Put the column names in the first row and one person in "
        "each row below."
    ]
    assert not ImportBatch.objects.exists()


# Files that would exhaust the server (organisations.spreadsheets) ------------------------------

HOSTILE_FILES = [
    pytest.param(
        lambda: shared_string_bomb_xlsx(STAFF_HEADER, megabytes=60),
        "“people.xlsx” is too big once unpacked: Excel files are compressed, and this one holds "
        "more than 50 MB. Save only the sheet you need, as CSV or as a new .xlsx workbook, and "
        "upload that.",
        id="zip-bomb",
    ),
    pytest.param(
        lambda: blank_rows_xlsx(STAFF_HEADER, 6_000, then=_staff_row()),
        "The file has more than 5,000 rows below the column names (blank rows count too). Split "
        "it into files of 5,000 rows or fewer.",
        id="blank-rows",
    ),
    pytest.param(
        lambda: long_cell_xlsx(STAFF_HEADER, 2 * 1024 * 1024, row=_staff_row()),
        "Cell B2 is longer than 1,000 characters. Shorten it, or delete it if it is not needed, "
        "and upload the file again.",
        id="two-megabyte-cell",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "message"), HOSTILE_FILES)
def test_files_that_would_exhaust_the_server_are_refused_and_nothing_is_stored(
    council: Council, settings: Any, build: Callable[[], bytes], message: str
) -> None:
    """Read during the upload, a hostile file is refused with a sentence, and no batch (with
    a huge value in it, or any at all) is kept."""
    settings.IMPORT_BACKGROUND_BYTES = 10 * 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        import_batch_create(
            organisation=council.organisation,
            kind=MembershipKind.STAFF,
            uploaded_by=council.coordinator_user,
            content=build(),
            filename="people.xlsx",
        )
    assert caught.value.messages == [message]
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
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
        batch = import_batch_create(
            organisation=council.organisation,
            kind=MembershipKind.STAFF,
            uploaded_by=council.coordinator_user,
            content=build(),
            filename="people.xlsx",
        )
    stored = batch.file.name
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert batch.problems == [{"row": None, "message": message}]
    assert (batch.rows, batch.notes, batch.row_count) == ([], [], 0)
    assert not batch.file
    assert not batch.file.storage.exists(stored)
    assert not batch.can_be_applied


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_during_the_upload_even_when_a_task_would_check_it(
    council: Council, settings: Any
) -> None:
    """The zip's list of contents is read in the request, so a bomb is never stored."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    with pytest.raises(ValidationError):
        import_batch_create(
            organisation=council.organisation,
            kind=MembershipKind.STAFF,
            uploaded_by=council.coordinator_user,
            content=shared_string_bomb_xlsx(STAFF_HEADER, megabytes=60),
            filename="people.xlsx",
        )
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_a_large_file_is_checked_by_a_task_with_time_limits(
    council: Council, django_capture_on_commit_callbacks: Any
) -> None:
    """A file unpacking to more than 1 MB is kept "checking" and read by a task queued after
    the commit, with the soft and hard time limits; running it twice reads the file once."""
    rows = [_staff_row(email=f"person{n}@lewisham.example") for n in range(3_000)]
    content = xlsx_bytes([STAFF_HEADER, *rows])
    unpacked = spreadsheet_unpacked_size(content=content, filename="people.xlsx", unit="people")
    assert unpacked > 1024 * 1024
    with django_capture_on_commit_callbacks() as callbacks:
        batch = import_batch_create(
            organisation=council.organisation,
            kind=MembershipKind.STAFF,
            uploaded_by=council.coordinator_user,
            content=content,
            filename="people.xlsx",
        )
    assert batch.status == ImportStatus.CHECKING
    assert (batch.rows, batch.row_count) == ([], 0)
    assert not batch.can_be_applied
    assert len(callbacks) == 1

    with mock.patch.object(import_batch_check_task, "apply_async") as queued:
        callbacks[0]()
    queued.assert_called_once_with(args=(batch.pk,), soft_time_limit=120, time_limit=150)

    callbacks[0]()  # queued for real: the suite runs tasks eagerly
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED
    assert batch.row_count == 3_000
    assert batch.invited_count == 3_000
    assert batch.problems == []
    checked = batch.rows

    import_batch_check(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.rows == checked


@pytest.mark.django_db
def test_a_check_stopped_by_its_time_limit_refuses_the_file(
    council: Council,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """At the task's soft time limit the file is refused, saying so, and its copy deleted."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    with django_capture_on_commit_callbacks() as callbacks:
        batch = _upload(council, [STAFF_HEADER, _staff_row()], filename="people.csv")

    def too_slow(**kwargs: Any) -> None:
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("organisations.imports.services.upload_parse", too_slow)
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert _messages(batch) == [
        "Checking “people.csv” took too long, so we stopped. Split it into smaller files and "
        "upload them one at a time."
    ]
    assert not batch.file


@pytest.mark.django_db
def test_a_check_that_never_finished_is_given_up(council: Council, settings: Any) -> None:
    """A batch still checking long after its hard time limit (its worker killed or lost) is
    given up with a message; a task arriving after that leaves it alone."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    batch = _upload(council, [STAFF_HEADER, _staff_row()], filename="people.csv")
    assert batch.is_checking  # its task was never run: the test's transaction never commits
    assert not import_batch_overdue_fail(batch=batch)

    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - timedelta(minutes=13)
    )
    batch.refresh_from_db()
    assert import_batch_overdue_fail(batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert _messages(batch) == [
        "We could not finish checking “people.csv”. Upload it again. If the same happens, split "
        "it into smaller files."
    ]
    import_batch_check(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.rows) == (ImportStatus.FAILED, [])


@pytest.mark.django_db
def test_a_file_still_being_checked_cannot_be_confirmed(council: Council, settings: Any) -> None:
    """Confirming before the check is done adds nobody."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    batch = _upload(council, [STAFF_HEADER, _staff_row()], filename="people.csv")
    outcome = import_batch_apply(batch=batch, applied_by=council.coordinator_user)
    assert outcome == ApplyOutcome.NOT_READY
    assert not Invitation.objects.exists()
    batch.refresh_from_db()
    assert batch.is_checking


# Checking rows -------------------------------------------------------------------------------


STAFF_PROBLEMS = [
    pytest.param({"first_name": ""}, ["Row 2 has no first name."], id="no-first-name"),
    pytest.param({"last_name": ""}, ["Row 2 has no last name."], id="no-last-name"),
    pytest.param(
        {"first_name": "A" * 151},
        ["Row 2: the first name is longer than 150 characters."],
        id="long-first-name",
    ),
    pytest.param({"email": ""}, ["Row 2 has no email address."], id="no-email"),
    pytest.param(
        {"email": "sam.taylor@"},
        ["Row 2: “sam.taylor@” is not a valid email address."],
        id="invalid-email",
    ),
    pytest.param(
        {"email": "sam@gmail.example"},
        [
            f"Row 2: sam@gmail.example is not a work email address for {COUNCIL}. Staff must "
            "use an address ending @lewisham.example."
        ],
        id="outside-domains",
    ),
    pytest.param(
        {"email": "manager@lewisham.example", "line_manager_email": ""},
        [f"Row 2: manager@lewisham.example is already a member of staff at {COUNCIL}."],
        id="already-member",
    ),
    pytest.param(
        {"job_role": "Socail worker"},
        [
            "Row 2: “Socail worker” is not a job role we know. It must match a job role in the "
            "list on the upload page. Did you mean “Social worker”?"
        ],
        id="misspelt-job-role",
    ),
    pytest.param(
        {"job_role": "Police constable"},
        [
            "Row 2: “Police constable” is not a job role we know. It must match a job role in "
            "the list on the upload page."
        ],
        id="other-sectors-job-role",
    ),
    pytest.param(
        {"line_manager_email": "nobody@lewisham.example"},
        [
            "Row 2: the line manager nobody@lewisham.example is not a current member of staff "
            f"at {COUNCIL} or in this file."
        ],
        id="unknown-line-manager",
    ),
    pytest.param(
        {"line_manager_email": "sam.taylor@lewisham.example"},
        ["Row 2: a person cannot be their own line manager."],
        id="own-line-manager",
    ),
    pytest.param(
        {"start_date": "31/02/2026"},
        ["Row 2: the start date “31/02/2026” is not a date we can read. Write it like 25/11/2026."],
        id="unreadable-date",
    ),
    pytest.param(
        {"first_name": "", "email": "nope", "job_role": "Wizard"},
        [
            "Row 2 has no first name.",
            "Row 2: “nope” is not a valid email address.",
            "Row 2: “Wizard” is not a job role we know. It must match a job role in the list on "
            "the upload page.",
        ],
        id="every-problem-in-a-row-is-listed",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "messages"), STAFF_PROBLEMS)
def test_staff_row_problems(
    council: Council, overrides: dict[str, str], messages: list[str]
) -> None:
    """Each bad staff row is reported with its row number and what to do, in plain English."""
    batch = _upload(council, [STAFF_HEADER, _staff_row(**overrides)])
    assert _messages(batch) == messages
    assert not batch.can_be_applied


GOVERNOR_PROBLEMS = [
    pytest.param(
        {"category": ""},
        [
            "Row 2 has no governor category. Use parent, staff, local authority, foundation, "
            "co-opted or partner."
        ],
        id="no-category",
    ),
    pytest.param(
        {"category": "Trustee"},
        [
            "Row 2: “Trustee” is not a governor category. Use parent, staff, local authority, "
            "foundation, co-opted or partner."
        ],
        id="unknown-category",
    ),
    pytest.param(
        {"role": "Treasurer"},
        [
            "Row 2: “Treasurer” is not a governor role. Use chair, vice-chair or safeguarding "
            "link governor, or leave it blank."
        ],
        id="unknown-role",
    ),
    pytest.param(
        {"term_end": "01/09/2025"},
        [
            "Row 2: the term of office ends (1 September 2025) before the start date "
            "(1 September 2026)."
        ],
        id="term-ends-before-start",
    ),
    pytest.param(
        {"term_end": "soon"},
        ["Row 2: the term end date “soon” is not a date we can read. Write it like 25/11/2026."],
        id="unreadable-term-end",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "messages"), GOVERNOR_PROBLEMS)
def test_governor_row_problems(school: Any, overrides: dict[str, str], messages: list[str]) -> None:
    """Each bad governor row is reported with its row number, in plain English."""
    batch = _upload(school, [GOVERNOR_HEADER, _governor_row(**overrides)], kind="governor")
    assert _messages(batch) == messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("category", "role", "expected"),
    [
        ("Parent", "", (GovernorCategory.PARENT, "")),
        ("co-opted governor", "Chair", (GovernorCategory.CO_OPTED, GovernorRole.CHAIR)),
        (
            "Local Authority",
            "vice chair",
            (GovernorCategory.LOCAL_AUTHORITY, GovernorRole.VICE_CHAIR),
        ),
        ("foundation", "Safeguarding link governor", ("foundation", "safeguarding_link")),
    ],
)
def test_governor_categories_and_roles_are_read_as_people_write_them(
    school: Any, category: str, role: str, expected: tuple[str, str]
) -> None:
    """Categories and roles match their labels or values, whatever the case or punctuation."""
    batch = _upload(
        school, [GOVERNOR_HEADER, _governor_row(category=category, role=role)], kind="governor"
    )
    assert batch.problems == []
    result = rows_validate(organisation=school, kind="governor", rows=batch.rows)
    plan = result.plans[0]
    assert (plan.governor_category, plan.governor_role) == expected


@pytest.mark.django_db
def test_governors_and_volunteers_may_use_any_email_address(council: Council, school: Any) -> None:
    """Only staff must use the organisation's domains."""
    governors = _upload(
        school, [GOVERNOR_HEADER, _governor_row(email="g@gmail.example")], kind="governor"
    )
    volunteers = _upload(
        council,
        [STAFF_HEADER, _staff_row(email="v@gmail.example", job_role="")],
        kind=MembershipKind.VOLUNTEER,
    )
    assert governors.problems == []
    assert volunteers.problems == []


@pytest.mark.django_db
def test_duplicate_emails_in_the_file_are_reported_on_the_later_row(council: Council) -> None:
    """The second appearance of an address names the first, whatever its case."""
    batch = _upload(
        council,
        [STAFF_HEADER, _staff_row(), _staff_row(email="Sam.Taylor@Lewisham.example")],
    )
    assert _messages(batch) == [
        "Row 3 has the same email address as row 2 (sam.taylor@lewisham.example). Each person "
        "can only be in the file once."
    ]


@pytest.mark.django_db
def test_someone_already_invited_is_reported(council: Council) -> None:
    """An open invitation (even an expired one) is sent again, not duplicated."""
    InvitationFactory(
        organisation=council.organisation,
        email="sam.taylor@lewisham.example",
        expires_at=timezone.now() - timedelta(days=1),
    )
    batch = _upload(council, [STAFF_HEADER, _staff_row()])
    assert _messages(batch) == [
        f"Row 2: sam.taylor@lewisham.example has already been invited to join {COUNCIL} as a "
        "member of staff. Send the invitation again from the invitations page instead."
    ]


@pytest.mark.django_db
def test_switched_off_account_is_reported(council: Council) -> None:
    UserFactory(email="sam.taylor@lewisham.example", is_active=False)
    batch = _upload(council, [STAFF_HEADER, _staff_row()])
    assert _messages(batch) == [
        "Row 2: the account for sam.taylor@lewisham.example has been switched off. Ask the "
        "partnership team to switch it back on, or take this row out."
    ]


@pytest.mark.django_db
def test_ended_membership_does_not_block_rejoining(council: Council) -> None:
    """Someone who left can be imported again."""
    left = MembershipFactory(
        organisation=council.organisation,
        user=UserFactory(email="sam.taylor@lewisham.example"),
        start_date=date(2020, 1, 1),
        end_date=date(2021, 1, 1),
    )
    batch = _upload(council, [STAFF_HEADER, _staff_row()])
    assert batch.problems == []
    assert batch.rows[0]["outcome"] == "invite"

    assert import_batch_apply(batch=batch, applied_by=council.coordinator_user) == "applied"

    # They still have an account, so they rejoin when they accept.
    assert Invitation.objects.filter(email="sam.taylor@lewisham.example").exists()
    assert not Membership.objects.filter(user=left.user, end_date__isnull=True).exists()


@pytest.mark.django_db
def test_addresses_match_whatever_case_they_were_saved_in(council: Council) -> None:
    """An account or membership saved with capitals (by an older import, say) still counts."""
    user = UserFactory(email="kim.lee@lewisham.example")
    User.objects.filter(pk=user.pk).update(email="Kim.Lee@Lewisham.example")
    batch = _upload(council, [STAFF_HEADER, _staff_row(email="kim.lee@lewisham.example")])
    assert batch.rows[0]["outcome"] == "invite"
    assert "kim.lee@lewisham.example already has an account" in batch.notes[0]["message"]

    User.objects.filter(pk=council.manager.user_id).update(email="Manager@Lewisham.example")
    batch = _upload(council, [STAFF_HEADER, _staff_row(email="manager@lewisham.example")])
    assert _messages(batch) == [
        f"Row 2: manager@lewisham.example is already a member of staff at {COUNCIL}.",
        "Row 2: a person cannot be their own line manager.",
    ]


@pytest.mark.django_db
def test_organisation_without_domains_accepts_any_staff_address(council: Council) -> None:
    """With no allowed domains recorded there is nothing to check staff addresses against."""
    council.organisation.email_domains.all().delete()
    batch = _upload(council, [STAFF_HEADER, _staff_row(email="sam@anywhere.example")])
    assert batch.problems == []


@pytest.mark.django_db
def test_line_manager_in_same_file_is_accepted(council: Council) -> None:
    """A manager who is new in the same file is accepted, with a note that they link later."""
    batch = _upload(
        council,
        [
            STAFF_HEADER,
            _staff_row(email="boss@lewisham.example", line_manager_email=""),
            _staff_row(line_manager_email="boss@lewisham.example"),
        ],
    )
    assert batch.problems == []
    assert [note["message"] for note in batch.notes] == [
        "Row 3: their line manager (row 2) is being invited in this file, so they cannot be "
        "linked yet. Set the line manager on this person's page once both have joined."
    ]


@pytest.mark.django_db
def test_volunteers_line_manager_must_be_current_staff(council: Council) -> None:
    """In a volunteers' file, other volunteers in the file cannot be line managers."""
    batch = _upload(
        council,
        [
            STAFF_HEADER,
            _staff_row(email="v1@mail.example", job_role="", line_manager_email=""),
            _staff_row(email="v2@mail.example", job_role="", line_manager_email="v1@mail.example"),
        ],
        kind=MembershipKind.VOLUNTEER,
    )
    assert _messages(batch) == [
        f"Row 3: the line manager v1@mail.example is not a current member of staff at {COUNCIL}."
    ]


@pytest.mark.django_db
def test_checking_rows_costs_the_same_number_of_queries_for_more_rows(council: Council) -> None:
    """Lookups are set-based: 10 rows and 400 rows take the same queries."""

    def queries_for(count: int) -> int:
        rows = [
            {
                "row": n + 2,
                "values": dict(
                    zip(STAFF_HEADER, _staff_row(email=f"p{n}@lewisham.example"), strict=True)
                ),
            }
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as context:
            result = rows_validate(organisation=council.organisation, kind="staff", rows=rows)
        assert result.ok
        return len(context.captured_queries)

    assert queries_for(10) == queries_for(400)


# Applying ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_confirming_invites_everyone_including_those_with_accounts(
    council: Council, django_capture_on_commit_callbacks: Any
) -> None:
    """Everyone gets an invitation email; people with an account accept it by signing in, and
    join only then."""
    existing = UserFactory(email="kim.lee@lewisham.example", first_name="Kim")
    batch = _upload(
        council,
        [
            STAFF_HEADER,
            _staff_row(),
            _staff_row(first_name="Kim", last_name="Lee", email="KIM.LEE@lewisham.example"),
        ],
        filename="people.xlsx",
    )
    assert batch.problems == []
    assert (batch.invited_count, batch.added_count) == (2, 0)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = import_batch_apply(batch=batch, applied_by=council.coordinator_user)

    assert outcome == ApplyOutcome.APPLIED
    invitation = Invitation.objects.get(email="sam.taylor@lewisham.example")
    assert invitation.organisation == council.organisation
    assert invitation.job_role == council.social_worker
    assert invitation.line_manager == council.manager
    assert invitation.start_date == date(2026, 9, 1)
    assert invitation.invited_by == council.coordinator_user
    assert invitation.sent_at is not None
    assert not Membership.objects.filter(user=existing, organisation=council.organisation)
    kim = Invitation.objects.get(email="kim.lee@lewisham.example")
    assert (kim.kind, kim.line_manager) == (MembershipKind.STAFF, council.manager)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "kim.lee@lewisham.example",
        "sam.taylor@lewisham.example",
    ]
    kim_email = next(m for m in mail.outbox if m.to == ["kim.lee@lewisham.example"])
    assert "You already have an account. Nothing changes until you accept" in kim_email.body
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert batch.applied_by == council.coordinator_user
    assert (batch.invited_count, batch.added_count) == (2, 0)


@pytest.mark.django_db
def test_governors_are_invited_with_their_board_details(
    school: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clerk = MembershipFactory(organisation=school, clerk=True).user
    batch = _upload(
        school,
        [GOVERNOR_HEADER, _governor_row(role="Chair")],
        kind="governor",
        uploaded_by=clerk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert import_batch_apply(batch=batch, applied_by=clerk) == ApplyOutcome.APPLIED
    invitation = Invitation.objects.get()
    assert invitation.kind == MembershipKind.GOVERNOR
    assert invitation.governor_category == GovernorCategory.PARENT
    assert invitation.governor_role == GovernorRole.CHAIR
    assert invitation.term_end == date(2030, 8, 31)
    assert len(mail.outbox) == 1
    assert "as a governor" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_file_with_any_problem_creates_nobody(council: Council) -> None:
    """All or nothing: one bad row and not even the good rows are added."""
    batch = _upload(council, [STAFF_HEADER, _staff_row(), _staff_row(email="", first_name="Ali")])
    assert not batch.can_be_applied

    outcome = import_batch_apply(batch=batch, applied_by=council.coordinator_user)

    assert outcome == ApplyOutcome.HAS_PROBLEMS
    assert not Invitation.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED
    assert mail.outbox == []


@pytest.mark.django_db
def test_confirming_checks_the_rows_again(council: Council) -> None:
    """Someone who joined between the preview and the confirmation stops the whole import."""
    batch = _upload(council, [STAFF_HEADER, _staff_row(), _staff_row(email="ali@lewisham.example")])
    assert batch.can_be_applied
    MembershipFactory(
        organisation=council.organisation, user=UserFactory(email="ali@lewisham.example")
    )

    outcome = import_batch_apply(batch=batch, applied_by=council.coordinator_user)

    assert outcome == ApplyOutcome.HAS_PROBLEMS
    batch.refresh_from_db()
    assert _messages(batch) == [
        f"Row 3: ali@lewisham.example is already a member of staff at {COUNCIL}."
    ]
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_confirming_twice_applies_once(
    council: Council, django_capture_on_commit_callbacks: Any
) -> None:
    """A second confirmation (double click, second tab) changes nothing and sends nothing."""
    batch = _upload(council, [STAFF_HEADER, _staff_row()])
    with django_capture_on_commit_callbacks(execute=True):
        first = import_batch_apply(batch=batch, applied_by=council.coordinator_user)
    with django_capture_on_commit_callbacks(execute=True):
        second = import_batch_apply(batch=batch, applied_by=council.coordinator_user)
    assert (first, second) == (ApplyOutcome.APPLIED, ApplyOutcome.ALREADY_APPLIED)
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_same_file_manager_with_an_account_is_not_linked_yet(council: Council) -> None:
    """A manager in the file is invited like everyone else (having an account or not), so
    nobody can be linked to them until they have joined."""
    UserFactory(email="boss@lewisham.example")
    UserFactory(email="deputy@lewisham.example")
    batch = _upload(
        council,
        [
            STAFF_HEADER,
            _staff_row(line_manager_email="boss@lewisham.example"),
            _staff_row(email="deputy@lewisham.example", line_manager_email="boss@lewisham.example"),
            _staff_row(
                email="boss@lewisham.example", job_role="Team manager", line_manager_email=""
            ),
        ],
    )
    assert batch.problems == []
    assert [note["message"] for note in batch.notes if "line manager" in note["message"]] == [
        f"Row {row}: their line manager (row 4) is being invited in this file, so they cannot "
        "be linked yet. Set the line manager on this person's page once both have joined."
        for row in (2, 3)
    ]

    assert import_batch_apply(batch=batch, applied_by=council.coordinator_user) == "applied"

    assert not Membership.objects.filter(user__email__in=["boss@lewisham.example"]).exists()
    assert Invitation.objects.filter(organisation=council.organisation).count() == 3
    assert Invitation.objects.get(email="sam.taylor@lewisham.example").line_manager is None


@pytest.mark.django_db
def test_the_uploaded_file_is_kept(council: Council) -> None:
    """The original file stays in storage, under a name nobody can guess."""
    batch = _upload(council, [STAFF_HEADER, _staff_row()], filename="Our staff.csv")
    assert batch.original_filename == "Our staff.csv"
    stored_name = batch.file.name or ""
    assert stored_name.startswith("people-imports/")
    assert "staff" not in stored_name
    with batch.file.open("rb") as stored:
        assert b"sam.taylor@lewisham.example" in stored.read()


# Two confirmations at the same moment, on PostgreSQL with real threads --------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_apply_once(council: Council) -> None:
    """Two requests confirming the same file at once create each person once."""
    rows = [STAFF_HEADER] + [_staff_row(email=f"person{n}@lewisham.example") for n in range(50)]
    batch = _upload(council, rows)
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def confirm() -> None:
        try:
            start.wait()
            outcomes.append(import_batch_apply(batch=batch, applied_by=council.coordinator_user))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == [ApplyOutcome.ALREADY_APPLIED, ApplyOutcome.APPLIED]
    assert Invitation.objects.filter(organisation=council.organisation).count() == 50
    assert len(mail.outbox) == 50


@pytest.mark.django_db
def test_old_uploads_are_deleted_with_their_files(council: Council) -> None:
    """Uploaded files hold personal data: after 90 days the batch and its file are gone."""
    old = _upload(council, [STAFF_HEADER, _staff_row()])
    recent = _upload(council, [STAFF_HEADER, _staff_row(email="ali@lewisham.example")])
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    storage, old_name = old.file.storage, old.file.name

    assert import_batches_delete_expired() == 1

    assert list(ImportBatch.objects.all()) == [recent]
    assert not storage.exists(old_name)
    assert recent.file.storage.exists(recent.file.name)


@pytest.mark.django_db
def test_uploaded_import_files_are_kept_outside_the_public_media_folder(settings):
    """An import file holds personal data, so it lives in private storage, never under
    MEDIA_ROOT, which the web server may publish."""
    from pathlib import Path

    from tests.organisations.factories import ImportBatchFactory

    batch = ImportBatchFactory()
    stored = Path(batch.file.path).resolve()
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert stored.is_relative_to(private)
