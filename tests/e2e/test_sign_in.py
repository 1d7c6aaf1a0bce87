"""Signing in end to end in Chromium, authenticator app included."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp
from tests.e2e.sign_in import current_totp_code
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.browser


def test_coordinator_signs_in_with_authenticator_code(page: Page, live_server: object) -> None:
    """A coordinator gives their password, then their code; a wrong code is refused with a
    message, the right one leads to their home page with the people pages offered."""
    user = UserFactory.create(email="coordinator@lewisham.example", first_name="Priya")
    MembershipFactory.create(
        user=user, organisation__name="Lewisham Children's Social Care", coordinator=True
    )
    enrol_totp(user)

    page.goto(reverse("account_login"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    assert page.url.endswith(reverse("mfa_authenticate")), page.url
    code = page.locator("input[name=code]")
    code.fill("000000" if current_totp_code() != "000000" else "111111")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.url.endswith(reverse("mfa_authenticate")), page.url
    assert page.locator(".govuk-error-summary").is_visible()

    page.locator("input[name=code]").fill(current_totp_code())
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    assert page.url == f"{live_server}{reverse('home')}"
    assert page.get_by_role("heading", name="Hello, Priya").is_visible()
    assert page.get_by_text("Lewisham Children's Social Care").first.is_visible()
    navigation = page.get_by_role("navigation", name="Menu")
    assert navigation.get_by_role("link", name="People").is_visible()


def test_wrong_password_keeps_person_out(page: Page) -> None:
    """A wrong password shows the error summary and does not sign the person in."""
    user = UserFactory.create(email="practitioner@lewisham.example")
    page.goto(reverse("account_login"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    assert page.url.endswith(reverse("account_login")), page.url
    assert page.locator(".govuk-error-summary").is_visible()
    page.goto(reverse("accounts:profile"))
    assert reverse("account_login") in page.url
