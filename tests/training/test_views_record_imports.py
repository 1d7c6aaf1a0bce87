"""The pages for importing historic completions: upload, template, preview and confirm, and who
may open them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organisations.enums import ImportStatus, Sector
from organisations.models import Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.conftest import csv_bytes, xlsx_bytes
from tests.organisations.factories import EmailDomainFactory, MembershipFactory, OrganisationFactory
from tests.organisations.workbooks import blank_rows_xlsx, shared_string_bomb_xlsx
from tests.training.factories import RecordImportBatchFactory, TrainingStandardFactory
from training.models import RecordImportBatch, TrainingRecord
from training.record_imports.parsing import upload_parse

pytestmark = pytest.mark.django_db

HEADER = ["email", "title", "standard", "completed_on", "cpd_hours", "provider"]
SCHOOL = "Brockley Primary School"


@dataclass
class School:
    """A school with a coordinator (the DSL), a clerk, a teacher with a line manager, and a
    governor; another organisation with its own coordinator and an uploaded file."""

    organisation: Organisation
    other: Organisation
    users: dict[str, User]
    other_batch: RecordImportBatch


@pytest.fixture
def school(db: None) -> School:
    organisation = OrganisationFactory(name=SCHOOL, slug="brockley-primary", sector=Sector.SCHOOL)
    EmailDomainFactory(organisation=organisation, domain="brockley.example")
    other = OrganisationFactory(name="Greenwich Children's Social Care", slug="greenwich-csc")
    TrainingStandardFactory(name="Safeguarding children level 2", slug="level-2")
    TrainingStandardFactory(name="Governor safeguarding", slug="governor", validity_months=24)

    def member(email: str, **kwargs: Any) -> Any:
        kwargs.setdefault("organisation", organisation)
        return MembershipFactory(
            user=UserFactory(email=email, first_name=email.split("@")[0].title(), last_name="X"),
            start_date=date(2020, 1, 1),
            **kwargs,
        )

    manager = member("manager@brockley.example")
    users = {
        "partnership": UserFactory(partnership_team=True),
        "coordinator": member("dsl@brockley.example", coordinator=True).user,
        "other-coordinator": member(
            "coordinator@greenwich.example", organisation=other, coordinator=True
        ).user,
        "clerk": member("clerk@brockley.example", clerk=True).user,
        "manager": manager.user,
        "practitioner": member("teacher@brockley.example", line_manager=manager).user,
        "governor": member("grace@mail.example", governor=True).user,
    }
    other_batch = RecordImportBatchFactory(organisation=other)
    return School(organisation, other, users, other_batch)


def _sign_in(client: Client, user: User) -> User:
    enrol_totp(user)
    client.force_login(user)
    return user


@pytest.fixture
def coordinator(client: Client, school: School) -> User:
    """The school's training coordinator, with MFA set up, signed in."""
    return _sign_in(client, school.users["coordinator"])


def _url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(f"training:{name}", kwargs={"slug": organisation.slug, **kwargs})


def _file(rows: list[list[Any]], name: str = "records.csv") -> SimpleUploadedFile:
    content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return SimpleUploadedFile(name, content)


def _uploaded(school: School) -> RecordImportBatch:
    """The one file uploaded for the school (the other organisation has its own)."""
    return RecordImportBatch.objects.get(organisation=school.organisation)


def _row(**overrides: str) -> list[str]:
    row = {
        "email": "teacher@brockley.example",
        "title": "Keeping children safe in education update",
        "standard": "Safeguarding children level 2",
        "completed_on": "05/09/2024",
        "cpd_hours": "2",
        "provider": "Lewisham Safeguarding Children Partnership",
    }
    row.update(overrides)
    return [row[name] for name in HEADER]


GOOD_ROWS = [HEADER, _row(), _row(email="manager@brockley.example", cpd_hours="1.5")]


# Upload page and templates -------------------------------------------------------------------


def test_upload_page_offers_templates_columns_and_standards(
    client: Client, school: School, coordinator: User
) -> None:
    response = client.get(_url("records_import", school.organisation))
    content = response.content.decode()
    assert response.status_code == 200
    assert _url("records_import_template", school.organisation, fmt="csv") in content
    assert _url("records_import_template", school.organisation, fmt="xlsx") in content
    for text in ("completed_on", "cpd_hours", "Safeguarding children level 2", "governor"):
        assert text in content
    assert "Upload and check" in content


def test_upload_page_lists_recent_files_of_this_organisation_only(
    client: Client, school: School, coordinator: User
) -> None:
    mine = RecordImportBatchFactory(organisation=school.organisation, original_filename="mine.csv")
    content = client.get(_url("records_import", school.organisation)).content.decode()
    assert mine.get_absolute_url() in content
    assert school.other_batch.get_absolute_url() not in content


