"""The compliance exports: an organisation's rows and the partnership's figures by organisation,
as CSV and XLSX, read back as a spreadsheet program would."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import User
from compliance import exports as exports_compliance
from compliance.views import tables as compliance_views
from organisations.models import WorkforceHeadcount
from tests.accounts.factories import enrol_totp
from tests.compliance.factories import RequirementFactory
from tests.compliance.test_views_tables import (
    World,
    build_world,
    person,
    today,
    trained,
)
from tests.organisations.factories import OrganisationFactory
from tests.training.factories import TrainingStandardFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world() -> World:
    return build_world()


def export_url(world: World, **query: str) -> str:
    url = reverse("compliance:organisation_export", args=[world.organisation.slug])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}"


def content_of(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response: HttpResponseBase) -> list[list[str]]:
    body = content_of(response)
    assert body.startswith(b"\xef\xbb\xbf"), "a byte order mark, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(response: HttpResponseBase) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content_of(response)))
    sheet = workbook.worksheets[0]
    return list(sheet.iter_rows(values_only=True))


# An organisation's rows ----------------------------------------------------------------------


def test_csv_has_every_row_with_its_dates(client: Client, world: World) -> None:
    """One line per person and requirement, with the dates behind the status, as ISO dates."""
    client.force_login(world.coordinator)
    response = client.get(export_url(world, format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="compliance-lewisham-csc-{today().isoformat()}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == exports_compliance.ROW_HEADER
    by_name = {row[0]: row for row in rows[1:]}
    assert list(by_name) == ["Ana Ash", "Ben Birch", "Cal Cedar", "Dee Dale", "Eve Elm"]
    trained_on = today() - timedelta(days=100)
    expires = trained_on + relativedelta(months=36)
    assert by_name["Ana Ash"] == [
        "Ana Ash",
        "ana.ash@lewisham-csc.example",
        "Staff",
        "Social worker",
        "Morgan Moss",
        "Level 2 for social workers",
        "Safeguarding children level 2",
        "In date",
        trained_on.isoformat(),
        expires.isoformat(),
        (expires - timedelta(days=60)).isoformat(),
    ]
    assert by_name["Eve Elm"][2:5] == ["Volunteer", "Social worker", ""]
    assert by_name["Dee Dale"][7:9] == ["Missing", ""]
    assert "Zed Zinc" not in by_name


def test_export_has_every_filtered_row_not_just_a_page(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filters and sort apply; the page size does not."""
    monkeypatch.setattr(compliance_views, "ROWS_PER_PAGE", 2)
    client.force_login(world.coordinator)
    everyone = csv_rows(client.get(export_url(world, format="csv", kind="staff", sort="status")))
    assert [row[0] for row in everyone[1:]] == ["Cal Cedar", "Dee Dale", "Ben Birch", "Ana Ash"]
    overdue = csv_rows(client.get(export_url(world, format="csv", status="overdue")))
    assert [row[0] for row in overdue[1:]] == ["Cal Cedar"]


