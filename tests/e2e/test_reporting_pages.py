"""The reports page in Chromium: axe-core finds nothing with every chart's figures opened, the
charts draw under the content security policy (no inline style refused), and the period is
chosen with the keyboard alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from reporting.enums import SnapshotHow
from reporting.services.snapshots import snapshot_take
from tests.accounts.factories import enrol_totp
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in
from tests.organisations.factories import MembershipFactory
from tests.reporting.factories import partnership_build

pytestmark = pytest.mark.browser


@pytest.fixture
def reported() -> None:
    """A small partnership with two days' figures: a month ago and yesterday."""
    partnership_build()
    today = timezone.localdate()
    for days in (30, 1):
        snapshot_take(day=today - timedelta(days=days), how=SnapshotHow.BACKFILL)


def test_the_team_reads_the_reports(axe_page: Page, reported: None, team_member: User) -> None:
    sign_in(axe_page, team_member.email, mfa=True)
    axe_page.get_by_role("link", name="Reports").first.click()
    expect(axe_page.locator("h1")).to_have_text("Reports")
    expect(axe_page.locator("#chart-compliance-trend svg[role=img]")).to_be_visible()
    for summary in axe_page.locator("details summary").all():
        summary.click()
    expect(axe_page.locator("#table-compliance-organisations")).to_contain_text("South East BCU")
    assert_accessible(axe_page)


def test_the_charts_need_nothing_the_policy_refuses(page: Page, reported: None) -> None:
    coordinator = MembershipFactory.create(coordinator=True).user
    enrol_totp(coordinator)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))
    sign_in(page, coordinator.email, mfa=True)
    page.goto(reverse("reporting:dashboard"))
    expect(page.locator("#chart-compliance-trend")).to_be_visible()
    assert [text for text in errors if "Content Security Policy" in text] == []


def test_the_period_is_chosen_with_the_keyboard(
    page: Page, reported: None, team_member: User
) -> None:
    sign_in(page, team_member.email, mfa=True)
    page.goto(reverse("reporting:dashboard"))
    page.locator("#period").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "period=24-months" in page.url
    expect(page.locator("#period")).to_have_value("24-months")
