"""The whole shadowing journey in Chromium, as the people in it try it, each in a browser of
their own: a police officer finds "A day with the MASH" in the catalogue and asks for a date;
her line manager approves; the council's host accepts, naming the supervisor and confirming the
date; the checks are recorded by whoever the product says records each (the line manager the
DBS check, the officer the confidentiality agreement, the host the briefing), which confirms
the visit; on the day the host records that it happened; the officer writes her reflection and
finds the CPD hours on My training; the partnership team sees the placement in the police by
children's social care cell. Nothing in between is called by the test: every step is a click
or a form filled in, and the clock is moved to the visit's day with time-machine."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, expect

from accounts.models import User
from organisations.enums import Sector
from shadowing.models import Placement
from tests.accounts.factories import enrol_totp
from tests.e2e.axe import assert_accessible
from tests.e2e.sign_in import sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.shadowing.factories import (
    ConfidentialityAgreementFactory,
    OpportunityFactory,
    agreement_condition,
    briefing_condition,
    dbs_condition,
)

pytestmark = pytest.mark.browser

LEARNING_GOALS = "How the MASH decides what happens to a referral, and what it needs from us."
REFLECTION = {
    "What did you learn about their role and their thresholds for action?": (
        "How the MASH weighs what every agency knows before deciding on a referral."
    ),
    "What surprised you?": "How much depends on what the referrer writes.",
    "What will you do differently?": "Say in our referrals what we are worried about and why.",
    "What will you share with your team?": "What the MASH needs from a police referral.",
}


def status(page: Page) -> Locator:
    """The placement's status tag, under its heading."""
    return page.locator("main h1 + p .govuk-tag")


