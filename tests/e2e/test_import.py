"""A coordinator imports people from a spreadsheet in Chromium: upload, check, confirm.

Each step's page is also checked with axe-core, since the import pages are among those the
partnership promised would meet WCAG 2.2 AA.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import FilePayload, Page

from accounts.models import User
from organisations.models import Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in
from tests.organisations.factories import (
    EmailDomainFactory,
    JobRoleFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.browser

GOOD_FILE = (
    "First name,Last name,Email address,Start date,Job role\n"
    "Amara,Okafor,amara.okafor@lewisham.example,01/09/2026,Social worker\n"
    "Tom,Nguyen,tom.nguyen@lewisham.example,,\n"
)
# Row 2 has no first name; row 3's address is outside the organisation's email domain.
FILE_WITH_PROBLEMS = (
    "First name,Last name,Email address\n"
    ",Okafor,amara.okafor@lewisham.example\n"
    "Tom,Nguyen,tom.nguyen@gmail.example\n"
)


@pytest.fixture
def organisation() -> Organisation:
    organisation = OrganisationFactory.create(
        name="Lewisham Children's Social Care", slug="lewisham-childrens-social-care"
    )
    EmailDomainFactory.create(organisation=organisation, domain="lewisham.example")
    JobRoleFactory.create(name="Social worker")
    return organisation


@pytest.fixture
def signed_in_coordinator(axe_page: Page, organisation: Organisation) -> User:
    """A coordinator of the organisation, signed in with their authenticator code."""
    user = UserFactory.create(email="coordinator@lewisham.example")
    MembershipFactory.create(user=user, organisation=organisation, coordinator=True)
    enrol_totp(user)
    sign_in(axe_page, user.email, mfa=True)
    return user


def upload(page: Page, organisation: Organisation, name: str, content: str) -> None:
    page.goto(reverse("organisations:import_upload", kwargs={"slug": organisation.slug}))
    page.get_by_label("Staff", exact=True).check()
    file = FilePayload(name=name, mimeType="text/csv", buffer=content.encode())
    page.get_by_label("Upload a file").set_input_files(file)
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and check").click()


def test_upload_without_a_file_explains_what_to_do(
    axe_page: Page, organisation: Organisation, signed_in_coordinator: User
) -> None:
    """Sending the form empty shows the error summary, which is itself accessible."""
    axe_page.goto(reverse("organisations:import_upload", kwargs={"slug": organisation.slug}))
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Upload and check").click()
    assert axe_page.locator(".govuk-error-summary").is_visible()
    assert_accessible(axe_page)


def test_problems_are_listed_and_nothing_can_be_confirmed(
    axe_page: Page, organisation: Organisation, signed_in_coordinator: User
) -> None:
    """A file with problems lists each one, row by row, and offers no confirmation."""
    upload(axe_page, organisation, "staff.csv", FILE_WITH_PROBLEMS)

    summary = axe_page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.get_by_role("link").count() >= 2, summary.inner_text()
    assert axe_page.get_by_role("button", name="Confirm and send invitations").count() == 0
    assert_accessible(axe_page)


def test_good_file_is_imported_and_invitations_sent(
    axe_page: Page, organisation: Organisation, signed_in_coordinator: User
) -> None:
    """A clean file is previewed and confirmed; the coordinator is taken back to the people
    page with a confirmation, and each new person is emailed an invitation."""
    upload(axe_page, organisation, "staff.csv", GOOD_FILE)
    assert axe_page.get_by_role("heading", name="Check your import").is_visible()
    assert_accessible(axe_page)

    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Confirm and send invitations").click()

    assert axe_page.url.endswith(
        reverse("organisations:people", kwargs={"slug": organisation.slug})
    ), axe_page.url
    assert axe_page.locator(".govuk-notification-banner--success").is_visible()
    assert_accessible(axe_page)
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "amara.okafor@lewisham.example",
        "tom.nguyen@lewisham.example",
    ]
