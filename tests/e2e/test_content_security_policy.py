"""Under the site's real content security policy, pages load cleanly in Chromium.

No inline script or style may run (the policy forbids them), so anything the browser refuses
shows up here as a violation or a console error. The pages must still get their styles and
GOV.UK Frontend's JavaScript, which come from our own origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, Response

from accounts.models import User
from organisations.models import Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.e2e.sign_in import sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.browser

# Registered before any of the page's own code runs (Playwright's init scripts are injected by
# the browser itself, so the policy does not stop them), and kept on `window` for the test.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} refused ${event.blockedURI || "inline code"}`
        + ` (${event.sourceFile || "page"}:${event.lineNumber})`
    );
});
"""

# Violation events are queued as tasks; one turn of the event loop lets them arrive.
READ_VIOLATIONS = "() => new Promise(resolve => setTimeout(() => resolve(window.__cspViolations)))"

GOVUK_FRONTEND_RAN = """() => ({
    supported: document.body.classList.contains("govuk-frontend-supported"),
    skipLink: document.querySelector(".govuk-skip-link").hasAttribute("data-govuk-skip-link-init"),
    stylesheet: getComputedStyle(document.querySelector(".govuk-width-container")).maxWidth,
})"""


@dataclass
class PageProblems:
    """What went wrong while pages loaded: console errors, uncaught errors, failed requests."""

    console: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console.append(message.text)

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed_requests.append(f"{response.status} {response.url}")


@pytest.fixture
def watched_page(page: Page) -> tuple[Page, PageProblems]:
    """The page, with everything the browser complains about recorded."""
    problems = PageProblems()
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", problems.on_console)
    page.on("pageerror", lambda error: problems.console.append(f"uncaught: {error}"))
    page.on("response", problems.on_response)
    return page, problems


def assert_loads_cleanly(page: Page, problems: PageProblems, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    violations = page.evaluate(READ_VIOLATIONS)
    assert violations == [], f"content security policy violations on {path}: {violations}"
    assert problems.console == [], f"console errors on {path}: {problems.console}"
    assert problems.failed_requests == [], f"failed requests on {path}: {problems.failed_requests}"
    ran = page.evaluate(GOVUK_FRONTEND_RAN)
    assert ran == {"supported": True, "skipLink": True, "stylesheet": "960px"}, (
        f"GOV.UK Frontend did not load fully on {path}: {ran}"
    )


@pytest.fixture
def coordinator() -> tuple[User, Organisation]:
    organisation = OrganisationFactory.create(name="Lewisham Children's Social Care")
    user = UserFactory.create(email="coordinator@lewisham.example")
    MembershipFactory.create(user=user, organisation=organisation, coordinator=True)
    MembershipFactory.create_batch(2, organisation=organisation)
    enrol_totp(user)
    return user, organisation


@pytest.mark.parametrize(
    "url_name",
    [
        "home",
        "account_login",
        "account_signup",
        "account_reset_password",
        "accessibility",
        "privacy",
        "cookies",
    ],
)
def test_public_pages(watched_page: tuple[Page, PageProblems], url_name: str) -> None:
    """Pages seen before signing in load with no refusals, errors or missing files."""
    page, problems = watched_page
    assert_loads_cleanly(page, problems, reverse(url_name))


def test_coordinator_pages(
    watched_page: tuple[Page, PageProblems], coordinator: tuple[User, Organisation]
) -> None:
    """A coordinator signs in and works through their pages with nothing refused."""
    page, problems = watched_page
    user, organisation = coordinator
    sign_in(page, user.email, mfa=True)
    slug = {"slug": organisation.slug}
    for path in [
        reverse("home"),
        reverse("accounts:profile"),
        reverse("mfa_index"),
        reverse("organisations:index"),
        reverse("organisations:people", kwargs=slug),
        reverse("organisations:import_upload", kwargs=slug),
    ]:
        assert_loads_cleanly(page, problems, path)


def test_inline_script_is_refused_and_seen(watched_page: tuple[Page, PageProblems]) -> None:
    """The checks above can fail: an inline script is refused, and the refusal is recorded."""
    page, problems = watched_page
    page.goto(reverse("home"))
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.body.dataset.inlineRan = 'yes'";
            document.body.append(script);
        }"""
    )
    violations = page.evaluate(READ_VIOLATIONS)
    assert page.evaluate("document.body.dataset.inlineRan") is None
    assert any(violation.startswith("script-src-elem refused inline") for violation in violations)
    assert any("Content Security Policy" in message for message in problems.console)
