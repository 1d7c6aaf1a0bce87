"""The charges pages: the list with filters and totals, waiving a charge, and the invoicing
export (CSV and XLSX, read back as a spreadsheet program would)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from organisations.models import Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory
from training.enums import BookingStatus, ChargeKind
from training.models import Charge

pytestmark = pytest.mark.django_db


def _local(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _charge(
    organisation: Organisation,
    *,
    on: date,
    person: tuple[str, str],
    amount: str = "60.00",
    kind: str = ChargeKind.NO_SHOW,
    course: str = "Working Together to Safeguard Children",
    waived_by: User | None = None,
    reason: str = "",
) -> Charge:
    session = SessionFactory.create(
        course=CourseFactory.create(title=course), parts=[(_local(on), _local(on, 16, 30))]
    )
    first, last = person
    booking = BookingFactory.create(
        session=session,
        status=BookingStatus.NO_SHOW
        if kind == ChargeKind.NO_SHOW
        else BookingStatus.LATE_CANCELLED,
        attendee=MembershipFactory.create(
            organisation=organisation,
            user=UserFactory.create(first_name=first, last_name=last),
        ),
    )
    return Charge.objects.create(
        booking=booking,
        organisation=organisation,
        kind=kind,
        amount=Decimal(amount),
        waived_at=timezone.now() if waived_by else None,
        waived_by=waived_by,
        waiver_reason=reason,
    )


@pytest.fixture
def team_member() -> User:
    user = UserFactory.create(partnership_team=True, first_name="Pat", last_name="Team")
    enrol_totp(user)
    return user


@pytest.fixture
def police() -> Organisation:
    return OrganisationFactory.create(name="Metropolitan Police, Lewisham", slug="met-lewisham")


@pytest.fixture
def school() -> Organisation:
    return OrganisationFactory.create(name="Brockley Primary School", slug="brockley", school=True)


@pytest.fixture
def charges(police: Organisation, school: Organisation, team_member: User) -> dict[str, Charge]:
    """Police: two charges in April 2026 and one in July, one April charge waived. School: one
    charge in April."""
    return {
        "april": _charge(police, on=date(2026, 4, 14), person=("Ada", "Adeyemi")),
        "april_late": _charge(
            police,
            on=date(2026, 4, 28),
            person=("Ben", "Brown"),
            amount="40.00",
            kind=ChargeKind.LATE_CANCELLATION,
            course="Information sharing for safeguarding",
        ),
        "april_waived": _charge(
            police,
            on=date(2026, 4, 20),
            person=("Cai", "Chen"),
            waived_by=team_member,
            reason="Off sick on the day",
        ),
        "july": _charge(police, on=date(2026, 7, 2), person=("Dee", "Davis")),
        "school": _charge(school, on=date(2026, 4, 15), person=("Eve", "Evans"), amount="90.00"),
    }


def _coordinator_of(organisation: Organisation) -> User:
    membership = MembershipFactory.create(organisation=organisation, coordinator=True)
    enrol_totp(membership.user)
    return membership.user


def _period(organisation: Organisation | None, start: date, end: date) -> dict[str, str]:
    """The list's filter form as the browser sends it."""
    return {
        "organisation": str(organisation.pk) if organisation else "",
        "date_from_day": str(start.day),
        "date_from_month": str(start.month),
        "date_from_year": str(start.year),
        "date_to_day": str(end.day),
        "date_to_month": str(end.month),
        "date_to_year": str(end.year),
    }


# Who may see what ----------------------------------------------------------------------------


@pytest.mark.usefixtures("charges")
@pytest.mark.parametrize("viewer", ["anonymous", "practitioner", "trainer"])
def test_others_cannot_see_charges(client: Client, police: Organisation, viewer: str) -> None:
    """Charges are for the partnership team and coordinators; others are sent to sign in or
    get a 404."""
    charge = Charge.objects.filter(waived_at__isnull=True).first()
    assert charge is not None
    if viewer == "practitioner":
        client.force_login(MembershipFactory.create(organisation=police).user)
    elif viewer == "trainer":
        user = UserFactory.create(trainer=True)
        enrol_totp(user)
        client.force_login(user)
    expected = 302 if viewer == "anonymous" else 404
    for url in (
        reverse("training:charges"),
        reverse("training:charges_export") + "?format=csv",
        reverse("training:charge_waive", args=[charge.pk]),
    ):
        assert client.get(url).status_code == expected, url


