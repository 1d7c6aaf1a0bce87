"""Evidence of training elsewhere in Chromium: a practitioner sends a certificate, their
coordinator checks it. Each page is checked with axe-core (WCAG 2.2 AA), the upload form also
with its errors showing."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import FilePayload, Page

from accounts.models import User
from evidence.enums import EvidenceStatus
from evidence.models import ExternalEvidence
from organisations.models import Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in
from tests.evidence.factories import PDF_BYTES, ExternalEvidenceFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingStandardFactory
from training.models import TrainingRecord

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation() -> Organisation:
    TrainingStandardFactory.create(name="Safeguarding children level 2", slug="level-2")
    TrainingStandardFactory.create(name="Safeguarding children level 3", slug="level-3")
    return OrganisationFactory.create(
        name="Lewisham Children's Social Care", slug="lewisham-childrens-social-care"
    )


@pytest.fixture
def practitioner(organisation: Organisation) -> User:
    user = UserFactory.create(
        email="amara.okafor@lewisham.example", first_name="Amara", last_name="Okafor"
    )
    MembershipFactory.create(user=user, organisation=organisation)
    return user


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    user = UserFactory.create(email="coordinator@lewisham.example")
    MembershipFactory.create(user=user, organisation=organisation, coordinator=True)
    enrol_totp(user)
    return user


def test_the_upload_form_with_errors_is_accessible(axe_page: Page, practitioner: User) -> None:
    """Sent with a future date, too many hours and a file that is not a certificate: every
    problem is in the error summary, and the page still passes."""
    sign_in(axe_page, practitioner.email)
    axe_page.goto(reverse("evidence:new"))
    assert_accessible(axe_page)

    axe_page.get_by_label("Course name").fill("Level 2 e-learning")
    axe_page.get_by_label("Who provided the training?").fill("NHS e-Learning for Healthcare")
    axe_page.get_by_label("Day").fill("1")
    axe_page.get_by_label("Month").fill("1")
    axe_page.get_by_label("Year").fill(str(date.today().year + 1))
    axe_page.get_by_label("How many CPD hours was it?").fill("150")
    axe_page.get_by_label("Upload your certificate").set_input_files(
        FilePayload(name="notes.pdf", mimeType="application/pdf", buffer=b"just some notes")
    )
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Send for checking").click()

    summary = axe_page.locator(".govuk-error-summary")
    assert summary.is_visible()
    text = summary.inner_text()
    for message in (
        "must be today or in the past",
        "must be 100 or fewer",
        "Choose the standard the training meets.",
        "must be a PDF, PNG or JPEG",
    ):
        assert message in text, text
    assert axe_page.title().startswith("Error: ")
    assert not ExternalEvidence.objects.exists()
    assert_accessible(axe_page)


def test_a_practitioner_sends_evidence_and_sees_it_waiting(
    axe_page: Page, practitioner: User
) -> None:
    sign_in(axe_page, practitioner.email)
    axe_page.goto(reverse("evidence:new"))
    axe_page.get_by_label("Course name").fill("Level 2 e-learning")
    axe_page.get_by_label("Who provided the training?").fill("NHS e-Learning for Healthcare")
    axe_page.get_by_label("Day").fill("14")
    axe_page.get_by_label("Month").fill("3")
    axe_page.get_by_label("Year").fill("2025")
    axe_page.get_by_label("How many CPD hours was it?").fill("2.5")
    axe_page.get_by_label("Which standard does it meet?").select_option(
        label="Safeguarding children level 2"
    )
    axe_page.get_by_label("Upload your certificate").set_input_files(
        FilePayload(name="certificate.pdf", mimeType="application/pdf", buffer=PDF_BYTES)
    )
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Send for checking").click()

    assert axe_page.locator(".govuk-notification-banner--success").is_visible()
    assert axe_page.get_by_text("Waiting for verification").first.is_visible()
    evidence = ExternalEvidence.objects.get()
    assert evidence.completed_on == date(2025, 3, 14)
    assert_accessible(axe_page)


def test_a_coordinator_reviews_and_verifies_evidence(
    axe_page: Page, organisation: Organisation, coordinator: User
) -> None:
    """The review list and the evidence's page pass axe; "Verify evidence" makes the record."""
    for number in range(3):
        ExternalEvidenceFactory.create(
            membership=MembershipFactory.create(organisation=organisation),
            title=f"Level 2 e-learning {number}",
        )
    ExternalEvidenceFactory.create(
        membership=MembershipFactory.create(organisation=organisation),
        title="Rejected course",
        status=EvidenceStatus.REJECTED,
        decided_at=timezone.now(),
        rejection_reason="The certificate has no name on it.",
    )
    sign_in(axe_page, coordinator.email, mfa=True)

    axe_page.goto(reverse("evidence:review"))
    assert axe_page.get_by_role("table").is_visible()
    assert_accessible(axe_page)

    with axe_page.expect_navigation():
        axe_page.get_by_role("link", name="Level 2 e-learning 0").click()
    assert axe_page.get_by_role("button", name="Verify evidence").is_visible()
    assert_accessible(axe_page)

    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Verify evidence").click()
    assert axe_page.locator(".govuk-notification-banner--success").is_visible()
    assert TrainingRecord.objects.count() == 1
    assert_accessible(axe_page)


def test_the_reject_page_with_errors_is_accessible(
    axe_page: Page, organisation: Organisation, coordinator: User
) -> None:
    evidence = ExternalEvidenceFactory.create(
        membership=MembershipFactory.create(organisation=organisation)
    )
    sign_in(axe_page, coordinator.email, mfa=True)
    axe_page.goto(reverse("evidence:reject", kwargs={"pk": evidence.pk}))
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Reject evidence").click()
    assert axe_page.locator(".govuk-error-summary").is_visible()
    assert_accessible(axe_page)
