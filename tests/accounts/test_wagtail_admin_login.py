"""Wagtail's admin, and its sign-in for private pages and documents, use our sign-in, so MFA and
rate limits cannot be walked around."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    """A partnership team member with MFA set up: someone who may use the admin."""
    user = UserFactory(partnership_team=True)
    enrol_totp(user)
    return user


def test_admin_sends_anonymous_people_to_our_sign_in(client):
    """Opening the admin signed out leads to our sign-in page, coming back afterwards."""
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{reverse('account_login')}?next=/admin/"


# Wagtail's two sign-in pages: the admin's, and the one private pages and documents send to.
WAGTAIL_LOGIN_PATHS = ["/admin/login/", "/_util/login/"]


@pytest.mark.parametrize("path", WAGTAIL_LOGIN_PATHS)
def test_wagtail_login_pages_redirect_to_ours(client, path):
    """Wagtail's sign-in pages are replaced by a redirect that keeps `next`."""
    response = client.get(f"{path}?next=/admin/pages/")
    assert response.headers["Location"] == f"{reverse('account_login')}?next=/admin/pages/"


@pytest.mark.parametrize("path", WAGTAIL_LOGIN_PATHS)
@pytest.mark.parametrize("enforce_csrf", [False, True])
def test_password_posted_to_wagtail_login_signs_nobody_in(editor, enforce_csrf, path):
    """Right credentials sent to Wagtail's sign-in do not sign in, with or without CSRF checks."""
    from django.test import Client

    client = Client(enforce_csrf_checks=enforce_csrf)
    response = client.post(path, {"username": editor.email, "password": DEFAULT_PASSWORD})
    assert response.status_code in {302, 403}
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").headers["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "path", ["/admin/password_reset/", "/admin/password_reset/done/", "/admin/password_reset/x/y/"]
)
def test_wagtail_password_reset_redirects_to_ours(client, editor, path):
    """Wagtail's password reset pages send people to ours and never send an email."""
    response = client.post(path, {"email": editor.email})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("account_reset_password")
    assert mail.outbox == []


def test_wagtail_account_page_cannot_change_the_password(client, editor):
    """Wagtail's account settings have no password form, and posting one changes nothing."""
    client.force_login(editor)
    page = client.get("/admin/account/")
    assert page.status_code == 200
    assert b"new_password1" not in page.content
    client.post(
        "/admin/account/",
        {
            "password-old_password": DEFAULT_PASSWORD,
            "password-new_password1": "brand-new-admin-passphrase",
            "password-new_password2": "brand-new-admin-passphrase",
        },
    )
    editor.refresh_from_db()
    assert editor.check_password(DEFAULT_PASSWORD)


def test_wagtail_account_page_cannot_change_the_email(client, editor):
    """Email addresses change only through our pages, where the new one must be confirmed."""
    client.force_login(editor)
    page = client.get("/admin/account/")
    assert b'name="name_email-first_name"' in page.content
    assert b'name="name_email-email"' not in page.content


def test_admin_reachable_after_password_and_code(client, editor, sign_in_with_code):
    """Signed in through our pages with the code, the partnership team reaches the admin."""
    sign_in_with_code(editor.email)
    assert client.get("/admin/").status_code == 200


def test_admin_needs_the_code_not_just_the_password(client, editor, sign_in):
    """After the password alone, the admin still sends the person to sign in."""
    sign_in(editor.email)
    response = client.get("/admin/")
    assert response.headers["Location"].startswith(reverse("account_login"))


def test_wagtail_sign_out_works(client, editor):
    """Wagtail's sign-out button signs the person out."""
    client.force_login(editor)
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
