"""Shadowing's pages in Chromium, each checked with axe-core (WCAG 2.2 AA): the catalogue, an
opportunity, the request form with its errors, My shadowing, a placement as its visitor (the
reflection form) and as its host (the accept form), approvals, the host's pages, adding an
opportunity, and the partnership's figures."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from organisations.enums import Sector
from organisations.models import Membership
from shadowing.enums import Status
from shadowing.models import Opportunity, Placement
from tests.accounts.factories import enrol_totp
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.shadowing.factories import (
    ConfidentialityAgreementFactory,
    OpportunityFactory,
    agreement_condition,
    dbs_condition,
    placement_in,
    visitor_membership,
)

pytestmark = pytest.mark.browser


@dataclass
class World:
    coordinator: User
    visitor: Membership
    opportunity: Opportunity
    waiting: Placement
    happened: Placement


@pytest.fixture
def world() -> World:
    host = OrganisationFactory(name="Lewisham Children's Social Care", slug="lewisham-csc")
    coordinator = MembershipFactory(organisation=host, is_coordinator=True)
    enrol_totp(coordinator.user)
    ConfidentialityAgreementFactory(organisation=host)
    opportunity = OpportunityFactory(
        organisation=host,
        title="A day with the MASH",
        conditions=[dbs_condition(), agreement_condition()],
    )
    visitor = visitor_membership(organisation=OrganisationFactory(sector=Sector.POLICE))
    waiting = placement_in(Status.AWAITING_HOST, opportunity=opportunity, visitor=visitor)
    other = OpportunityFactory(organisation=host, title="Observing a conference")
    happened = placement_in(Status.AWAITING_REFLECTION, opportunity=other, visitor=visitor)
    return World(coordinator.user, visitor, opportunity, waiting, happened)


def test_the_visitors_pages(axe_page: Page, world: World) -> None:
    sign_in(axe_page, world.visitor.user.email)
    axe_page.goto(reverse("shadowing:catalogue"))
    expect(axe_page.locator("main")).to_contain_text("A day with the MASH")
    assert_accessible(axe_page)
    axe_page.goto(reverse("shadowing:opportunity", args=[world.opportunity.pk]))
    assert_accessible(axe_page)
    axe_page.goto(reverse("shadowing:mine"))
    expect(axe_page.locator("main")).to_contain_text("Observing a conference")
    assert_accessible(axe_page)
    axe_page.goto(reverse("shadowing:placement", args=[world.happened.pk]))
    expect(axe_page.locator("main")).to_contain_text("could identify a child or family")
    assert_accessible(axe_page)


def test_the_request_form_with_errors(axe_page: Page, world: World) -> None:
    opportunity = OpportunityFactory(organisation=world.opportunity.organisation)
    sign_in(axe_page, world.visitor.user.email)
    axe_page.goto(reverse("shadowing:request", args=[opportunity.pk]))
    assert_accessible(axe_page)
    with axe_page.expect_navigation():
        axe_page.locator("main form button[type=submit]").first.click()
    expect(axe_page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(axe_page)


def test_the_hosts_pages(axe_page: Page, world: World) -> None:
    sign_in(axe_page, world.coordinator.email, mfa=True)
    axe_page.goto(reverse("shadowing:host"))
    expect(axe_page.locator("main")).to_contain_text("A day with the MASH")
    assert_accessible(axe_page)
    axe_page.goto(reverse("shadowing:placement", args=[world.waiting.pk]))
    assert_accessible(axe_page)
    axe_page.goto(reverse("shadowing:opportunity_new"))
    assert_accessible(axe_page)
    slug = world.opportunity.organisation.slug
    axe_page.goto(reverse("shadowing:agreement_new", args=[slug]))
    assert_accessible(axe_page)
    axe_page.goto(reverse("shadowing:hosts", args=[slug]))
    assert_accessible(axe_page)
    axe_page.goto(reverse("shadowing:organisation", args=[slug]))
    assert_accessible(axe_page)


def test_the_line_managers_approvals(axe_page: Page, world: World) -> None:
    manager = world.visitor.line_manager
    assert manager is not None
    sign_in(axe_page, manager.user.email)
    axe_page.goto(reverse("shadowing:approvals"))
    assert_accessible(axe_page)


def test_the_partnership_figures(axe_page: Page, world: World, team_member: User) -> None:
    sign_in(axe_page, team_member.email, mfa=True)
    axe_page.goto(reverse("shadowing:partnership"))
    expect(axe_page.locator("main")).to_contain_text("Police")
    assert_accessible(axe_page)