def test_csv_is_the_default_format(client: Client, world: World) -> None:
    client.force_login(world.coordinator)
    response = client.get(export_url(world))
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_xlsx_has_real_dates_and_a_bold_header(client: Client, world: World) -> None:
    """The spreadsheet holds dates as dates, so they sort and format in Excel."""
    client.force_login(world.coordinator)
    response = client.get(export_url(world, format="xlsx", status="in_date"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(content_of(response)))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Compliance"
    assert sheet["A1"].font.bold
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == exports_compliance.ROW_HEADER
    assert len(rows) == 2
    ana = rows[1]
    assert ana[0] == "Ana Ash"
    assert ana[7] == "In date"
    assert isinstance(ana[8], datetime)
    assert ana[8].date() == today() - timedelta(days=100)
    assert sheet["I2"].number_format == "d mmmm yyyy"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_text_that_looks_like_a_formula_is_written_as_text(
    client: Client, world: World, start: str
) -> None:
    """Names typed by people cannot run as formulas in a spreadsheet (CSV injection)."""
    sneaky = person(
        world.organisation,
        f"{start}HYPERLINK(1) Smith",
        job_role=world.social_worker,
        email="sneaky@lewisham-csc.example",
    )
    assert sneaky.user.first_name.startswith(start)
    client.force_login(world.coordinator)
    rows = csv_rows(client.get(export_url(world, format="csv", q="sneaky")))
    assert rows[1][0] == f"'{start}HYPERLINK(1) Smith"
    sheet_rows = xlsx_rows(client.get(export_url(world, format="xlsx", q="sneaky")))
    assert sheet_rows[1][0] == f"'{start}HYPERLINK(1) Smith"


def test_export_queries_do_not_grow_with_people(
    client: Client, world: World, django_assert_num_queries: Any
) -> None:
    """The rows and their dates are one query, however many people there are."""
    client.force_login(world.coordinator)
    url = export_url(world, format="csv", team=str(world.manager.pk))
    content_of(client.get(url))
    with CaptureQueriesContext(connection) as few:
        content_of(client.get(url))
    for number in range(30):
        member = person(
            world.organisation,
            f"Extra Person{number}",
            job_role=world.social_worker,
            line_manager=world.manager,
        )
        if number % 2:
            trained(member, world.level_2, today() - timedelta(days=number))
    with django_assert_num_queries(len(few.captured_queries)):
        rows = csv_rows(client.get(url))
    assert len(rows) == 1 + 4 + 30


def test_a_broken_export_link_goes_back_to_the_page_with_a_message(
    client: Client, world: World
) -> None:
    """A filter that does not parse makes no file; the page says what to do."""
    client.force_login(world.coordinator)
    response = client.get(export_url(world, format="pdf"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "compliance:organisation", args=[world.organisation.slug]
    )
    assertContains(response, "The export could not be made from that link.")


def test_a_clerk_exports_only_the_governors(client: Client) -> None:
    """The export follows the same scope as the page: a clerk's has the board, not the staff."""
    school = build_school()
    client.force_login(school["clerk"])
    rows = csv_rows(
        client.get(reverse("compliance:organisation_export", args=["addey"]) + "?format=csv")
    )
    # The governor, and the clerk's own row (everyone sees their own); never the staff.
    assert [(row[0], row[2]) for row in rows[1:]] == [
        ("Cleo Clerk", "Staff"),
        ("Gil Green", "Governor"),
    ]


def build_school() -> dict[str, Any]:
    """A school with a governor, a member of staff and a clerk, everyone required to hold
    KCSIE."""
    school = OrganisationFactory.create(name="Addey Primary School", slug="addey", school=True)
    everyone = TrainingStandardFactory.create(name="KCSIE part one", slug="kcsie")
    RequirementFactory.create(name="KCSIE for everyone", standard=everyone)
    person(school, "Gil Green", governor=True)
    person(school, "Tia Teal")  # staff: the clerk may not see her
    clerk = person(school, "Cleo Clerk", clerk=True).user
    enrol_totp(clerk)
    return {"school": school, "clerk": clerk}


# The partnership's figures by organisation ---------------------------------------------------


@pytest.fixture
def partnership(world: World) -> World:
    WorkforceHeadcount.objects.create(
        organisation=world.organisation, job_role=world.social_worker, headcount=10
    )
    return world


def test_partnership_csv_has_each_organisations_figures(
    client: Client, partnership: World, team_member: User
) -> None:
    """Rates, counts, people and coverage against headcount, one line per organisation."""
    client.force_login(team_member)
    response = client.get(reverse("compliance:partnership_export") + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="compliance-by-organisation-{today().isoformat()}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == exports_compliance.ORGANISATION_HEADER
    assert rows[1] == [
        "Lewisham Children's Social Care",
        "Children's social care",
        "50.0",
        "1",
        "1",
        "1",
        "1",
        "1",
        "5",
        "6",
        "10",
        "60.0",
        "2",
        "20.0",
    ]
    assert rows[2][:3] == ["Metropolitan Police, Lewisham", "Police", "0.0"]
    assert rows[2][10:12] == ["", ""]  # no headcount declared


def test_partnership_export_follows_the_filters_and_sort(
    client: Client, partnership: World, team_member: User
) -> None:
    client.force_login(team_member)
    url = reverse("compliance:partnership_export")
    by_rate = csv_rows(client.get(f"{url}?format=csv&sort=-rate"))
    assert [row[0] for row in by_rate[1:]] == [
        "Lewisham Children's Social Care",
        "Metropolitan Police, Lewisham",
    ]
    police = csv_rows(client.get(f"{url}?format=csv&sector=police"))
    assert [row[0] for row in police[1:]] == ["Metropolitan Police, Lewisham"]


def test_partnership_xlsx(client: Client, partnership: World, team_member: User) -> None:
    client.force_login(team_member)
    response = client.get(reverse("compliance:partnership_export") + "?format=xlsx")
    assert response["Content-Type"] == XLSX
    rows = xlsx_rows(response)
    assert list(rows[0]) == exports_compliance.ORGANISATION_HEADER
    assert rows[1][0] == "Lewisham Children's Social Care"
    assert rows[1][2] == 50  # a number, so it sorts in Excel
    assert rows[1][10] == 10


def test_partnership_organisation_names_are_safe(
    client: Client, partnership: World, team_member: User
) -> None:
    partnership.other.name = "=cmd|' /C calc'!A0"
    partnership.other.save()
    client.force_login(team_member)
    rows = csv_rows(client.get(reverse("compliance:partnership_export") + "?format=csv"))
    assert "'=cmd|' /C calc'!A0" in [row[0] for row in rows]


def test_safe_leaves_ordinary_text_alone() -> None:
    assert exports_compliance.safe("Ana Ash") == "Ana Ash"
    assert exports_compliance.safe("-1") == "'-1"
    assert exports_compliance.safe("") == ""


def test_dates_in_csv_are_iso() -> None:
    assert exports_compliance._csv_text(date(2026, 3, 1)) == "2026-03-01"
    assert exports_compliance._csv_text(None) == ""