def success(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner--success")


def action_form(page: Page, heading: str) -> Locator:
    """The form on a placement's page under this heading (one per action or check)."""
    return page.locator("main form").filter(has=page.get_by_role("heading", name=heading))


def test_a_police_officer_shadows_the_mash(
    new_context: Callable[..., BrowserContext], team_member: User, time_machine: Any
) -> None:
    """A request made from the catalogue, taken through every person's own pages, ends as the
    officer's CPD hours on My training and a count in the partnership's sector matrix."""
    council = OrganisationFactory(
        name="Lewisham Children's Social Care",
        slug="lewisham-csc",
        sector=Sector.CHILDRENS_SOCIAL_CARE,
    )
    host = MembershipFactory(
        organisation=council,
        is_coordinator=True,
        user__first_name="Grace",
        user__last_name="Okafor",
    )
    enrol_totp(host.user)
    supervisor = MembershipFactory(
        organisation=council, user__first_name="Priya", user__last_name="Shah"
    )
    ConfidentialityAgreementFactory(organisation=council)
    opportunity = OpportunityFactory(
        organisation=council,
        title="A day with the MASH",
        cpd_hours=Decimal("6.5"),
        supervisor=host,
        conditions=[dbs_condition(), agreement_condition(), briefing_condition()],
    )
    visit_day = opportunity.dates.order_by("date").first()
    assert visit_day is not None
    police = OrganisationFactory(
        name="Metropolitan Police, South East", slug="met-south-east", sector=Sector.POLICE
    )
    manager = MembershipFactory(
        organisation=police, user__first_name="Tom", user__last_name="Adeyemi"
    )
    officer = MembershipFactory(
        organisation=police,
        line_manager=manager,
        user__first_name="Łucja",
        user__last_name="Nguyễn",
    )
    officers_browser = new_context(bypass_csp=True).new_page()
    managers_browser = new_context(bypass_csp=True).new_page()
    hosts_browser = new_context(bypass_csp=True).new_page()
    teams_browser = new_context(bypass_csp=True).new_page()

    # 1. The officer finds the opportunity and asks for its first date.
    sign_in(officers_browser, officer.user.email)
    officers_browser.goto(reverse("shadowing:catalogue"))
    officers_browser.get_by_role("link", name="A day with the MASH").click()
    main = officers_browser.locator("main")
    for condition in ("Enhanced DBS check", "Confidentiality agreement", "Induction or briefing"):
        expect(main).to_contain_text(condition)
    expect(main).to_contain_text("6.5")
    assert_accessible(officers_browser)
    officers_browser.get_by_role("button", name="Ask to shadow").click()
    officers_browser.get_by_label(re.compile(rf"^{visit_day.date:%A %-d %B %Y}")).check()
    officers_browser.get_by_label("What do you hope to learn from the visit?").fill(LEARNING_GOALS)
    officers_browser.get_by_role("button", name="Send your request").click()
    expect(success(officers_browser)).to_contain_text("sent to your line manager")
    expect(officers_browser.locator("main")).to_contain_text("A day with the MASH")
    placement = Placement.objects.get(visitor=officer)
    placement_path = reverse("shadowing:placement", args=[placement.pk])
    asked = [m for m in mail.outbox if manager.user.email in m.to]
    assert asked, "the line manager was not emailed the request"
    link = re.search(rf"https?://\S+{re.escape(placement_path)}", asked[-1].body)
    assert link, asked[-1].body

    # 2. The line manager finds the request from her home page, then approves it from the
    # email's link (the same page).
    sign_in(managers_browser, manager.user.email)
    managers_browser.get_by_role("link", name="Answer requests to shadow").click()
    expect(managers_browser.locator("#waiting")).to_contain_text("Łucja Nguyễn")
    assert_accessible(managers_browser)
    managers_browser.goto(link.group(0).replace(settings.SITE_URL, ""))
    expect(status(managers_browser)).to_have_text("Waiting for the line manager")
    expect(managers_browser.locator("main")).to_contain_text(LEARNING_GOALS)
    managers_browser.get_by_role("button", name="Approve").click()
    expect(success(managers_browser)).to_contain_text("You approved the request.")
    expect(status(managers_browser)).to_have_text("Waiting for the host")

    # 3. The host accepts from Hosting visitors, naming the supervisor and keeping the date.
    sign_in(hosts_browser, host.user.email, mfa=True)
    hosts_browser.get_by_role("link", name="Hosting visitors").click()
    hosts_browser.locator("#incoming").get_by_role("link", name="A day with the MASH").click()
    accept = action_form(hosts_browser, "Accept this request")
    accept.get_by_label("Who will supervise the visit?").select_option(
        label=f"Priya Shah ({supervisor.user.email})"
    )
    expect(accept.locator("input[name=visit_date_day]")).to_have_value(str(visit_day.date.day))
    expect(accept.locator("input[name=visit_date_month]")).to_have_value(str(visit_day.date.month))
    expect(accept.locator("input[name=visit_date_year]")).to_have_value(str(visit_day.date.year))
    assert_accessible(hosts_browser)
    accept.get_by_role("button", name="Accept").click()
    expect(success(hosts_browser)).to_contain_text("You accepted the request.")
    expect(status(hosts_browser)).to_have_text("Accepted, checks to do")
    expect(hosts_browser.locator("main")).to_contain_text("Priya Shah")

    # 4. The checks, each by whoever records it: the DBS check by the line manager (level and
    # date seen, never the number), the agreement by the officer, the briefing by the host.
    managers_browser.reload()
    dbs = action_form(managers_browser, "Enhanced DBS check confirmed")
    dbs.get_by_label("Level of the DBS check").select_option(
        label="Enhanced with children's barred list"
    )
    issued = timezone.localdate().replace(day=1)
    dbs.locator("input[name$=dbs_issued_on_day]").fill(str(issued.day))
    dbs.locator("input[name$=dbs_issued_on_month]").fill(str(issued.month))
    dbs.locator("input[name$=dbs_issued_on_year]").fill(str(issued.year))
    dbs.get_by_role("button", name="Record").click()
    expect(success(managers_browser)).to_contain_text("The check has been recorded.")
    expect(managers_browser.locator("#checks")).to_contain_text(
        f"Enhanced with children's barred list DBS check, dated {issued:%-d %B %Y}."
    )
    expect(status(managers_browser)).to_have_text("Accepted, checks to do")

    officers_browser.goto(reverse("shadowing:mine"))
    officers_browser.get_by_role("link", name="A day with the MASH").click()
    expect(officers_browser.locator("#agreement-text")).to_contain_text("I will keep confidential")
    agreement = action_form(officers_browser, "Confidentiality agreement signed")
    agreement.get_by_label("I have read the agreement and will keep to it").check()
    agreement.get_by_role("button", name="Record").click()
    expect(success(officers_browser)).to_contain_text("The check has been recorded.")
    expect(officers_browser.locator("#checks")).to_contain_text("Signed version 1")

    hosts_browser.reload()
    briefing = action_form(hosts_browser, "Induction or briefing")
    briefing.get_by_label("Note (optional)").fill("Briefed by phone on what she will see.")
    briefing.get_by_role("button", name="Record").click()
    expect(success(hosts_browser)).to_contain_text("The check has been recorded.")
    expect(status(hosts_browser)).to_have_text("Confirmed")
    expect(hosts_browser.locator("#waiting-on")).to_contain_text("The visit is confirmed.")
    officers_browser.reload()
    expect(status(officers_browser)).to_have_text("Confirmed")

    # 5. The day of the visit, a month on: yesterday's sign-ins have ended (a session lasts a
    # working day), so the host signs in again and records that the visit happened.
    time_machine.move_to(
        timezone.make_aware(datetime.combine(visit_day.date, time(16, 30))), tick=True
    )
    hosts_browser.context.clear_cookies()
    sign_in(hosts_browser, host.user.email, mfa=True)
    hosts_browser.get_by_role("link", name="Hosting visitors").click()
    hosts_browser.get_by_role("link", name=re.compile("Łucja Nguyễn")).click()
    expect(status(hosts_browser)).to_have_text("Confirmed")
    hosts_browser.get_by_role("button", name="The visit happened").click()
    expect(success(hosts_browser)).to_contain_text("You recorded that the visit happened.")
    expect(status(hosts_browser)).to_have_text("Visit happened, reflection to write")

    # 6. The officer writes her reflection, then finds the CPD hours on My training.
    officers_browser.context.clear_cookies()
    sign_in(officers_browser, officer.user.email)
    officers_browser.goto(reverse("shadowing:mine"))
    officers_browser.locator("#reflections + ul").get_by_role(
        "link", name="A day with the MASH"
    ).click()
    reflection = action_form(officers_browser, "Write your reflection")
    expect(reflection).to_contain_text("could identify a child or family")
    for question, answer in REFLECTION.items():
        reflection.get_by_label(question).fill(answer)
    assert_accessible(officers_browser)
    reflection.get_by_role("button", name="Send the reflection").click()
    expect(success(officers_browser)).to_contain_text("the placement is complete")
    expect(status(officers_browser)).to_have_text("Completed")
    officers_browser.goto(reverse("compliance:my_training"))
    records = officers_browser.locator("main h2:text-is('Training records') + table")
    record = records.locator("tr").filter(has_text="Shadowing: A day with the MASH")
    expect(record).to_contain_text("Lewisham Children's Social Care")
    expect(record).to_contain_text(f"{visit_day.date:%-d %B %Y}")
    expect(record.locator("td").last).to_have_text("6.5")
    expect(officers_browser.locator("#shadowing + dl")).to_contain_text("1, 6.5 CPD hours in all")
    expect(officers_browser.locator("#certificates ~ table").first).to_contain_text(
        "Shadowing: A day with the MASH"
    )
    assert_accessible(officers_browser)

    # 7. The partnership team sees it counted: police visitors, children's social care hosts.
    sign_in(teams_browser, team_member.email, mfa=True)
    teams_browser.get_by_role("link", name="Shadowing across the partnership").click()
    matrix = teams_browser.locator("#matrix")
    headers = matrix.locator("thead th").all_inner_texts()
    column = headers.index("Children's social care")
    police_row = matrix.locator("tbody tr").filter(
        has=teams_browser.get_by_role("rowheader", name="Police")
    )
    expect(police_row.locator("th, td").nth(column)).to_have_text("1 of 1")
    expect(teams_browser.locator("#figure-completed")).to_have_text("1")
    assert_accessible(teams_browser)
