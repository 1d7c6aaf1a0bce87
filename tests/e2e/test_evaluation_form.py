"""Answering an evaluation in Chromium, each page checked with axe-core (WCAG 2.2 AA): the
list, the form, the form with errors, the confirmation, and the line manager's form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from evaluations.enums import QuestionKind, Step
from evaluations.models import Invitation
from tests.accounts.factories import UserFactory
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in
from tests.evaluations.factories import EVERY_KIND, invitation_to_answer

pytestmark = pytest.mark.browser


@pytest.fixture
def invitation() -> Invitation:
    return invitation_to_answer([*EVERY_KIND, QuestionKind.RATING], certificate_waits=True)


def test_the_learner_answers_their_evaluation(axe_page: Page, invitation: Invitation) -> None:
    sign_in(axe_page, invitation.booking.user.email)
    axe_page.goto(reverse("evaluations_answering:mine"))
    expect(axe_page.locator("main")).to_contain_text(invitation.booking.session.course.title)
    assert_accessible(axe_page)

    axe_page.locator("main a", has_text="Answer").first.click()
    expect(axe_page.locator("h1")).to_contain_text("Your evaluation of")
    expect(axe_page.locator("main")).to_contain_text("could identify a child or family")
    assert_accessible(axe_page)

    # Send with the first rating and the text filled, the rest missing.
    axe_page.locator("input[type=radio][value='4']").first.check()
    axe_page.locator("textarea").fill("I will check the chronology first.")
    axe_page.get_by_role("button", name="Send your answers").click()
    expect(axe_page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    assert axe_page.title().startswith("Error: ")
    expect(axe_page.locator("textarea")).to_have_value("I will check the chronology first.")
    assert_accessible(axe_page)

    axe_page.locator("input[type=radio][value='yes']").check()
    axe_page.locator("input[type=radio][value='5']").last.check()
    axe_page.get_by_role("button", name="Send your answers").click()
    expect(axe_page.locator("h1")).to_have_text("Evaluation sent")
    expect(axe_page.locator("main")).to_contain_text("Your certificate is on its way")
    assert_accessible(axe_page)


def test_the_line_manager_adds_to_the_follow_up(axe_page: Page) -> None:
    manager = UserFactory.create()
    invitation = invitation_to_answer(
        [QuestionKind.FREE_TEXT], step=Step.FOLLOW_UP, manager=manager
    )
    sign_in(axe_page, manager.email)
    axe_page.goto(reverse("evaluations_answering:manager", args=[invitation.pk]))
    expect(axe_page.locator("h1")).to_have_text("What has changed in their practice?")
    assert_accessible(axe_page)

    axe_page.get_by_role("button", name="Send").click()
    expect(axe_page.locator(".govuk-error-summary")).to_contain_text(
        "Enter what has changed in their practice."
    )
    assert_accessible(axe_page)

    axe_page.locator("textarea").fill("She now leads the team's case discussions.")
    axe_page.get_by_role("button", name="Send").click()
    expect(axe_page.locator("h1")).to_have_text("Comments sent")
    assert_accessible(axe_page)
