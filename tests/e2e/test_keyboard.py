"""The sign-in page works with a keyboard alone, as WCAG 2.1.1 requires."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.browser

# Enough presses to cross the header, navigation and intro text to the form, with room for a
# few more links later; finding nothing within this many means the field is unreachable.
MAX_TABS = 15

FOCUSED = """() => {
    const element = document.activeElement;
    return {
        tag: element.tagName.toLowerCase(),
        id: element.id,
        name: element.getAttribute("name") || "",
        text: (element.innerText || "").trim().slice(0, 40),
        skipLink: element.classList.contains("govuk-skip-link"),
    };
}"""


def tab_to(page: Page, name: str) -> None:
    """Press Tab until the field called `name` has focus."""
    visited = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["name"] == name:
            return
        visited.append(focused)
    raise AssertionError(f"Tab never reached the {name!r} field; it visited {visited}")


def test_skip_link_comes_first_and_moves_focus_to_the_content(page: Page) -> None:
    """The first Tab lands on "Skip to main content"; Enter puts focus on the main content."""
    page.goto(reverse("account_login"))
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["skipLink"], f"the first Tab went to {focused}"
    assert focused["text"] == "Skip to main content"
    height = page.locator(".govuk-skip-link").evaluate(
        "link => link.getBoundingClientRect().height"
    )
    assert height > 1, "the skip link stays visually hidden when it has focus"

    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["id"] == "main-content"
    assert page.url.endswith("#main-content")


def test_sign_in_with_the_keyboard_only(page: Page, live_server: object) -> None:
    """Someone who cannot use a mouse signs in with Tab, typing and Enter, and reaches home."""
    user = UserFactory.create(email="practitioner@lewisham.example")
    MembershipFactory.create(user=user, organisation__name="Lewisham Children's Social Care")
    page.goto(reverse("account_login"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to the main content

    tab_to(page, "login")
    page.keyboard.type(user.email)
    tab_to(page, "password")
    page.keyboard.type(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == f"{live_server}{reverse('home')}"
    assert page.get_by_text("Lewisham Children's Social Care").first.is_visible()
