"""The compliance pages in Chromium: axe-core finds no WCAG 2.2 AA violations on an
organisation's table (plain, filtered, sorted and with a filter error), a line manager's team
and the partnership summary, each reached by signing in as its users do."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from organisations.models import WorkforceHeadcount
from tests.accounts.factories import UserFactory, enrol_totp
from tests.compliance.test_views_tables import World, build_world
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world() -> World:
    world = build_world()
    WorkforceHeadcount.objects.create(
        organisation=world.organisation, job_role=world.social_worker, headcount=8
    )
    return world


@pytest.fixture
def team_member() -> User:
    user = UserFactory.create(email="pat.team@partnership.example", partnership_team=True)
    enrol_totp(user)
    return user


def rows(page: Page) -> list[str]:
    """The people named in the rows table, in order (the only table whose rows start with a
    cell rather than a header)."""
    return page.locator("tbody tr td:first-child a").all_inner_texts()


def test_organisation_page(axe_page: Page, world: World) -> None:
    """A coordinator reaches their organisation from the compliance link, filters, sorts."""
    sign_in(axe_page, world.coordinator.email, mfa=True)
    axe_page.goto(reverse("compliance:home"))
    expect(axe_page.locator("h1")).to_have_text("Compliance")
    expect(axe_page.locator("main")).to_contain_text("50.0%")
    assert rows(axe_page) == ["Ana Ash", "Ben Birch", "Cal Cedar", "Dee Dale", "Eve Elm"]
    assert_accessible(axe_page)

    axe_page.get_by_label("Status").select_option(label="Overdue")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Show people").click()
    assert rows(axe_page) == ["Cal Cedar"]
    expect(axe_page.locator("caption", has_text="matching your filters")).to_be_visible()
    assert_accessible(axe_page)

    with axe_page.expect_navigation():
        axe_page.get_by_role("link", name="Clear filters").click()
    with axe_page.expect_navigation():
        axe_page.get_by_role("link", name="Status", exact=True).click()
    assert rows(axe_page) == ["Cal Cedar", "Dee Dale", "Ben Birch", "Eve Elm", "Ana Ash"]
    header = axe_page.locator("th[aria-sort=ascending]")
    expect(header).to_have_text("Status")
    assert_accessible(axe_page)


def test_organisation_page_with_a_filter_error(axe_page: Page, world: World) -> None:
    """A tampered filter shows the error summary, itself accessible."""
    sign_in(axe_page, world.coordinator.email, mfa=True)
    url = reverse("compliance:organisation", args=[world.organisation.slug])
    axe_page.goto(f"{url}?team=999999")
    expect(axe_page.locator(".govuk-error-summary")).to_contain_text("Choose a team from the list.")
    assert axe_page.title().startswith("Error: ")
    assert_accessible(axe_page)


def test_team_page(axe_page: Page, world: World) -> None:
    """A line manager, who needs no authenticator app, sees their team."""
    sign_in(axe_page, world.manager.user.email)
    axe_page.goto(reverse("compliance:home"))
    expect(axe_page.locator("h1")).to_have_text("Your team's training")
    assert rows(axe_page) == ["Ana Ash", "Ben Birch", "Cal Cedar", "Dee Dale"]
    assert_accessible(axe_page)


def test_partnership_page(axe_page: Page, world: World, team_member: User) -> None:
    """The partnership team's summary, and an organisation's table from it."""
    sign_in(axe_page, team_member.email, mfa=True)
    axe_page.goto(reverse("compliance:home"))
    expect(axe_page.locator("h1")).to_have_text("Compliance across the partnership")
    expect(axe_page.locator("main")).to_contain_text("6 of 8")
    assert_accessible(axe_page)

    with axe_page.expect_navigation():
        axe_page.get_by_role("link", name="Lewisham Children's Social Care").click()
    expect(axe_page.locator(".govuk-caption-l")).to_have_text("Lewisham Children's Social Care")
    expect(
        axe_page.get_by_role("link", name="Back to compliance across the partnership")
    ).to_be_visible()
    assert_accessible(axe_page)