def test_upload_page_queries_do_not_grow_with_recent_files(
    client: Client, school: School, coordinator: User
) -> None:
    def queries_with(count: int) -> int:
        RecordImportBatchFactory.create_batch(count, organisation=school.organisation)
        with CaptureQueriesContext(connection) as context:
            assert client.get(_url("records_import", school.organisation)).status_code == 200
        return len(context.captured_queries)

    assert queries_with(1) == queries_with(8)


def test_csv_template_has_the_columns_and_an_example_that_reads_back(
    client: Client, school: School, coordinator: User
) -> None:
    response = client.get(_url("records_import_template", school.organisation, fmt="csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="training-records-brockley-primary.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert len(rows) == 2
    assert rows[1][0].endswith("@brockley.example")
    assert rows[1][2] == "Governor safeguarding"  # a real standard, the first by name
    assert rows[1][3] == "31/01/2024"
    parsed = upload_parse(content=response.content, filename="template.csv")
    assert parsed.rows[0]["values"]["completed_on"] == "31/01/2024"  # type: ignore[index]


def test_excel_template_has_a_real_date_cell_and_the_standards(
    client: Client, school: School, coordinator: User
) -> None:
    response = client.get(_url("records_import_template", school.organisation, fmt="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["D2"].value == datetime(2024, 1, 31)
    assert sheet["D2"].number_format == "dd/mm/yyyy"
    assert sheet["E2"].value == 3
    standards = [row[0] for row in workbook["Standards"].iter_rows(min_row=2, values_only=True)]
    assert standards == ["Governor safeguarding", "Safeguarding children level 2"]
    parsed = upload_parse(content=response.content, filename="template.xlsx")
    assert parsed.rows[0]["values"]["completed_on"] == "2024-01-31"  # type: ignore[index]


def test_template_in_another_format_is_not_found(
    client: Client, school: School, coordinator: User
) -> None:
    url = _url("records_import_template", school.organisation, fmt="pdf")
    assert client.get(url).status_code == 404


# Upload, preview, confirm --------------------------------------------------------------------


def test_upload_preview_and_confirm(client: Client, school: School, coordinator: User) -> None:
    """Upload, see every row with the person it matched, confirm: the records are added once."""
    response = client.post(_url("records_import", school.organisation), {"file": _file(GOOD_ROWS)})
    batch = _uploaded(school)
    assert response.status_code == 302
    assert response["Location"] == _url("records_import_preview", school.organisation, pk=batch.pk)
    assert batch.uploaded_by == coordinator

    preview = client.get(response["Location"]).content.decode()
    assert "Check your import" in preview
    assert "teacher@brockley.example" in preview
    assert "Teacher X" in preview  # the person the row matched
    assert "2 training records will be added" in preview
    assert "Confirm and add records" in preview
    assert not TrainingRecord.objects.exists()

    response = client.post(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    assert TrainingRecord.objects.count() == 2
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert batch.applied_by == coordinator

    done = client.get(response["Location"]).content.decode()
    assert "2 training records have been added." in done
    assert "Training records imported" in done
    assert "Confirm and add records" not in done
    assert reverse("compliance:organisation", kwargs={"slug": school.organisation.slug}) in done

    again = client.post(batch.get_absolute_url(), follow=True).content.decode()
    assert "This file has already been imported." in again
    assert TrainingRecord.objects.count() == 2


def test_preview_lists_every_problem_and_offers_no_confirmation(
    client: Client, school: School, coordinator: User
) -> None:
    rows = [
        *GOOD_ROWS,
        _row(email="nobody@brockley.example", standard="Level 9", completed_on="31/02/2024"),
        _row(email="grace@mail.example"),
    ]
    client.post(_url("records_import", school.organisation), {"file": _file(rows, "r.xlsx")})
    batch = _uploaded(school)
    response = client.get(batch.get_absolute_url())
    content = response.content.decode()
    assert "<title>Error: Check your import" in content
    assert "There are 4 problems with this file" in content
    for message in (
        "Row 4: we cannot find nobody@brockley.example among the people at",
        "Row 4: “Level 9” is not a training standard we know.",
        "Row 4: the date “31/02/2024” is not a real date. Use the format 31/01/2024.",
        "Row 5: grace@mail.example is a governor at",
    ):
        assert message in content
    assert 'href="#row-4"' in content
    assert 'id="row-4"' in content
    assert "Confirm and add records" not in content
    assert "Upload a corrected file" in content

    response = client.post(batch.get_absolute_url())
    assert response.status_code == 200
    assert not TrainingRecord.objects.exists()


def test_columns_that_are_not_used_are_mentioned_once(
    client: Client, school: School, coordinator: User
) -> None:
    rows = [[*HEADER, "Notes"], [*_row(), "passed"]]
    response = client.post(
        _url("records_import", school.organisation), {"file": _file(rows)}, follow=True
    )
    assert "The column “Notes” is not one we use, so it was ignored." in response.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("records.pdf", b"%PDF-1.4", content_type="application/pdf"),
            "“records.pdf” must be a CSV file or an Excel workbook (.xlsx).",
        ),
        (
            SimpleUploadedFile("records.csv", csv_bytes([HEADER]), content_type="text/csv"),
            "The file has no training in it.",
        ),
        (None, "Select a CSV or Excel file."),
    ],
)
def test_unusable_upload_shows_an_error_and_stores_nothing(
    client: Client,
    school: School,
    coordinator: User,
    upload: SimpleUploadedFile | None,
    message: str,
) -> None:
    data = {"file": upload} if upload is not None else {}
    response = client.post(_url("records_import", school.organisation), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: Import training records" in content
    assert "There is a problem" in content
    assert 'href="#id_file"' in content
    assert message in content
    assert not RecordImportBatch.objects.filter(organisation=school.organisation).exists()


def test_preview_reads_the_same_number_of_queries_for_more_rows(
    client: Client, school: School, coordinator: User
) -> None:
    """The preview is drawn from the stored rows: 5 rows and 200 rows cost the same queries."""

    def queries_for(count: int) -> int:
        rows = [HEADER] + [_row(title=f"Course {n}") for n in range(count)]
        client.post(_url("records_import", school.organisation), {"file": _file(rows)})
        batch = RecordImportBatch.objects.filter(organisation=school.organisation).latest("pk")
        with CaptureQueriesContext(connection) as context:
            assert client.get(batch.get_absolute_url()).status_code == 200
        return len(context.captured_queries)

    assert queries_for(5) == queries_for(200)


def test_applied_file_shows_what_happened(
    client: Client, school: School, coordinator: User
) -> None:
    batch = RecordImportBatchFactory(
        organisation=school.organisation,
        status=ImportStatus.APPLIED,
        applied_at=datetime(2026, 3, 2, 10, 0).astimezone(),
        applied_by=coordinator,
        record_count=12,
    )
    content = client.get(batch.get_absolute_url()).content.decode()
    assert "Training records imported" in content
    assert "12 training records added" in content
    assert "Imported on 2 March 2026" in content
    assert "Confirm and add records" not in content


# Who may open the pages ----------------------------------------------------------------------

LOGIN = "login"

PAGES: dict[str, Callable[[School], str]] = {
    "upload": lambda s: _url("records_import", s.organisation),
    "template-csv": lambda s: _url("records_import_template", s.organisation, fmt="csv"),
    "template-xlsx": lambda s: _url("records_import_template", s.organisation, fmt="xlsx"),
    "preview": lambda s: _url(
        "records_import_preview",
        s.organisation,
        pk=RecordImportBatchFactory(organisation=s.organisation).pk,
    ),
    # Another organisation's file, its id guessed through this school's address.
    "guessed-preview": lambda s: _url(
        "records_import_preview", s.organisation, pk=s.other_batch.pk
    ),
    "other-upload": lambda s: _url("records_import", s.other),
    "other-preview": lambda s: s.other_batch.get_absolute_url(),
}
# fmt: off
MATRIX = [
    # viewer              upload  csv    xlsx   preview guessed other-upload other-preview
    ("partnership",       200,    200,   200,   200,    404,    200,         200),
    ("coordinator",       200,    200,   200,   200,    404,    404,         404),
    ("other-coordinator", 404,    404,   404,   404,    404,    200,         200),
    # A clerk sees governors only, so not a file someone else uploaded (it may list staff).
    ("clerk",             200,    200,   200,   404,    404,    404,         404),
    ("manager",           404,    404,   404,   404,    404,    404,         404),
    ("practitioner",      404,    404,   404,   404,    404,    404,         404),
    ("governor",          404,    404,   404,   404,    404,    404,         404),
    ("anonymous",         LOGIN,  LOGIN, LOGIN, LOGIN,  LOGIN,  LOGIN,       LOGIN),
]
# fmt: on
MATRIX_PARAMS = [
    pytest.param(viewer, page, expected, id=f"{viewer}-{page}")
    for viewer, *outcomes in MATRIX
    for page, expected in zip(PAGES, outcomes, strict=True)
]


@pytest.mark.parametrize(("viewer", "page", "expected"), MATRIX_PARAMS)
def test_who_may_open_the_import_pages(
    client: Client, school: School, viewer: str, page: str, expected: int | str
) -> None:
    """The partnership team imports for anyone; a coordinator or clerk for their own
    organisation; nobody else, and never through a guessed address (404, never 403)."""
    if viewer != "anonymous":
        _sign_in(client, school.users[viewer])
    url = PAGES[page](school)
    response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, f"{viewer} on {url}: {response.status_code}"


@pytest.mark.parametrize("viewer", ["other-coordinator", "manager", "practitioner", "anonymous"])
def test_uploading_or_confirming_without_the_right_changes_nothing(
    client: Client, school: School, viewer: str
) -> None:
    """Posting a file or a confirmation to someone else's organisation does nothing."""
    if viewer != "anonymous":
        _sign_in(client, school.users[viewer])
    batch = RecordImportBatchFactory(
        organisation=school.organisation,
        rows=[{"row": 2, "values": dict(zip(HEADER, _row(), strict=True))}],
    )
    client.post(_url("records_import", school.organisation), {"file": _file(GOOD_ROWS)})
    client.post(batch.get_absolute_url())
    assert RecordImportBatch.objects.filter(organisation=school.organisation).count() == 1
    assert not TrainingRecord.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED


def test_clerk_confirms_governors_records(client: Client, school: School) -> None:
    """A clerk imports the board's training: the governor's record is added."""
    clerk = _sign_in(client, school.users["clerk"])
    rows = [HEADER, _row(email="grace@mail.example", standard="governor")]
    client.post(_url("records_import", school.organisation), {"file": _file(rows)})
    batch = _uploaded(school)
    assert batch.problems == []
    client.post(batch.get_absolute_url())
    record = TrainingRecord.objects.get()
    assert record.user == school.users["governor"]
    assert record.created_by == clerk


# Large files, checked in the background, and files that would exhaust the server --------------

REFRESH = '<meta http-equiv="refresh" content="5">'


def test_a_large_file_shows_checking_until_its_task_is_done(
    client: Client,
    school: School,
    coordinator: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The preview of a file being checked says so and refreshes itself (a meta refresh: the
    CSP allows no script), offers no confirmation, and shows the rows once the task is done."""
    settings.IMPORT_BACKGROUND_BYTES = 0
    rows = [[*HEADER, "Notes"], [*_row(), "passed"]]
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            _url("records_import", school.organisation), {"file": _file(rows, "r.xlsx")}
        )
    batch = _uploaded(school)
    assert response["Location"] == batch.get_absolute_url()

    waiting = client.get(batch.get_absolute_url()).content.decode()
    assert "<title>Checking your file" in waiting
    assert REFRESH in waiting
    assert f'href="{batch.get_absolute_url()}">refresh this page</a>' in waiting
    assert "Confirm and add records" not in waiting
    client.post(batch.get_absolute_url())
    assert not TrainingRecord.objects.exists()

    upload_page = client.get(_url("records_import", school.organisation)).content.decode()
    assert "Checking the file" in upload_page  # the status in the list of recent files

    callbacks[0]()
    ready = client.get(batch.get_absolute_url()).content.decode()
    assert REFRESH not in ready
    assert "Teacher X" in ready
    assert "The column “Notes” is not one we use, so it was ignored." in ready
    assert "Confirm and add records" in ready


def test_a_check_that_never_finished_is_given_up_when_the_page_is_next_seen(
    client: Client, school: School, coordinator: User, settings: Any
) -> None:
    settings.IMPORT_BACKGROUND_BYTES = 0
    client.post(_url("records_import", school.organisation), {"file": _file(GOOD_ROWS)})
    batch = _uploaded(school)
    RecordImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    content = client.get(batch.get_absolute_url()).content.decode()
    assert "We could not finish checking “records.csv”. Upload it again." in content
    assert REFRESH not in content
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            lambda: shared_string_bomb_xlsx(HEADER, 60),
            "“records.xlsx” is too big once unpacked",
        ),
        (
            lambda: blank_rows_xlsx(HEADER, 6_000, then=_row()),
            "The file has more than 5,000 rows below the column names (blank rows count too).",
        ),
    ],
    ids=["zip-bomb", "blank-rows"],
)
def test_files_that_would_exhaust_the_server_are_refused_on_the_upload_page(
    client: Client,
    school: School,
    coordinator: User,
    content: Callable[[], bytes],
    message: str,
) -> None:
    response = client.post(
        _url("records_import", school.organisation),
        {"file": SimpleUploadedFile("records.xlsx", content())},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RecordImportBatch.objects.filter(organisation=school.organisation).exists()
