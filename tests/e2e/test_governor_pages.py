"""axe-core finds no WCAG 2.2 AA violations on My training with requirements, a governing
board's page and the governors' take-up by school; and a governor declares from My training
in a real browser."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from accounts.models import User
from compliance.models import ComplianceRules
from tests.accounts.factories import UserFactory, enrol_totp
from tests.compliance.factories import RequirementFactory
from tests.compliance.test_selectors_governors import (
    LONG_AGO,
    Board,
    build_board,
    governor_standards,
)
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import main_text, sign_in
from tests.evidence.factories import ExternalEvidenceFactory
from tests.organisations.factories import MembershipFactory
from tests.training.factories import CourseFactory, SessionFactory
from training.enums import Delivery

pytestmark = pytest.mark.browser


@pytest.fixture
def board() -> Board:
    """Alpha Primary's board: governors in date, overdue, missing and new, with declarations."""
    ComplianceRules.load()
    return build_board(governor_standards())


@pytest.fixture
def governor(board: Board) -> User:
    """A new governor who is also a member of staff elsewhere, with training missing in both,
    courses and sessions that would satisfy it, and evidence waiting to be checked."""
    user = board.newcomer.user
    staff = MembershipFactory.create(user=user, start_date=LONG_AGO)
    RequirementFactory.create(
        name="Safeguarding for everyone", standard=board.standards.higher, applies_from=LONG_AGO
    )
    classroom = CourseFactory.create(title="Governor safeguarding course")
    classroom.standards.set([board.standards.governor])
    SessionFactory.create(course=classroom)
    SessionFactory.create(course=classroom, parts__days_ahead=40)
    elearning = CourseFactory.create(title="Safeguarding e-learning", delivery=Delivery.ELEARNING)
    elearning.standards.set([board.standards.higher])
    ExternalEvidenceFactory.create(membership=staff)
    return user


def test_my_training_with_requirements(axe_page: Page, governor: User) -> None:
    sign_in(axe_page, governor.email)
    axe_page.goto(reverse("compliance:my_training"))
    main = main_text(axe_page)
    assert "What you need to hold" in main
    assert "Book a place" in main
    assert axe_page.get_by_role("button", name="I have read").is_visible()
    assert_accessible(axe_page)


def test_a_governor_declares_they_have_read_the_guidance(axe_page: Page, governor: User) -> None:
    edition = ComplianceRules.load().guidance_edition
    sign_in(axe_page, governor.email)
    axe_page.goto(reverse("compliance:my_training"))
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name=f"I have read {edition}").click()
    main = main_text(axe_page)
    assert f"You have declared that you have read {edition}." in main
    assert f"You have read {edition} on" in main
    assert_accessible(axe_page)


def test_board_page(axe_page: Page, board: Board) -> None:
    clerk = MembershipFactory.create(organisation=board.school, clerk=True).user
    enrol_totp(clerk)
    sign_in(axe_page, clerk.email, mfa=True)
    axe_page.goto(reverse("compliance:boards"))  # a clerk of one board goes straight to it
    assert axe_page.url.endswith(reverse("compliance:board", kwargs={"slug": board.school.slug}))
    assert "Link Governor" in main_text(axe_page)
    assert_accessible(axe_page)


def test_take_up_page(axe_page: Page, board: Board) -> None:
    team = UserFactory.create(partnership_team=True)
    enrol_totp(team)
    sign_in(axe_page, team.email, mfa=True)
    axe_page.goto(reverse("compliance:take_up"))
    axe_page.get_by_role("link", name="In date", exact=True).click()
    axe_page.wait_for_url("**/governors/take-up/?sort=rate*")
    assert axe_page.locator("th[aria-sort=ascending] a").inner_text() == "In date"
    assert "Alpha Primary" in main_text(axe_page)
    assert_accessible(axe_page)
