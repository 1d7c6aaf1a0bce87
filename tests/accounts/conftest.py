"""Fixtures for the accounts tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, emailed_enrolment_code, fresh_totp_code

# A made-up Entra tenant the partnership allows, and our made-up app registration.
ALLOWED_TENANT = "11111111-2222-3333-4444-555555555555"
ENTRA_CLIENT_ID = "00000000-aaaa-bbbb-cccc-000000000001"


@pytest.fixture
def sign_in(client: Client) -> Callable[..., Any]:
    """Sign in through allauth's form (not force_login), as a person would."""

    def _sign_in(email: str, password: str = DEFAULT_PASSWORD, **extra: str) -> Any:
        return client.post("/accounts/login/", {"login": email, "password": password, **extra})

    return _sign_in


@pytest.fixture
def sign_in_with_code(client: Client, sign_in: Callable[..., Any]) -> Callable[..., Any]:
    """Sign in with password, then the authenticator code allauth asks for next."""

    def _sign_in_with_code(email: str, password: str = DEFAULT_PASSWORD) -> Any:
        response = sign_in(email, password)
        assert response.headers["Location"] == "/accounts/2fa/authenticate/", response
        return client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code()})

    return _sign_in_with_code


@pytest.fixture
def reauthenticate(client: Client) -> Callable[..., Any]:
    """Enter the password again, as allauth asks before any change to sign-in security."""

    def _reauthenticate(password: str = DEFAULT_PASSWORD) -> Any:
        return client.post("/accounts/reauthenticate/", {"password": password})

    return _reauthenticate


@pytest.fixture
def confirm_it_is_you(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Callable[[], Any]:
    """Ask for the emailed code and enter it, as allauth's set-up page now needs first."""

    def _confirm_it_is_you() -> Any:
        url = reverse("accounts:mfa_enrolment_confirm")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"send": "1"})
        return client.post(url, {"code": emailed_enrolment_code(mail.outbox)})

    return _confirm_it_is_you


@pytest.fixture
def entra_settings(settings: Any) -> Any:
    """Microsoft sign-in switched on for one allowed tenant, as the environment would set it."""
    settings.ENTRA_ALLOWED_TENANTS = [ALLOWED_TENANT]
    settings.SOCIALACCOUNT_PROVIDERS = {
        "entra": {
            "APPS": [
                {
                    "client_id": ENTRA_CLIENT_ID,
                    "secret": "test-secret",
                    "settings": {"tenant": "organizations"},
                }
            ]
        }
    }
    return settings
