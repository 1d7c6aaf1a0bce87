"""allauth's rate limits are on, held in the shared cache, and refuse with a plain message."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.html import page_title, parse

pytestmark = pytest.mark.django_db

# From ACCOUNT_RATE_LIMITS["login_failed"]: five wrong passwords per address in five minutes.
FAILED_SIGN_INS_ALLOWED = 5


def test_rate_limits_are_configured():
    """Every limit the issue asks for is set, in the default (shared) cache."""
    limits = settings.ACCOUNT_RATE_LIMITS
    assert limits["login_failed"] == "10/m/ip,5/5m/key"
    assert {"login", "signup", "reset_password", "change_password", "reauthenticate"} <= set(limits)


def test_repeated_wrong_passwords_lock_the_address(client, sign_in):
    """After five wrong passwords even the right one is refused for a while, plainly."""
    user = UserFactory()
    for _ in range(FAILED_SIGN_INS_ALLOWED):
        response = sign_in(user.email, "not-the-password")
        assert b"The email address or password is not right" in response.content
    response = sign_in(user.email, DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert b"You have tried to sign in too many times" in response.content
    assert parse(response.content).title.startswith("Error: Sign in")
    assert "_auth_user_id" not in client.session


def test_lock_is_per_address(client, sign_in):
    """Wrong passwords for one address do not lock another person out."""
    victim = UserFactory()
    other = UserFactory()
    for _ in range(FAILED_SIGN_INS_ALLOWED):
        sign_in(victim.email, "not-the-password")
    assert sign_in(other.email).headers["Location"] == reverse("home")


def test_lock_lives_in_the_cache(client, sign_in):
    """The counts are in Django's cache: emptying it lifts the lock (so Redis shares them)."""
    user = UserFactory()
    for _ in range(FAILED_SIGN_INS_ALLOWED):
        sign_in(user.email, "not-the-password")
    cache.clear()
    assert sign_in(user.email).headers["Location"] == reverse("home")


def test_too_many_sign_in_attempts_get_the_429_page(client, settings, sign_in):
    """Past the per-IP limit on sign-in attempts allauth answers 429 with our GOV.UK page."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for _ in range(3):
        sign_in("someone@agency.example", "not-the-password")
    response = sign_in("someone@agency.example", "not-the-password")
    assert response.status_code == 429
    page = parse(response.content)
    assert page.title == page_title("Too many attempts")
    assert page.h1_classes == ["govuk-heading-l"]
    assert b"Wait 5 minutes" in response.content


def test_too_many_password_reset_requests_get_the_429_page(client, settings):
    """Asking for reset emails again and again is stopped the same way."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/m/ip"}
    for _ in range(2):
        client.post(reverse("account_reset_password"), {"email": "a@agency.example"})
    response = client.post(reverse("account_reset_password"), {"email": "a@agency.example"})
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
