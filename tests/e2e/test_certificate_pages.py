"""Certificates in Chromium: the public verification pages (a valid, a revoked and a wrong
code, and the form with an error) and a person's own certificates, each checked with axe-core
(WCAG 2.2 AA)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from certificates.models import Certificate
from tests.certificates.factories import CertificateFactory
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def certificate() -> Certificate:
    return CertificateFactory.create(holder_name="Łucja Nguyễn")


def test_verification_of_a_valid_certificate(axe_page: Page, certificate: Certificate) -> None:
    axe_page.goto(reverse("certificates:verify_code", args=[certificate.code]))
    expect(axe_page.locator("main")).to_contain_text("Łucja Nguyễn")
    expect(axe_page.locator("main")).to_contain_text("Valid")
    assert_accessible(axe_page)


def test_verification_of_a_revoked_certificate(axe_page: Page) -> None:
    revoked = CertificateFactory.create(revoked_at=timezone.now(), revoked_reason="Issued in error")
    axe_page.goto(reverse("certificates:verify_code", args=[revoked.code]))
    expect(axe_page.locator("main")).not_to_contain_text("Issued in error")
    assert_accessible(axe_page)


def test_a_code_typed_into_the_form(axe_page: Page, certificate: Certificate) -> None:
    """Typed in lower case with spaces, found; a wrong code, a plain answer."""
    axe_page.goto(reverse("certificates:verify"))
    assert_accessible(axe_page)
    axe_page.locator("input[name=code]").fill(certificate.display_code.lower().replace("-", " "))
    axe_page.keyboard.press("Enter")
    expect(axe_page.locator("main")).to_contain_text("Łucja Nguyễn")
    axe_page.goto(reverse("certificates:verify_code", args=["ZZZZZZZZZZZZZZZZ"]))
    assert_accessible(axe_page)


def test_your_certificates(axe_page: Page, certificate: Certificate) -> None:
    assert certificate.holder is not None
    sign_in(axe_page, certificate.holder.email)
    axe_page.goto(reverse("certificates:mine"))
    expect(axe_page.locator("main")).to_contain_text(certificate.course_title)
    assert_accessible(axe_page)


def test_a_coordinator_downloads_their_staffs_certificates(axe_page: Page) -> None:
    """The request form, with an error and then right, and the finished zip's page."""
    from tests.accounts.factories import enrol_totp
    from tests.certificates.factories import attended_booking
    from tests.organisations.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory.create(name="Riverside Family Support", slug="riverside")
    coordinator = MembershipFactory.create(organisation=organisation, coordinator=True).user
    enrol_totp(coordinator)
    person = MembershipFactory.create(
        organisation=organisation, user__first_name="Łucja", user__last_name="Nguyễn"
    )
    record = attended_booking(attendee=person).record
    CertificateFactory.create(training_record=record, completed_on=record.completed_on)
    today = timezone.localdate()

    sign_in(axe_page, coordinator.email, mfa=True)
    axe_page.goto(reverse("certificates:export_request", args=[organisation.slug]))
    assert_accessible(axe_page)

    def period(start: str, end: str) -> None:
        for name, value in (("period_from", start), ("period_to", end)):
            day, month, year = value.split("-")[::-1]
            axe_page.locator(f"input[name={name}_day]").fill(day)
            axe_page.locator(f"input[name={name}_month]").fill(month)
            axe_page.locator(f"input[name={name}_year]").fill(year)
        axe_page.get_by_role("button", name="Make the zip file").click()

    period(f"{today:%Y-%m-%d}", f"{today - timedelta(days=7):%Y-%m-%d}")  # ends first
    expect(axe_page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(axe_page)

    start = today - timedelta(days=365)
    period(f"{start:%Y-%m-%d}", f"{today:%Y-%m-%d}")
    expect(axe_page.locator("main")).to_contain_text("Download")
    assert_accessible(axe_page)
