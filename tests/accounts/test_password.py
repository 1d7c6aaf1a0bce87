"""Resetting a forgotten password, and changing a known one."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.html import parse

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-different-long-passphrase"


def reset_link(message) -> str:
    """The path of the reset link in an email."""
    url = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message.body).group(0)
    return url.split("testserver", 1)[-1]


def request_reset(client, email: str, capture) -> None:
    with capture(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.headers["Location"] == reverse("account_reset_password_done")


def test_reset_sends_a_link_in_plain_english(client, django_capture_on_commit_callbacks):
    """Asking for a reset emails a link; the email names the partnership, not example.com."""
    user = UserFactory()
    request_reset(client, user.email, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Reset your password"
    assert settings.PARTNERSHIP_NAME in message.body
    assert "example.com" not in message.body
    assert "/accounts/password/reset/key/" in message.body


def test_reset_link_sets_a_new_password(client, sign_in, django_capture_on_commit_callbacks):
    """Following the link, choosing a password, then signing in with it works."""
    user = UserFactory()
    request_reset(client, user.email, django_capture_on_commit_callbacks)
    # allauth moves the key into the session and redirects to a URL without it.
    form_page = client.get(reset_link(mail.outbox[0]), follow=True)
    assert b"Choose a new password" in form_page.content
    page = parse(form_page.content)
    assert page.input_named("password1")["autocomplete"] == "new-password"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_page.redirect_chain[-1][0],
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.headers["Location"] == reverse("account_reset_password_from_key_done")
    assert b"Your password has been changed" in client.get(response.headers["Location"]).content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert sign_in(user.email, NEW_PASSWORD).headers["Location"] == reverse("home")
    assert mail.outbox[-1].subject == "Your password has been reset"


def test_reset_for_unknown_address_looks_the_same(client, django_capture_on_commit_callbacks):
    """An unknown address gets the same page, and an email saying no account uses it."""
    request_reset(client, "nobody@agency.example", django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == ["nobody@agency.example"]
    assert message.subject == "No account uses this email address"


def test_used_or_broken_reset_link_explains_itself(client):
    """A link with a bad key says it does not work and offers a new one."""
    user = UserFactory()
    from allauth.account.utils import user_pk_to_url_str

    response = client.get(
        reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": "set-password"},
        ),
        follow=True,
    )
    assert b"This link does not work" in response.content


def test_change_password_needs_the_current_one(client, sign_in):
    """The current password must be right before the password changes."""
    user = UserFactory()
    sign_in(user.email)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert b"Enter your current password." in response.content
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_change_password_changes_it_and_tells_the_owner(
    client, sign_in, django_capture_on_commit_callbacks
):
    """A right current password and a good new one change it; an email says so."""
    user = UserFactory()
    sign_in(user.email)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.session.get("_auth_user_id") == str(user.pk)  # still signed in
    [message] = mail.outbox
    assert message.subject == "Your password has been changed"
    assert "If you did not do this" in message.body


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short", "This password is too short."),
        ("password123456", "This password is too common."),
        ("12345678901234", "This password is entirely numeric."),
    ],
)
def test_new_password_must_follow_the_rules(client, sign_in, new_password, message):
    """Django's password rules apply to a changed password."""
    user = UserFactory()
    sign_in(user.email)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
