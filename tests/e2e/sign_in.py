"""Signing in through the real sign-in form, authenticator code included."""

from __future__ import annotations

import time

from django.urls import reverse
from playwright.sync_api import Page

from tests.accounts.factories import DEFAULT_PASSWORD, totp_code

TOTP_PERIOD = 30  # seconds; allauth's default MFA_TOTP_PERIOD
# allauth accepts only the current code (MFA_TOTP_TOLERANCE 0): a code read this close to the
# end of its period may have expired by the time the form reaches the server.
TOTP_SAFETY_MARGIN = 3


def current_totp_code() -> str:
    """The authenticator code, waiting for a fresh period when this one is about to end."""
    remaining = TOTP_PERIOD - time.time() % TOTP_PERIOD
    if remaining < TOTP_SAFETY_MARGIN:
        time.sleep(remaining + 0.2)
    return totp_code()


def sign_in(page: Page, email: str, *, password: str = DEFAULT_PASSWORD, mfa: bool = False) -> None:
    """Sign in through the form, answering the authenticator prompt when `mfa` is set."""
    page.goto(reverse("account_login"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")
    if mfa:
        code = page.locator("input[name=code]")
        code.fill(current_totp_code())
        with page.expect_navigation():
            code.press("Enter")
    for stage in ("account_login", "mfa_authenticate"):
        assert reverse(stage) not in page.url, (
            f"signing in as {email} stopped at {page.url}:\n{main_text(page)}"
        )


def main_text(page: Page) -> str:
    """The visible text of the page's main content, for assertion messages."""
    main = page.locator("main")
    return main.inner_text() if main.count() else page.content()[:2000]
