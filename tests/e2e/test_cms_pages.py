"""The published pages in Chromium: axe-core finds no WCAG 2.2 AA violations on the home page,
an organisation's page, an escalation guide (in date, past its review date, and with the
"read and understood" form), the route finder, search, the procedures and the partnership's
table of published guides; and someone using only a keyboard finds the route between two
organisations from the home page, and confirms they have read their organisation's guide.

Live-server tests flush the database after each test (post_migrate then rebuilds the site
tree), so every test builds its pages afresh through the `published` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from cms.models import Acknowledgement, EscalationGuidePage, OrganisationPage, ProcedurePage
from organisations.models import Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.cms.factories import (
    guide_page,
    organisation_page,
    procedure_index,
    procedure_page,
    review_dates,
    stage,
)
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.browser

# Enough presses to cross the header, the navigation and every phone and email link of a
# five-block guide; finding nothing within this many means the control is out of reach.
MAX_TABS = 80

EMERGENCY = "If a child is in immediate danger, call 999."
READ_AND_UNDERSTOOD = "I have read and understood this guide"

FOCUSED = """() => {
    const element = document.activeElement;
    return {
        tag: element.tagName.toLowerCase(),
        type: element.getAttribute("type") || "",
        name: element.getAttribute("name") || "",
        href: element.getAttribute("href") || "",
        value: "value" in element ? String(element.value) : "",
        label: element.labels && element.labels.length ? element.labels[0].innerText.trim() : "",
        text: (element.innerText || "").trim().slice(0, 60),
    };
}"""


@dataclass
class Published:
    social_care: Organisation
    school: Organisation
    social_care_page: OrganisationPage
    guide: EscalationGuidePage
    school_guide: EscalationGuidePage
    procedure: ProcedurePage


@pytest.fixture
def published() -> Published:
    """Two partners with published pages and guides, and a partnership-wide procedure."""
    social_care = OrganisationFactory.create(
        name="Lewisham Children's Social Care", slug="lewisham-childrens-social-care"
    )
    school = OrganisationFactory.create(
        name="Hilly Fields Primary School", slug="hilly-fields-primary", school=True
    )
    social_care_page = organisation_page(social_care)
    guide = guide_page(social_care_page)
    school_guide = guide_page(
        organisation_page(school),
        stages=[
            stage("Talk to the class teacher", role="Class teacher"),
            stage("Talk to the designated safeguarding lead", role="Designated safeguarding lead"),
            stage("Talk to the headteacher", amount=5, role="Headteacher"),
        ],
    )
    procedure = procedure_page(title="Information sharing protocol", slug="information-sharing")
    return Published(social_care, school, social_care_page, guide, school_guide, procedure)


@pytest.fixture
def practitioner(published: Published) -> User:
    """A social worker at Lewisham Children's Social Care, asked to read its guide."""
    user = UserFactory.create(email="practitioner@lewisham.example")
    MembershipFactory.create(user=user, organisation=published.social_care)
    return user


@pytest.fixture
def team_member() -> User:
    user = UserFactory.create(email="pat.team@partnership.example", partnership_team=True)
    enrol_totp(user)
    return user


def focused(page: Page) -> dict[str, Any]:
    return dict(page.evaluate(FOCUSED))


def tab_until(page: Page, wanted: str, matches: Any) -> dict[str, Any]:
    """Press Tab until the focused element matches; fail naming what Tab visited instead."""
    visited = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
        visited.append(element)
    raise AssertionError(f"Tab never reached {wanted}; it visited {visited}")


def choose_with_arrows(page: Page, value: str) -> None:
    """With a closed <select> focused, press the down arrow until `value` is chosen."""
    options = page.evaluate("() => document.activeElement.options.length")
    for _ in range(options):
        if focused(page)["value"] == value:
            return
        page.keyboard.press("ArrowDown")
    assert focused(page)["value"] == value, f"the arrows never chose {value!r}"


# axe-core ------------------------------------------------------------------------------------


