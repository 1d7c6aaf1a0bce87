"""Browser tests: Playwright drives the machine's own Chromium against pytest-django's
`live_server`.

Playwright's sync API runs an asyncio event loop in the test thread, and Django refuses ORM
calls from a thread with a running loop. The test code here is plain synchronous code, so
Django's guard is switched off (an environment variable: it holds for the rest of the run
once this directory is collected).

Chromium is Debian's (`apt-get install chromium`), never one downloaded by
`playwright install`. The flags keep it from reaching out to Google's services, which this
machine's closed network refuses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.conftest import chromium_path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright driver for the run; starting it costs about a second."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the run; each test gets a fresh context (cookies, storage)."""
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is missing: apt-get install chromium, or set CHROMIUM_PATH")
    chromium = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def new_context(browser: Browser, live_server: Any) -> Iterator[Callable[..., BrowserContext]]:
    """Makes browser contexts pointed at the live server, closed after the test."""
    contexts: list[BrowserContext] = []

    def make(*, bypass_csp: bool = False) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, bypass_csp=bypass_csp)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page under the site's real content security policy."""
    return new_context().new_page()


@pytest.fixture
def axe_page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page that ignores the content security policy, so axe-core can be injected.

    Only for the accessibility checks: the CSP tests use `page`.
    """
    return new_context(bypass_csp=True).new_page()
