"""Every allauth page we use is a GOV.UK page: layout, heading, labels, and no inline code."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.accounts.factories import UserFactory, enrol_totp
from tests.accounts.html import page_title, parse
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    ("account_login", "Sign in"),
    ("account_signup", "Create an account"),
    ("account_reset_password", "Reset your password"),
    ("account_reset_password_done", "Check your email"),
    ("account_email_verification_sent", "Check your email"),
    ("account_inactive", "Your account has been closed"),
]

SIGNED_IN_PAGES = [
    ("account_logout", "Sign out"),
    ("account_reauthenticate", "Enter your password"),
    ("account_change_password", "Change your password"),
    ("account_email", "Change your email address"),
    ("mfa_index", "Sign-in security"),
    ("accounts:mfa_enrolment_confirm", "Confirm it is you"),
    ("mfa_activate_totp", "Set up an authenticator app"),
    ("socialaccount_connections", "Microsoft sign-in"),
    ("accounts:profile", "Your account"),
]

ENROLLED_PAGES = [
    ("mfa_index", "Sign-in security"),
    ("mfa_view_recovery_codes", "Your recovery codes"),
    ("mfa_generate_recovery_codes", "Get new recovery codes"),
    ("mfa_deactivate_totp", "Turn off your authenticator app"),
]


def assert_govuk_page(content: bytes, heading: str) -> None:
    page = parse(content)
    assert page.title == page_title(heading)
    assert page.h1_classes == ["govuk-heading-l"] or "govuk-panel__title" in page.h1_classes
    assert f">{heading}<".encode() in content
    assert page.unlabelled_inputs() == []
    assert page.inline_scripts == 0
    assert page.style_attributes == 0
    assert b"govuk-template__body" in content


@pytest.mark.parametrize(("url_name", "heading"), ANONYMOUS_PAGES)
def test_anonymous_pages_are_govuk_pages(client, url_name, heading):
    """Pages for people not signed in use the GOV.UK layout, titles and labelled fields."""
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_govuk_page(response.content, heading)


@pytest.mark.parametrize(("url_name", "heading"), SIGNED_IN_PAGES)
def test_account_pages_are_govuk_pages(
    client, sign_in, confirm_it_is_you, reauthenticate, url_name, heading
):
    """Account pages for a signed-in person use the GOV.UK layout and lead back to the account."""
    user = UserFactory()
    MembershipFactory(user=user)
    sign_in(user.email)
    if url_name == "mfa_activate_totp":
        confirm_it_is_you()  # the emailed code comes before setting up an app
    reauthenticate()
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_govuk_page(response.content, heading)


@pytest.mark.parametrize(("url_name", "heading"), ENROLLED_PAGES)
def test_sign_in_security_pages_are_govuk_pages(
    client, sign_in_with_code, reauthenticate, url_name, heading
):
    """Pages about an authenticator app that is set up use the GOV.UK layout."""
    user = UserFactory()
    enrol_totp(user)
    sign_in_with_code(user.email)
    reauthenticate()
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_govuk_page(response.content, heading)


def test_form_errors_prefix_the_title_with_error(client):
    """A page whose form has errors says so first in its title, and lists them in a summary."""
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    page = parse(response.content)
    assert page.title == page_title("Sign in", error=True)
    assert b"govuk-error-summary" in response.content
    assert b'href="#id_login"' in response.content
    assert b"Enter your email address." in response.content


@pytest.mark.parametrize(
    ("template", "needs"),
    [("404.html", "Page not found"), ("403.html", "You cannot use this page")],
)
def test_error_pages_are_govuk_pages(rf, template, needs):
    """The not-found and forbidden pages use the site's layout."""
    from django.template.loader import render_to_string

    html = render_to_string(template, request=rf.get("/"))
    assert needs in html
    assert "govuk-template__body" in html


def test_server_error_page_renders_without_a_request(rf):
    """The 500 page needs nothing from the request, which may be what broke."""
    from django.template.loader import render_to_string

    from config.urls import handler500

    assert "Sorry, there is a problem with the service" in render_to_string("500.html")
    response = handler500(rf.get("/"))
    assert response.status_code == 500
    assert settings.PARTNERSHIP_NAME.encode() in response.content


def test_unknown_page_is_a_govuk_404(client):
    """An address that does not exist gets the GOV.UK not-found page."""
    response = client.get("/accounts/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