def test_home_page_signed_out(axe_page: Page, published: Published) -> None:
    """The public home page: "Worried about a child?" and the ways in."""
    axe_page.goto(reverse("home"))
    expect(axe_page.get_by_role("heading", name="Worried about a child?")).to_be_visible()
    expect(axe_page.locator("main")).to_contain_text(EMERGENCY)
    assert_accessible(axe_page)


def test_home_page_signed_in(axe_page: Page, published: Published, practitioner: User) -> None:
    """A practitioner's home page, with their dashboard and the guide they are asked to read."""
    sign_in(axe_page, practitioner.email)
    axe_page.goto(reverse("home"))
    expect(axe_page.get_by_role("heading", name="Worried about a child?")).to_be_visible()
    expect(axe_page.locator("main")).to_contain_text(published.guide.title)
    assert_accessible(axe_page)


def test_organisation_page(axe_page: Page, published: Published) -> None:
    """An organisation's page, with its safeguarding leads and a link to its guide."""
    axe_page.goto(published.social_care_page.url)
    expect(axe_page.locator("h1")).to_have_text("Lewisham Children's Social Care")
    expect(axe_page.get_by_role("link", name=published.guide.title)).to_be_visible()
    assert_accessible(axe_page)


def test_guide_page(axe_page: Page, published: Published) -> None:
    """A guide in date: 999, the routes and every stage, and no review banner."""
    axe_page.goto(published.guide.url)
    expect(axe_page.locator("h1")).to_have_text(published.guide.title)
    main = axe_page.locator("main")
    expect(main).to_contain_text(EMERGENCY)
    expect(main).to_contain_text("Talk to the head of service")
    expect(axe_page.locator(".govuk-notification-banner")).to_have_count(0)
    assert_accessible(axe_page)


def test_guide_page_past_its_review_date(axe_page: Page, published: Published) -> None:
    """A guide past its next review date carries the banner, itself accessible."""
    overdue = review_dates(next_review=timezone.localdate() - timedelta(days=10))
    guide = published.school_guide
    guide.last_reviewed = overdue["last_reviewed"]
    guide.next_review = overdue["next_review"]
    guide.save_revision().publish()
    axe_page.goto(guide.url)
    expect(axe_page.locator(".govuk-notification-banner")).to_contain_text("due for review")
    assert_accessible(axe_page)


def test_guide_page_signed_in(axe_page: Page, published: Published, practitioner: User) -> None:
    """The "read and understood" form, and what replaces it once confirmed."""
    sign_in(axe_page, practitioner.email)
    axe_page.goto(published.guide.url)
    checkbox = axe_page.get_by_label(READ_AND_UNDERSTOOD)
    expect(checkbox).to_be_visible()
    assert_accessible(axe_page)

    checkbox.check()
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Confirm").click()
    expect(axe_page.get_by_label(READ_AND_UNDERSTOOD)).to_have_count(0)
    assert_accessible(axe_page)


def test_route_finder_empty(axe_page: Page, published: Published) -> None:
    """The route finder before anything is chosen."""
    axe_page.goto(reverse("cms:route_finder"))
    expect(axe_page.locator("select[name=from]")).to_be_visible()
    expect(axe_page.locator("select[name=to]")).to_be_visible()
    assert_accessible(axe_page)


