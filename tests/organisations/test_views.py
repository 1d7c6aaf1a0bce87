"""The people pages: lists, a person's record, inviting, invitations and importing a file.

Who may open each page is tested as a matrix in test_permissions.py; these tests are about
what the pages do for the people who may.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from organisations.enums import GovernorCategory, ImportStatus, MembershipKind
from organisations.models import ImportBatch, Membership, Organisation
from tests.accounts.factories import InvitationFactory, UserFactory, enrol_totp
from tests.organisations.conftest import STAFF_HEADER, Council, csv_bytes
from tests.organisations.factories import (
    ImportBatchFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def _url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(f"organisations:{name}", kwargs={"slug": organisation.slug, **kwargs})


def _date(prefix: str, value: date) -> dict[str, str]:
    """A date as the GOV.UK date input posts it: day, month and year."""
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def _sign_in(client: Client, user: User) -> User:
    enrol_totp(user)
    client.force_login(user)
    return user


# People list -----------------------------------------------------------------------------------


def test_people_list_links_each_person_and_offers_management(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    response = client.get(_url("people", council.organisation))
    assert response.status_code == 200
    content = response.content.decode()
    assert _url("person", council.organisation, pk=council.manager.pk) in content
    assert "Invite a person" in content
    assert "Import people" in content
    assert _url("invitations", council.organisation) in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "adeyemi"}, {"Morgan Adeyemi"}),
        ({"q": "morgan ade"}, {"Morgan Adeyemi"}),
        ({"q": "volunteer.example"}, {"Val Volunteer"}),
        ({"kind": "volunteer"}, {"Val Volunteer"}),
        ({"kind": "staff", "q": "val"}, set()),
        ({"kind": "nonsense"}, {"Morgan Adeyemi", "Val Volunteer", "Cora Coordinator"}),
        ({"kind": "nonsense", "q": "val"}, {"Val Volunteer"}),
    ],
)
def test_people_list_search_and_filter(
    client: Client,
    council: Council,
    signed_in_coordinator: User,
    query: dict[str, str],
    expected: set[str],
) -> None:
    """Search matches every word against names and email; a bad filter is ignored."""
    signed_in_coordinator.last_name = "Coordinator"
    signed_in_coordinator.save()
    MembershipFactory(
        organisation=council.organisation,
        volunteer=True,
        user=UserFactory(first_name="Val", last_name="Volunteer", email="val@volunteer.example"),
    )
    response = client.get(_url("people", council.organisation), query)
    names = {m.user.get_full_name() for m in response.context["page"].object_list}
    assert names == expected
    assert "There is a problem" not in response.content.decode()


def test_people_list_pages_keep_the_search(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    """The next page of a search is the next page of the same search."""
    for n in range(55):
        MembershipFactory(
            organisation=council.organisation,
            user=UserFactory(last_name=f"Okoro {n:02d}", email=f"okoro{n}@lewisham.example"),
        )
    response = client.get(_url("people", council.organisation), {"q": "okoro", "kind": "staff"})
    assert response.context["page"].paginator.count == 55
    assert 'href="?q=okoro&amp;kind=staff&amp;page=2"' in response.content.decode()


def test_people_list_query_count_does_not_grow_with_people(
    client: Client, council: Council, signed_in_coordinator: User, django_assert_num_queries: Any
) -> None:
    """One page of people costs the same queries for 3 people as for 40."""
    url = _url("people", council.organisation)
    client.get(url)  # warm up: sessions and the like
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(38):
        MembershipFactory(
            organisation=council.organisation,
            job_role=council.social_worker,
            line_manager=council.manager,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 40


# A person's record -------------------------------------------------------------------------------


def test_person_page_shows_details_and_actions(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    person = MembershipFactory(
        organisation=council.organisation,
        job_role=council.social_worker,
        line_manager=council.manager,
        start_date=date(2024, 4, 2),
    )
    response = client.get(_url("person", council.organisation, pk=person.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert person.user.email in content
    assert "Social worker" in content
    assert "Morgan Adeyemi" in content
    assert "2 April 2024" in content
    assert _url("person_edit", council.organisation, pk=person.pk) in content
    assert _url("person_end", council.organisation, pk=person.pk) in content


def test_another_organisations_membership_through_this_address_is_not_found(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    elsewhere = MembershipFactory(organisation=OrganisationFactory())
    for name in ("person", "person_edit", "person_end"):
        response = client.get(_url(name, council.organisation, pk=elsewhere.pk))
        assert response.status_code == 404


def test_edit_page_offers_only_the_flags_the_editor_may_grant(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    """A council coordinator may grant coordinator and web editor, not clerk."""
    person = MembershipFactory(organisation=council.organisation)
    response = client.get(_url("person_edit", council.organisation, pk=person.pk))
    fields = set(response.context["form"].fields)
    assert {"is_coordinator", "is_web_editor"} <= fields
    assert "is_clerk" not in fields
    assert {"job_role", "line_manager", "start_date"} <= fields


def test_clerk_edits_a_governor_without_any_flags(client: Client, school: Organisation) -> None:
    clerk = _sign_in(client, MembershipFactory(organisation=school, clerk=True).user)
    governor = MembershipFactory(organisation=school, governor=True)
    url = _url("person_edit", school, pk=governor.pk)
    response = client.get(url)
    fields = set(response.context["form"].fields)
    assert fields == {"governor_category", "governor_role", "term_end", "start_date"}

    response = client.post(
        url,
        {
            "governor_category": GovernorCategory.FOUNDATION,
            "governor_role": "chair",
            **_date("start_date", governor.start_date),
            **_date("term_end", date(2030, 8, 31)),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    governor.refresh_from_db()
    assert (governor.governor_category, governor.governor_role) == ("foundation", "chair")
    assert clerk.is_authenticated


def test_editing_saves_changes(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    person = MembershipFactory(organisation=council.organisation)
    response = client.post(
        _url("person_edit", council.organisation, pk=person.pk),
        {
            "job_role": council.social_worker.pk,
            "line_manager": council.manager.pk,
            "is_web_editor": "on",
            **_date("start_date", date(2025, 3, 3)),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _url("person", council.organisation, pk=person.pk)
    person.refresh_from_db()
    assert person.job_role == council.social_worker
    assert person.line_manager == council.manager
    assert person.is_web_editor
    assert person.start_date == date(2025, 3, 3)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"start_date_day": "31", "start_date_month": "2", "start_date_year": "2026"},
            "start_date",
            "Enter a real date, for example 27 3 2026.",
        ),
        ({}, "start_date", "Enter the start date."),
        (
            {"line_manager": "self", **_date("start_date", date(2025, 1, 1))},
            "line_manager",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_editing_with_bad_input_shows_errors_and_changes_nothing(
    client: Client,
    council: Council,
    signed_in_coordinator: User,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    person = MembershipFactory(organisation=council.organisation, start_date=date(2024, 1, 1))
    if data.get("line_manager") == "self":
        data["line_manager"] = str(person.pk)
    response = client.post(_url("person_edit", council.organisation, pk=person.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    content = response.content.decode()
    assert "There is a problem" in content
    assert content.count(message) >= 2  # in the summary and by the field
    person.refresh_from_db()
    assert person.start_date == date(2024, 1, 1)
    assert person.line_manager is None


def test_date_boxes_show_the_saved_date_and_keep_what_was_typed(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    """The GOV.UK date input has day, month and year boxes, filled in again after an error."""
    person = MembershipFactory(organisation=council.organisation, start_date=date(2024, 4, 2))
    url = _url("person_edit", council.organisation, pk=person.pk)
    content = client.get(url).content.decode()
    for name, value in (("day", "2"), ("month", "4"), ("year", "2024")):
        assert (
            f'name="start_date_{name}" type="text" inputmode="numeric" value="{value}"' in content
        )

    response = client.post(
        url, {"start_date_day": "31", "start_date_month": "2", "start_date_year": "2026"}
    )
    content = response.content.decode()
    assert 'name="start_date_day" type="text" inputmode="numeric" value="31"' in content
    assert 'name="start_date_month" type="text" inputmode="numeric" value="2"' in content


def test_ending_a_membership(client: Client, council: Council, signed_in_coordinator: User) -> None:
    person = MembershipFactory(organisation=council.organisation, start_date=date(2024, 1, 1))
    url = _url("person_end", council.organisation, pk=person.pk)
    assert "End membership" in client.get(url).content.decode()

    response = client.post(url, _date("end_date", date(2025, 7, 31)))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.end_date == date(2025, 7, 31)


def test_ending_before_the_start_shows_an_error_and_changes_nothing(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    person = MembershipFactory(organisation=council.organisation, start_date=date(2024, 1, 1))
    response = client.post(
        _url("person_end", council.organisation, pk=person.pk), _date("end_date", date(2023, 1, 1))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [
        "The end date must be on or after the start date, 1 January 2024."
    ]
    assert "There is a problem" in response.content.decode()
    person.refresh_from_db()
    assert person.end_date is None


# Inviting ----------------------------------------------------------------------------------------


def test_inviting_a_person_sends_an_invitation(
    client: Client,
    council: Council,
    signed_in_coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = _url("invite", council.organisation)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "first_name": "Sam",
                "last_name": "Taylor",
                "email": "sam.taylor@lewisham.example",
                "job_role": council.social_worker.pk,
                "line_manager": council.manager.pk,
            },
        )
    assert response.status_code == 302
    assert response["Location"] == _url("invitations", council.organisation)
    invitation = Invitation.objects.get()
    assert invitation.start_date == timezone.localdate()
    assert invitation.invited_by == signed_in_coordinator
    assert [message.to for message in mail.outbox] == [["sam.taylor@lewisham.example"]]


def test_inviting_someone_with_an_account_waits_for_them_to_accept(
    client: Client,
    council: Council,
    signed_in_coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Adding an existing account as a volunteer (no email-domain check) makes an invitation
    only; the membership starts when that person, signed in, accepts it."""
    detective = MembershipFactory(organisation=OrganisationFactory(sector="police")).user
    url = _url("invite", council.organisation) + "?kind=volunteer"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"first_name": "Sam", "last_name": "Taylor", "email": detective.email}
        )
    assert response["Location"] == _url("invitations", council.organisation)
    assert not Membership.objects.filter(user=detective, organisation=council.organisation)
    invitation = Invitation.objects.get(email=detective.email)
    assert len(mail.outbox) == 1
    assert invitation.get_absolute_url() in mail.outbox[0].body

    # The coordinator cannot accept it for them.
    client.post(invitation.get_absolute_url())
    assert not Membership.objects.filter(user=detective, organisation=council.organisation)

    detective_client = Client()
    detective_client.force_login(detective)
    detective_client.post(invitation.get_absolute_url())
    membership = Membership.objects.get(user=detective, organisation=council.organisation)
    assert membership.kind == MembershipKind.VOLUNTEER


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"first_name": "", "last_name": "Taylor", "email": "sam@lewisham.example"},
            "first_name",
            "Enter their first name.",
        ),
        (
            {"first_name": "Sam", "last_name": "Taylor", "email": "not-an-email"},
            "email",
            "Enter an email address in the correct format, like name@example.com.",
        ),
        (
            {"first_name": "Sam", "last_name": "Taylor", "email": "sam@gmail.example"},
            "email",
            "Enter a work email address for Lewisham Children&#x27;s Social Care. Staff must "
            "use an address ending @lewisham.example.",
        ),
    ],
)
def test_inviting_with_bad_input_shows_errors_and_sends_nothing(
    client: Client,
    council: Council,
    signed_in_coordinator: User,
    django_capture_on_commit_callbacks: Any,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("invite", council.organisation), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert f'href="#id_{field}"' in content
    assert message in content
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_clerk_invites_a_governor(client: Client, school: Organisation) -> None:
    _sign_in(client, MembershipFactory(organisation=school, clerk=True).user)
    response = client.post(
        _url("invite", school) + "?kind=governor",
        {
            "first_name": "Grace",
            "last_name": "Okafor",
            "email": "grace@mail.example",
            "governor_category": GovernorCategory.PARENT,
            "governor_role": "",
            **_date("term_end", date(2030, 8, 31)),
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.kind == MembershipKind.GOVERNOR
    assert invitation.term_end == date(2030, 8, 31)


def test_inviting_a_kind_one_does_not_manage_is_not_found(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    """The council has no governing board, so "?kind=governor" does not exist there."""
    response = client.get(_url("invite", council.organisation) + "?kind=governor")
    assert response.status_code == 404


# Invitations -------------------------------------------------------------------------------------


def test_invitations_page_lists_open_invitations(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    waiting = InvitationFactory(organisation=council.organisation, email="waiting@x.example")
    expired = InvitationFactory(
        organisation=council.organisation,
        email="expired@x.example",
        expires_at=timezone.now() - timedelta(days=1),
    )
    InvitationFactory(
        organisation=council.organisation, email="accepted@x.example", accepted_at=timezone.now()
    )
    InvitationFactory(email="elsewhere@x.example")
    response = client.get(_url("invitations", council.organisation))
    shown = {invitation.email for invitation in response.context["page"].object_list}
    assert shown == {waiting.email, expired.email}
    assert "Expired" in response.content.decode()


def test_send_again_and_withdraw(
    client: Client,
    council: Council,
    signed_in_coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invitation = InvitationFactory(organisation=council.organisation)
    old_token = invitation.token
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("invitation_resend", council.organisation, pk=invitation.pk))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.token != old_token
    assert len(mail.outbox) == 1

    response = client.post(_url("invitation_withdraw", council.organisation, pk=invitation.pk))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_invitation_actions_need_post_and_stay_in_their_organisation(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    """A link cannot withdraw an invitation, and another organisation's ids are not found."""
    mine = InvitationFactory(organisation=council.organisation)
    elsewhere = InvitationFactory()
    assert (
        client.get(_url("invitation_withdraw", council.organisation, pk=mine.pk)).status_code == 405
    )
    for name in ("invitation_resend", "invitation_withdraw"):
        response = client.post(_url(name, council.organisation, pk=elsewhere.pk))
        assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.revoked_at is None


# Importing ---------------------------------------------------------------------------------------


def _file(rows: list[list[str]], name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")


GOOD_ROWS = [
    STAFF_HEADER,
    [
        "Sam",
        "Taylor",
        "sam.taylor@lewisham.example",
        "Social worker",
        "manager@lewisham.example",
        "",
    ],
    ["Ali", "Khan", "ali.khan@lewisham.example", "", "", "25 November 2026"],
]


def test_upload_page_offers_templates_and_job_roles(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    response = client.get(_url("import_upload", council.organisation))
    content = response.content.decode()
    assert response.status_code == 200
    assert _url("import_template", council.organisation) + "?kind=staff" in content
    assert "?kind=governor" not in content  # no governing board here
    assert "Social worker" in content
    assert "Police constable" not in content


def test_template_has_headers_and_an_example_row(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    response = client.get(_url("import_template", council.organisation), {"kind": "staff"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == STAFF_HEADER
    assert len(rows) == 2
    assert rows[1][2].endswith("@lewisham.example")
    assert (
        client.get(_url("import_template", council.organisation), {"kind": "governor"}).status_code
        == 404
    )


def test_upload_preview_and_confirm(
    client: Client,
    council: Council,
    signed_in_coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Upload, see every row, confirm: everyone is invited once and emailed."""
    response = client.post(
        _url("import_upload", council.organisation), {"kind": "staff", "file": _file(GOOD_ROWS)}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("import_preview", council.organisation, pk=batch.pk)

    preview = client.get(response["Location"]).content.decode()
    assert "sam.taylor@lewisham.example" in preview
    assert "ali.khan@lewisham.example" in preview
    assert "Confirm and send invitations" in preview
    assert not Invitation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("import_preview", council.organisation, pk=batch.pk))
    assert response.status_code == 302
    assert response["Location"] == _url("people", council.organisation)
    assert Invitation.objects.count() == 2
    assert len(mail.outbox) == 2
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED

    response = client.post(_url("import_preview", council.organisation, pk=batch.pk), follow=True)
    assert "This file has already been imported." in response.content.decode()
    assert Invitation.objects.count() == 2


def test_preview_lists_every_problem_and_offers_no_confirmation(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    rows = [*GOOD_ROWS, ["", "Jones", "bad-address", "Socail worker", "", "31/02/2026"]]
    client.post(_url("import_upload", council.organisation), {"kind": "staff", "file": _file(rows)})
    batch = ImportBatch.objects.get()
    response = client.get(_url("import_preview", council.organisation, pk=batch.pk))
    content = response.content.decode()
    assert "There are 4 problems with this file" in content
    for message in (
        "Row 4 has no first name.",
        "Row 4: “bad-address” is not a valid email address.",
        "Did you mean “Social worker”?",
        "Row 4: the start date “31/02/2026” is not a date we can read.",
    ):
        assert message in content
    assert "Confirm and send invitations" not in content
    assert "Upload a corrected file" in content

    response = client.post(_url("import_preview", council.organisation, pk=batch.pk))
    assert response.status_code == 200
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("people.pdf", b"%PDF-1.4", content_type="application/pdf"),
            "“people.pdf” must be a CSV file or an Excel workbook (.xlsx).",
        ),
        (
            SimpleUploadedFile("people.csv", csv_bytes([STAFF_HEADER]), content_type="text/csv"),
            "The file has no people in it.",
        ),
        (None, "Select a CSV or Excel file."),
    ],
)
def test_unusable_upload_shows_an_error_and_stores_nothing(
    client: Client,
    council: Council,
    signed_in_coordinator: User,
    upload: SimpleUploadedFile | None,
    message: str,
) -> None:
    data: dict[str, Any] = {"kind": "staff"}
    if upload is not None:
        data["file"] = upload
    response = client.post(_url("import_upload", council.organisation), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert 'href="#id_file"' in content
    assert message in content
    assert not ImportBatch.objects.exists()


def test_upload_kind_is_limited_to_what_one_manages(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    response = client.post(
        _url("import_upload", council.organisation),
        {"kind": "governor", "file": _file(GOOD_ROWS)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert not ImportBatch.objects.exists()


def test_preview_of_another_organisations_batch_is_not_found(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    elsewhere = ImportBatchFactory()
    url = _url("import_preview", council.organisation, pk=elsewhere.pk)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_applied_batch_shows_what_happened(
    client: Client, council: Council, signed_in_coordinator: User
) -> None:
    batch = ImportBatchFactory(
        organisation=council.organisation, applied=True, invited_count=3, added_count=1
    )
    content = client.get(_url("import_preview", council.organisation, pk=batch.pk)).content.decode()
    assert "Import complete" in content
    assert "3 invited, 1 added" in content
    assert "Confirm and send invitations" not in content