def test_a_coordinator_sees_their_organisation_s_charges_only(
    client: Client, police: Organisation, school: Organisation, charges: dict[str, Charge]
) -> None:
    """A coordinator sees their own organisation's charges, read-only: no other
    organisation's, and no way to waive."""
    client.force_login(_coordinator_of(school))
    response = client.get(reverse("training:charges"))
    assertContains(response, "Eve Evans")
    assertNotContains(response, "Ada Adeyemi")
    assertNotContains(response, "/waive/")
    # Asking for another organisation is refused, not answered.
    response = client.get(reverse("training:charges"), {"organisation": police.pk})
    assertContains(response, "Choose an organisation from the list.")
    assertNotContains(response, "Ada Adeyemi")
    waive = reverse("training:charge_waive", args=[charges["school"].pk])
    assert client.get(waive).status_code == 404
    assert client.post(waive, {"reason": "Please"}).status_code == 404
    charges["school"].refresh_from_db()
    assert charges["school"].waived_at is None


def test_a_coordinator_s_export_holds_their_charges_only(
    client: Client, school: Organisation, charges: dict[str, Charge]
) -> None:
    """Even with no organisation chosen, the export holds only what the viewer may see."""
    client.force_login(_coordinator_of(school))
    response = client.get(reverse("training:charges_export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Brockley Primary School"]


# The list ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("charges")
def test_list_totals_charged_and_waived_separately(client: Client, team_member: User) -> None:
    """The totals count charged and waived money apart; waived charges have their own list."""
    client.force_login(team_member)
    response = client.get(reverse("training:charges"))
    assertContains(response, "£250.00 (4 charges)")
    assertContains(response, "£60.00 (1 charge)")
    assertNotContains(response, "Cai Chen")
    waived = client.get(reverse("training:charges"), {"show": "waived"})
    assertContains(waived, "Cai Chen")
    assertContains(waived, "Off sick on the day")
    assertNotContains(waived, "Ada Adeyemi")


@pytest.mark.usefixtures("charges")
def test_list_filters_by_organisation_and_session_period(
    client: Client, team_member: User, police: Organisation
) -> None:
    """One organisation's charges for sessions in a period, with that period's totals."""
    client.force_login(team_member)
    response = client.get(
        reverse("training:charges"), _period(police, date(2026, 4, 1), date(2026, 4, 30))
    )
    assertContains(response, "Ada Adeyemi")
    assertContains(response, "Ben Brown")
    assertNotContains(response, "Dee Davis")  # July
    assertNotContains(response, "Eve Evans")  # the school
    assertContains(response, "£100.00 (2 charges)")
    assertContains(response, "£60.00 (1 charge)")
    # The export links carry the same organisation and period.
    assertContains(response, f"organisation={police.pk}&amp;from=2026-04-01&amp;to=2026-04-30")


@pytest.mark.usefixtures("charges")
def test_a_period_ending_before_it_starts_is_explained(client: Client, team_member: User) -> None:
    """The message says what is wrong; the rest of the filter still applies."""
    client.force_login(team_member)
    response = client.get(
        reverse("training:charges"), _period(None, date(2026, 5, 1), date(2026, 4, 1))
    )
    assertContains(response, "The end of the period must be the same as or after its start.")
    assertContains(response, "<title>Error: Charges")


# Waiving -------------------------------------------------------------------------------------


def test_waiving_needs_a_reason(
    client: Client, team_member: User, charges: dict[str, Charge]
) -> None:
    """No reason, no waiver."""
    client.force_login(team_member)
    response = client.post(
        reverse("training:charge_waive", args=[charges["april"].pk]), {"reason": "  "}
    )
    assertContains(response, "Enter why the charge is waived.")
    charges["april"].refresh_from_db()
    assert charges["april"].waived_at is None


def test_waiving_a_charge(client: Client, team_member: User, charges: dict[str, Charge]) -> None:
    """The team waives a charge with a reason; it moves to the waived list and totals."""
    client.force_login(team_member)
    charge = charges["april"]
    response = client.post(
        reverse("training:charge_waive", args=[charge.pk]),
        {"reason": "The session clashed with a court hearing."},
        follow=True,
    )
    assertContains(response, "The £60.00 charge to Metropolitan Police, Lewisham is waived.")
    charge.refresh_from_db()
    assert charge.waived_at is not None
    assert charge.waived_by == team_member
    assert charge.waiver_reason == "The session clashed with a court hearing."
    assert charge.history.first().history_user == team_member


def test_waiving_twice_says_so(
    client: Client, team_member: User, charges: dict[str, Charge]
) -> None:
    """A charge already waived is not waived again."""
    client.force_login(team_member)
    response = client.get(
        reverse("training:charge_waive", args=[charges["april_waived"].pk]), follow=True
    )
    assertContains(response, "This charge has already been waived.")


# The export ----------------------------------------------------------------------------------

HEADER = [
    "Organisation",
    "Person",
    "Course",
    "Session date",
    "Kind",
    "Amount (£)",
    "Status",
    "Waiver reason",
]


@pytest.mark.usefixtures("charges")
def test_csv_export_for_one_organisation_and_period(
    client: Client, team_member: User, police: Organisation
) -> None:
    """One file per organisation and period, waived charges marked with their reason."""
    client.force_login(team_member)
    response = client.get(
        reverse("training:charges_export"),
        {"organisation": police.pk, "from": "2026-04-01", "to": "2026-04-30", "format": "csv"},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="charges-met-lewisham-from-2026-04-01-to-2026-04-30.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        HEADER,
        [
            "Metropolitan Police, Lewisham",
            "Ada Adeyemi",
            "Working Together to Safeguard Children",
            "2026-04-14",
            "Did not attend",
            "60.00",
            "Charged",
            "",
        ],
        [
            "Metropolitan Police, Lewisham",
            "Cai Chen",
            "Working Together to Safeguard Children",
            "2026-04-20",
            "Did not attend",
            "60.00",
            "Waived",
            "Off sick on the day",
        ],
        [
            "Metropolitan Police, Lewisham",
            "Ben Brown",
            "Information sharing for safeguarding",
            "2026-04-28",
            "Late cancellation",
            "40.00",
            "Charged",
            "",
        ],
    ]


@pytest.mark.usefixtures("charges")
def test_xlsx_export_has_real_dates_and_amounts(
    client: Client, team_member: User, police: Organisation
) -> None:
    """The spreadsheet holds dates and numbers, not text, so it sums and sorts."""
    client.force_login(team_member)
    response = client.get(
        reverse("training:charges_export"),
        {"organisation": police.pk, "from": "2026-04-01", "to": "2026-04-30", "format": "xlsx"},
    )
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('-to-2026-04-30.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 4
    organisation, person, course, day, kind, amount, status, reason = rows[1]
    assert (organisation, person, course, kind, status) == (
        "Metropolitan Police, Lewisham",
        "Ada Adeyemi",
        "Working Together to Safeguard Children",
        "Did not attend",
        "Charged",
    )
    assert day == datetime(2026, 4, 14)
    assert amount == 60
    assert reason is None
    assert rows[2][6:] == ("Waived", "Off sick on the day")
    assert sheet.cell(row=2, column=6).number_format == '"£"#,##0.00'


def test_export_neutralises_text_a_spreadsheet_would_run(
    client: Client, team_member: User, police: Organisation
) -> None:
    """A name that looks like a formula is written as text (CSV injection)."""
    _charge(police, on=date(2026, 4, 14), person=("=HYPERLINK(1)", "Smith"))
    client.force_login(team_member)
    csv_response = client.get(reverse("training:charges_export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'=HYPERLINK(1) Smith"
    xlsx_response = client.get(reverse("training:charges_export"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet is not None
    assert sheet.cell(row=2, column=2).data_type == "s"


@pytest.mark.parametrize(
    "query",
    [
        {"from": "1 April", "format": "csv"},
        {"format": "pdf"},
        {"organisation": "not-a-number"},
        {"from": "2026-05-01", "to": "2026-04-01"},
    ],
)
def test_export_with_a_bad_link_explains(
    client: Client, team_member: User, query: dict[str, str]
) -> None:
    """A broken export link goes back to the list with a message, not an error page."""
    client.force_login(team_member)
    response = client.get(reverse("training:charges_export"), query, follow=True)
    assertContains(response, "The export could not be made from that link.")


def test_export_of_nothing_is_just_the_header(client: Client, team_member: User) -> None:
    """With no charges in the period, the file still opens, with its header row."""
    client.force_login(team_member)
    response = client.get(reverse("training:charges_export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [HEADER]


@pytest.mark.usefixtures("charges")
def test_list_is_scoped_in_the_database(client: Client, school: Organisation) -> None:
    """The coordinator's list is filtered by the query itself: its count says so."""
    client.force_login(_coordinator_of(school))
    response = client.get(reverse("training:charges"))
    assert response.context["page"].paginator.count == 1
    assert response.context["totals"].charged_amount == Decimal("90.00")
