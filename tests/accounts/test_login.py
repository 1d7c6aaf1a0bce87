"""Signing in and out with an email address and password (and a code when MFA is on)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory, enrol_totp, fresh_totp_code
from tests.accounts.html import page_title, parse

pytestmark = pytest.mark.django_db


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_sign_in_form_uses_email_and_current_password(client):
    """The fields are labelled and tell password managers what they hold."""
    page = parse(client.get(reverse("account_login")).content)
    assert page.input_named("login")["type"] == "email"
    assert page.input_named("login")["autocomplete"] == "email"
    assert page.input_named("password")["autocomplete"] == "current-password"
    assert page.unlabelled_inputs() == []


def test_sign_in_has_no_remember_me(client):
    """Sessions end with the browser: shared computers are common, so there is no checkbox."""
    page = parse(client.get(reverse("account_login")).content)
    assert "remember" not in {field.get("name") for field in page.inputs}


def test_right_password_signs_in(client, sign_in):
    """A verified person with the right password is signed in and taken home."""
    user = UserFactory()
    response = sign_in(user.email)
    assert response.headers["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(user.pk)


def test_email_address_is_not_case_sensitive(client, sign_in):
    """People type their address in any case."""
    user = UserFactory(email="sam.jones@agency.example")
    sign_in("Sam.Jones@Agency.example")
    assert signed_in_user_id(client) == str(user.pk)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("person@agency.example", "not-the-password"),
        ("nobody@agency.example", "correct-horse-battery-staple"),
    ],
    ids=["wrong password", "unknown address"],
)
def test_wrong_details_are_refused_with_one_message(client, sign_in, email, password):
    """A wrong password and an unknown address get the same message, so neither is revealed."""
    UserFactory(email="person@agency.example")
    response = sign_in(email, password)
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert b"The email address or password is not right" in response.content
    assert parse(response.content).title == page_title("Sign in", error=True)


def test_unverified_person_is_sent_to_confirm_their_email(client, sign_in):
    """An unconfirmed address cannot sign in: allauth sends the link again instead."""
    user = UserFactory(verified=False)
    response = sign_in(user.email)
    assert response.headers["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None


def test_closed_account_cannot_sign_in(client, sign_in):
    """An inactive account is not signed in."""
    user = UserFactory(is_active=False)
    sign_in(user.email)
    assert signed_in_user_id(client) is None


def test_sign_in_returns_to_the_page_asked_for(client, sign_in):
    """After signing in, the person goes to the page that sent them to sign in."""
    user = UserFactory()
    response = sign_in(user.email, next="/accounts/profile/")
    assert response.headers["Location"] == "/accounts/profile/"


def test_sign_in_does_not_redirect_to_another_site(client, sign_in):
    """A `next` pointing elsewhere is ignored."""
    user = UserFactory()
    response = sign_in(user.email, next="https://evil.example/")
    assert response.headers["Location"] == reverse("home")


def test_sign_out_asks_then_signs_out(client):
    """Sign out is a page with a button; only the POST signs out."""
    client.force_login(UserFactory())
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert signed_in_user_id(client) is not None
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_person_with_authenticator_is_asked_for_a_code(client, sign_in):
    """With an authenticator app set up, the password alone does not sign in."""
    user = UserFactory()
    enrol_totp(user)
    response = sign_in(user.email)
    assert response.headers["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    page = client.get(reverse("mfa_authenticate"))
    parsed = parse(page.content)
    assert parsed.title == page_title("Enter your security code")
    assert parsed.input_named("code")["autocomplete"] == "one-time-code"
    assert parsed.input_named("code")["inputmode"] == "numeric"


def test_right_code_signs_in(client, sign_in):
    """The code from the authenticator app finishes signing in."""
    user = UserFactory()
    enrol_totp(user)
    sign_in(user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code()})
    assert response.headers["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(user.pk)


def test_wrong_code_is_refused(client, sign_in):
    """A wrong code gets a plain message and does not sign in."""
    user = UserFactory()
    enrol_totp(user)
    sign_in(user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert b"The security code is not right" in response.content
    assert parse(response.content).title.startswith("Error: ")
    assert signed_in_user_id(client) is None


def test_code_cannot_be_used_twice(client, sign_in):
    """A code that has signed someone in cannot sign in again (replay)."""
    user = UserFactory()
    enrol_totp(user)
    code = fresh_totp_code()
    sign_in(user.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("account_logout"))
    sign_in(user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_recovery_code_signs_in_once(client, sign_in):
    """A recovery code works instead of the app's code, and only once."""
    from allauth.mfa.models import Authenticator

    user = UserFactory()
    enrol_totp(user)
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    code = recovery.wrap().get_unused_codes()[0]
    sign_in(user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.headers["Location"] == reverse("home")
    client.post(reverse("account_logout"))
    sign_in(user.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert signed_in_user_id(client) is None


def test_person_without_authenticator_is_not_asked_for_a_code(client, sign_in):
    """MFA is optional for a practitioner: no app, no code."""
    user = UserFactory()
    response = sign_in(user.email)
    assert response.headers["Location"] == reverse("home")
