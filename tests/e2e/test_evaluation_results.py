"""Evaluation results in Chromium: the results page (plain, filtered, and with a filter error)
and a session's results, reached by a trainer who signs in with their authenticator app, each
checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from evaluations.selectors.results import FEWER_THAN_MINIMUM
from tests.accounts.factories import enrol_totp
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in
from tests.evaluations.test_selectors_results import World, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world() -> World:
    world = build_world()
    enrol_totp(world.trainer)
    return world


def test_results_page(axe_page: Page, world: World) -> None:
    """The trainer's results, then narrowed to the police officer's: a sentence, no figures."""
    sign_in(axe_page, world.trainer.email, mfa=True)
    axe_page.goto(reverse("evaluations_results:results"))
    expect(axe_page.locator("h1")).to_have_text("Evaluation results")
    expect(axe_page.locator("main")).to_contain_text("Recognise neglect")
    expect(axe_page.locator("main")).to_contain_text("+2.0")
    assert_accessible(axe_page)

    axe_page.get_by_label("Organisation of the people answering").select_option(
        label=world.police.name
    )
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Show results").click()
    expect(axe_page.locator("main")).to_contain_text(FEWER_THAN_MINIMUM)
    expect(axe_page.locator("main")).not_to_contain_text("+2.0")
    assert_accessible(axe_page)


def test_results_page_with_a_filter_error(axe_page: Page, world: World) -> None:
    sign_in(axe_page, world.trainer.email, mfa=True)
    axe_page.goto(f"{reverse('evaluations_results:results')}?course=999999")
    expect(axe_page.locator(".govuk-error-summary")).to_contain_text(
        "Choose a course from the list."
    )
    assert axe_page.title().startswith("Error: ")
    assert_accessible(axe_page)


def test_session_results_page(axe_page: Page, world: World) -> None:
    sign_in(axe_page, world.trainer.email, mfa=True)
    axe_page.goto(reverse("evaluations_results:session", args=[world.session.pk]))
    expect(axe_page.locator("h1")).to_have_text(world.course.title)
    expect(axe_page.locator("main")).to_contain_text("Check the chronology before every meeting.")
    assert_accessible(axe_page)
