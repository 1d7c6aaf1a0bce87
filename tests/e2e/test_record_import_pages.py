"""A coordinator imports historic training records in Chromium: upload, check, confirm.

Each page is checked with axe-core (WCAG 2.2 AA): the upload page, the preview listing a file's
problems, and the preview of a good file before and after confirming.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import FilePayload, Page

from accounts.models import User
from organisations.enums import Sector
from organisations.models import Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in
from tests.organisations.factories import (
    EmailDomainFactory,
    MembershipFactory,
    OrganisationFactory,
)
from tests.training.factories import TrainingStandardFactory
from training.models import TrainingRecord

pytestmark = pytest.mark.browser

GOOD_FILE = (
    "Email,Course or activity title,Standard,Completed on,CPD hours,Provider\n"
    "amara.okafor@lewisham.example,Working together,Safeguarding children level 2,"
    "31/01/2024,6,LSCP\n"
    "tom.nguyen@lewisham.example,Level 1 e-learning,level-1,2023-11-05,1.5,\n"
)
# Row 2's date does not exist and its standard is misspelt; row 3's person is not a member.
FILE_WITH_PROBLEMS = (
    "email,title,standard,completed_on,cpd_hours\n"
    "amara.okafor@lewisham.example,Working together,Safeguarding children levle 2,31/02/2024,6\n"
    "someone@gmail.example,Level 1 e-learning,level-1,05/11/2023,1.5\n"
)


@pytest.fixture
def organisation() -> Organisation:
    organisation = OrganisationFactory.create(
        name="Lewisham Children's Social Care",
        slug="lewisham-childrens-social-care",
        sector=Sector.CHILDRENS_SOCIAL_CARE,
    )
    EmailDomainFactory.create(organisation=organisation, domain="lewisham.example")
    for email in ("amara.okafor@lewisham.example", "tom.nguyen@lewisham.example"):
        MembershipFactory.create(
            organisation=organisation,
            user=UserFactory.create(email=email),
            start_date=date(2020, 1, 1),
        )
    TrainingStandardFactory.create(name="Safeguarding children level 1", slug="level-1")
    TrainingStandardFactory.create(name="Safeguarding children level 2", slug="level-2")
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
    page.goto(reverse("training:records_import", kwargs={"slug": organisation.slug}))
    file = FilePayload(name=name, mimeType="text/csv", buffer=content.encode())
    page.get_by_label("Upload a file").set_input_files(file)
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and check").click()


def test_upload_page_is_accessible_with_and_without_errors(
    axe_page: Page, organisation: Organisation, signed_in_coordinator: User
) -> None:
    """The upload page, with its details opened, and again after sending it without a file."""
    axe_page.goto(reverse("training:records_import", kwargs={"slug": organisation.slug}))
    assert axe_page.get_by_role("heading", name="Import training records").is_visible()
    for summary in ("The columns", "Standards you can use"):
        axe_page.get_by_text(summary, exact=True).click()
    assert axe_page.get_by_role("cell", name="Safeguarding children level 2").is_visible()
    assert_accessible(axe_page)

    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Upload and check").click()
    assert axe_page.locator(".govuk-error-summary").is_visible()
    assert_accessible(axe_page)


def test_problems_are_listed_and_nothing_can_be_confirmed(
    axe_page: Page, organisation: Organisation, signed_in_coordinator: User
) -> None:
    """A file with problems lists each one, linked to its row, and offers no confirmation."""
    upload(axe_page, organisation, "records.csv", FILE_WITH_PROBLEMS)

    summary = axe_page.locator(".govuk-error-summary")
    assert summary.is_visible()
    links = summary.get_by_role("link")
    assert links.count() == 3, summary.inner_text()
    assert "Row 2: the date “31/02/2024” is not a real date." in summary.inner_text()
    assert axe_page.get_by_role("button", name="Confirm and add records").count() == 0
    assert_accessible(axe_page)

    links.first.click()
    assert axe_page.url.endswith("#row-2")


def test_good_file_is_checked_and_confirmed(
    axe_page: Page, organisation: Organisation, signed_in_coordinator: User
) -> None:
    """A clean file is previewed and confirmed once; the page then says what was added."""
    upload(axe_page, organisation, "records.csv", GOOD_FILE)
    assert axe_page.get_by_role("heading", name="Check your import").is_visible()
    assert_accessible(axe_page)

    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Confirm and add records").click()

    assert axe_page.get_by_role("heading", name="Training records imported").is_visible()
    assert axe_page.locator(".govuk-notification-banner--success").is_visible()
    assert_accessible(axe_page)
    assert TrainingRecord.objects.count() == 2