def test_route_finder_with_an_error(axe_page: Page, published: Published) -> None:
    """An organisation that is not on the list gets the error summary."""
    url = reverse("cms:route_finder")
    axe_page.goto(f"{url}?from=lewisham-childrens-social-care&to=no-such-organisation")
    expect(axe_page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_page.title().startswith("Error: ")
    assert_accessible(axe_page)


def test_route_finder_with_two_routes(axe_page: Page, published: Published) -> None:
    """Both organisations' routes, side by side."""
    url = reverse("cms:route_finder")
    axe_page.goto(f"{url}?from=lewisham-childrens-social-care&to=hilly-fields-primary")
    main = axe_page.locator("main")
    expect(main).to_contain_text("Talk to the head of service")
    expect(main).to_contain_text("Talk to the headteacher")
    assert_accessible(axe_page)


def test_search_with_results(axe_page: Page, published: Published) -> None:
    """A search that finds the school's guide."""
    axe_page.goto(f"{reverse('cms:search')}?q=Hilly+Fields")
    expect(axe_page.get_by_role("link", name=published.school_guide.title)).to_be_visible()
    assert_accessible(axe_page)


def test_search_with_no_results(axe_page: Page, published: Published) -> None:
    """A search that finds nothing."""
    axe_page.goto(f"{reverse('cms:search')}?q=zebra+crossing")
    expect(axe_page.locator("h1")).to_be_visible()
    expect(axe_page.get_by_role("link", name=published.school_guide.title)).to_have_count(0)
    assert_accessible(axe_page)


def test_procedures(axe_page: Page, published: Published) -> None:
    """The procedures index, then a procedure reached from it."""
    axe_page.goto(procedure_index().url)
    link = axe_page.get_by_role("link", name="Information sharing protocol")
    expect(link).to_be_visible()
    assert_accessible(axe_page)

    with axe_page.expect_navigation():
        link.click()
    expect(axe_page.locator("h1")).to_have_text("Information sharing protocol")
    expect(axe_page.locator("main")).to_contain_text("Share when it keeps a child safe.")
    assert_accessible(axe_page)


def test_published_guides(axe_page: Page, published: Published, team_member: User) -> None:
    """The partnership team's table of every organisation's guide, and one organisation's."""
    sign_in(axe_page, team_member.email, mfa=True)
    axe_page.goto(reverse("cms:guides_overview"))
    main = axe_page.locator("main")
    expect(main).to_contain_text("Lewisham Children's Social Care")
    expect(main).to_contain_text("Hilly Fields Primary School")
    assert_accessible(axe_page)

    axe_page.goto(reverse("cms:organisation_guides", args=[published.social_care.slug]))
    expect(axe_page.locator("main")).to_contain_text("Lewisham Children's Social Care")
    assert_accessible(axe_page)


# Keyboard only ------------------------------------------------------------------------------


def test_route_finder_with_the_keyboard_only(page: Page, published: Published) -> None:
    """From the home page, Tab, arrows and Enter reach the route finder, choose two
    organisations and show both routes."""
    route_finder = reverse("cms:route_finder")
    page.goto(reverse("home"))
    tab_until(page, "the route finder link", lambda element: element["href"] == route_finder)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(route_finder)

    tab_until(page, "the 'from' list", lambda element: element["name"] == "from")
    choose_with_arrows(page, published.social_care.slug)
    tab_until(page, "the 'to' list", lambda element: element["name"] == "to")
    choose_with_arrows(page, published.school.slug)
    tab_until(
        page,
        "the route finder's button",
        lambda element: element["tag"] in {"button", "input"} and element["type"] == "submit",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert f"from={published.social_care.slug}" in page.url
    assert f"to={published.school.slug}" in page.url
    main = page.locator("main")
    expect(main).to_contain_text("Talk to the head of service")
    expect(main).to_contain_text("Talk to the headteacher")


def test_confirm_reading_with_the_keyboard_only(
    page: Page, published: Published, practitioner: User
) -> None:
    """A practitioner ticks "I have read and understood this guide" with Space and presses
    Confirm with Enter; the page says so and the confirmation is recorded."""
    sign_in(page, practitioner.email)
    page.goto(published.guide.url)
    tab_until(
        page,
        f"the {READ_AND_UNDERSTOOD!r} box",
        lambda element: element["type"] == "checkbox" and element["label"] == READ_AND_UNDERSTOOD,
    )
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), "Space did not tick the box"
    tab_until(page, "the Confirm button", lambda element: element["text"] == "Confirm")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_label(READ_AND_UNDERSTOOD)).to_have_count(0)
    expect(page.locator("main")).to_contain_text("confirmed")
    assert Acknowledgement.objects.filter(
        user=practitioner, page_id=published.guide.pk, edition=published.guide.edition
    ).exists()
