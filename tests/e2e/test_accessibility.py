"""axe-core finds no WCAG 2.2 AA violations on the pages people use, in Chromium.

Each page is checked as its users reach it: signed out, signed in as a practitioner, and
signed in as a coordinator who has set up an authenticator app.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from playwright.sync_api import Page

from accounts.models import User
from accounts.services import mfa_enrolment_proof_record
from organisations.models import Organisation
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp
from tests.e2e.axe import assert_accessible, axe_violations, describe_violations
from tests.e2e.sign_in import sign_in
from tests.organisations.factories import (
    EmailDomainFactory,
    JobRoleFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation() -> Organisation:
    """An organisation with a few people, so lists and tables have rows to check."""
    organisation = OrganisationFactory.create(
        name="Lewisham Children's Social Care", slug="lewisham-childrens-social-care"
    )
    EmailDomainFactory.create(organisation=organisation, domain="lewisham.example")
    social_worker = JobRoleFactory.create(name="Social worker")
    manager = MembershipFactory.create(
        organisation=organisation, job_role=JobRoleFactory.create(name="Team manager")
    )
    MembershipFactory.create_batch(
        3, organisation=organisation, job_role=social_worker, line_manager=manager
    )
    return organisation


@pytest.fixture
def practitioner(organisation: Organisation) -> User:
    user = UserFactory.create(email="practitioner@lewisham.example")
    MembershipFactory.create(user=user, organisation=organisation)
    return user


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    user = UserFactory.create(email="coordinator@lewisham.example")
    MembershipFactory.create(user=user, organisation=organisation, coordinator=True)
    enrol_totp(user)
    return user


@pytest.mark.parametrize(
    "url_name", ["home", "account_login", "account_signup", "account_reset_password"]
)
def test_public_pages(axe_page: Page, url_name: str) -> None:
    """The pages someone sees before signing in."""
    axe_page.goto(reverse(url_name))
    assert_accessible(axe_page)


def test_sign_up_with_errors(axe_page: Page, organisation: Organisation) -> None:
    """The sign-up form after a submission with nothing filled in: error summary and messages."""
    axe_page.goto(reverse("account_signup"))
    form = axe_page.locator("main form:has(input[name=password1])")
    # Leave the browser's own checks out of it, so the server's error messages show.
    form.evaluate("form => { form.noValidate = true; }")
    with axe_page.expect_navigation():
        form.locator("[type=submit]").last.click()
    assert axe_page.locator(".govuk-error-summary").is_visible()
    assert_accessible(axe_page)


def test_authenticator_prompt(axe_page: Page, coordinator: User) -> None:
    """The page asking for the authenticator code while signing in."""
    axe_page.goto(reverse("account_login"))
    axe_page.locator("input[name=login]").fill(coordinator.email)
    axe_page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    with axe_page.expect_navigation():
        axe_page.locator("input[name=password]").press("Enter")
    assert axe_page.locator("input[name=code]").is_visible()
    assert_accessible(axe_page)


@pytest.mark.parametrize("url_name", ["home", "accounts:profile", "mfa_index"])
def test_practitioner_pages(axe_page: Page, practitioner: User, url_name: str) -> None:
    """The pages a practitioner, who needs no authenticator app, uses."""
    sign_in(axe_page, practitioner.email)
    axe_page.goto(reverse(url_name))
    assert_accessible(axe_page)


def test_authenticator_set_up(axe_page: Page, organisation: Organisation) -> None:
    """The pages that make a coordinator set up an authenticator app before anything else:
    "Confirm it is you" (the emailed code), then the set-up page itself."""
    user = UserFactory.create(email="new.coordinator@lewisham.example")
    MembershipFactory.create(user=user, organisation=organisation, coordinator=True)
    sign_in(axe_page, user.email)
    axe_page.goto(reverse("mfa_activate_totp"))
    assert axe_page.url.endswith(reverse("accounts:mfa_enrolment_confirm")), axe_page.url
    assert_accessible(axe_page)
    # The code itself goes by email (tested in tests/accounts/test_mfa_enrolment.py); here the
    # proof it gives is written into this browser's session, as entering the code would.
    session_key = next(c["value"] for c in axe_page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=session_key)
    mfa_enrolment_proof_record(session=session, user=user, email=user.email, how="emailed_code")
    session.save()
    axe_page.goto(reverse("mfa_activate_totp"))
    if reverse("account_reauthenticate") in axe_page.url:
        # allauth asks for the password again before an authenticator can be added.
        assert_accessible(axe_page)
        password = axe_page.locator("input[name=password]")
        password.fill(DEFAULT_PASSWORD)
        with axe_page.expect_navigation():
            password.press("Enter")
    assert axe_page.url.endswith(reverse("mfa_activate_totp")), axe_page.url
    assert_accessible(axe_page)


@pytest.mark.parametrize(
    ("url_name", "by_slug"),
    [
        ("home", False),
        ("mfa_index", False),
        ("organisations:index", False),
        ("organisations:people", True),
        ("organisations:import_upload", True),
    ],
)
def test_coordinator_pages(
    axe_page: Page, coordinator: User, organisation: Organisation, url_name: str, by_slug: bool
) -> None:
    """The pages a coordinator uses to manage their organisation's people."""
    sign_in(axe_page, coordinator.email, mfa=True)
    kwargs = {"slug": organisation.slug} if by_slug else {}
    response = axe_page.goto(reverse(url_name, kwargs=kwargs))
    assert response is not None
    assert response.ok, f"{url_name} answered {response.status}"
    assert_accessible(axe_page)


def test_axe_finds_a_known_violation(axe_page: Page) -> None:
    """The check can fail: an image without alternative text is reported, element and all."""
    axe_page.goto(reverse("home"))
    axe_page.evaluate(
        """() => {
            const image = document.createElement("img");
            image.src = "/static/img/favicon.svg";
            image.id = "no-alt";
            document.querySelector("main").append(image);
        }"""
    )
    violations = axe_violations(axe_page)
    assert [violation["id"] for violation in violations] == ["image-alt"]
    message = describe_violations(axe_page.url, violations)
    assert '["#no-alt"]' in message
