"""Changing the email address: the new address must be confirmed before it replaces the old."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import UserFactory, enrol_totp

pytestmark = pytest.mark.django_db


def test_new_address_is_confirmed_before_it_replaces_the_old(
    client, sign_in, django_capture_on_commit_callbacks
):
    """The link goes to the new address; confirming it makes it the sign-in address."""
    user = UserFactory(email="old@agency.example")
    sign_in(user.email)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "new@agency.example"}
        )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "old@agency.example"
    [message] = mail.outbox
    assert message.to == ["new@agency.example"]
    assert message.subject == "Confirm your email address"
    page = client.get(reverse("account_email"))
    assert b"new@agency.example" in page.content
    assert b"Not confirmed" in page.content

    path = re.search(r"/accounts/confirm-email/\S+/", message.body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    user.refresh_from_db()
    assert user.email == "new@agency.example"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "new@agency.example"
    ]
    assert mail.outbox[-1].subject == "Your email address has been changed"


def test_address_of_another_account_is_not_revealed(client, sign_in):
    """Asking for an address someone else uses does not say so on the page."""
    UserFactory(email="taken@agency.example")
    user = UserFactory()
    sign_in(user.email)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "taken@agency.example"}
    )
    assert b"already uses" not in response.content


def test_invalid_address_gets_a_plain_message(client, sign_in):
    """A mistyped address is refused with an example of the right format."""
    user = UserFactory()
    sign_in(user.email)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "not-an-email"})
    assert response.status_code == 200
    assert b"Enter an email address in the correct format" in response.content


def test_person_with_mfa_is_told_to_ask_the_partnership_team(client, sign_in_with_code):
    """allauth blocks adding an address to an account with MFA; the message says what to do."""
    user = UserFactory()
    enrol_totp(user)
    sign_in_with_code(user.email)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "new@agency.example"}
    )
    assert response.status_code == 200
    assert b"Ask the partnership team to change it for you" in response.content
    assert not EmailAddress.objects.filter(email="new@agency.example").exists()
