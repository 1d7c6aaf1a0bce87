"""The published pages: where each type may live in the tree, and what readers who are not
signed in see on each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.enums import TimescaleUnit
from cms.models import (
    EscalationGuidePage,
    HomePage,
    OrganisationIndexPage,
    OrganisationPage,
    ProcedureIndexPage,
    ProcedurePage,
    StandardPage,
)
from organisations.enums import Sector
from tests.cms import factories
from tests.organisations.factories import OrganisationFactory

TODAY = timezone.localdate()
EMERGENCY = "If a child is in immediate danger, call 999."

# Queries to serve a guide to someone signed out, whatever its length: the site, routing down
# the tree (a query per level, and the specific page), the alias check, view restrictions, the
# ancestors for the breadcrumbs and the guide's organisation.
GUIDE_PAGE_QUERIES = 12


class TestTree(WagtailPageTestCase):
    """Each page type lives only where the site's structure expects it."""

    def test_home_page_sits_at_the_root(self) -> None:
        """The home page goes at the root, and holds standard pages and the two indexes."""
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage, {StandardPage, OrganisationIndexPage, ProcedureIndexPage}
        )

    def test_indexes_and_standard_pages_sit_under_home(self) -> None:
        """The indexes and standard pages go under the home page and nowhere else."""
        for model in (StandardPage, OrganisationIndexPage, ProcedureIndexPage):
            self.assertAllowedParentPageTypes(model, {HomePage})
        self.assertAllowedSubpageTypes(StandardPage, set())
        self.assertAllowedSubpageTypes(OrganisationIndexPage, {OrganisationPage})
        self.assertAllowedSubpageTypes(ProcedureIndexPage, {ProcedurePage})

    def test_organisation_pages_hold_a_guide_and_procedures(self) -> None:
        """Organisation pages live in the partner index and hold their guide and procedures."""
        self.assertAllowedParentPageTypes(OrganisationPage, {OrganisationIndexPage})
        self.assertAllowedSubpageTypes(OrganisationPage, {EscalationGuidePage, ProcedurePage})
        self.assertCanCreateAt(OrganisationIndexPage, OrganisationPage)
        self.assertCanNotCreateAt(HomePage, OrganisationPage)

    def test_guides_sit_only_under_an_organisation(self) -> None:
        """A guide belongs to one organisation: it cannot go in the procedures index."""
        self.assertAllowedParentPageTypes(EscalationGuidePage, {OrganisationPage})
        self.assertAllowedSubpageTypes(EscalationGuidePage, set())
        self.assertCanCreateAt(OrganisationPage, EscalationGuidePage)
        self.assertCanNotCreateAt(ProcedureIndexPage, EscalationGuidePage)
        self.assertCanNotCreateAt(HomePage, EscalationGuidePage)

    def test_procedures_sit_under_the_index_or_an_organisation(self) -> None:
        """A procedure is the partnership's (in the index) or an organisation's own."""
        self.assertAllowedParentPageTypes(ProcedurePage, {ProcedureIndexPage, OrganisationPage})
        self.assertAllowedSubpageTypes(ProcedurePage, set())
        self.assertCanCreateAt(ProcedureIndexPage, ProcedurePage)
        self.assertCanCreateAt(OrganisationPage, ProcedurePage)
        self.assertCanNotCreateAt(HomePage, ProcedurePage)
        self.assertCanNotCreateAt(EscalationGuidePage, ProcedurePage)

    def test_there_is_one_home_page_and_one_of_each_index(self) -> None:
        """The site tree already has its home and indexes: no second one can be added."""
        home = factories.home_page()
        assert not HomePage.can_create_at(home.get_parent())
        assert not OrganisationIndexPage.can_create_at(home)
        assert not ProcedureIndexPage.can_create_at(home)
        assert StandardPage.can_create_at(home)

    def test_an_organisation_has_at_most_one_guide(self) -> None:
        """Once an organisation has a guide, the admin offers no second one under it."""
        organisation_page = factories.organisation_page()
        assert EscalationGuidePage.can_create_at(organisation_page)
        factories.guide_page(organisation_page)
        assert not EscalationGuidePage.can_create_at(organisation_page)
        assert ProcedurePage.can_create_at(organisation_page)


# Rendering -------------------------------------------------------------------------------------


def _home() -> Page:
    return factories.home_page()


def _organisation_index() -> Page:
    return factories.organisation_page(OrganisationFactory(name="Lewisham Police")).get_parent()


def _guide() -> Page:
    return factories.guide_page()


def _procedure_index() -> Page:
    return factories.procedure_page().get_parent()


PAGES: dict[str, tuple[Callable[[], Page], str]] = {
    "home": (_home, "Worried about a child?"),
    "organisation index": (_organisation_index, "Lewisham Police"),
    "organisation": (factories.organisation_page, "Safeguarding leads"),
    "guide": (_guide, "If your concern is not being acted on"),
    "procedure index": (_procedure_index, "Information sharing protocol"),
    "procedure": (factories.procedure_page, "When to share"),
    "standard": (factories.standard_page, "We keep children safe together."),
}


@pytest.mark.parametrize("kind", PAGES)
def test_page_renders_for_someone_signed_out(client: Client, db: None, kind: str) -> None:
    """Every kind of published page is public, with its title and content."""
    make, text = PAGES[kind]
    page = make()
    response = client.get(page.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<h1 class="govuk-heading-xl">{page.title}</h1>' in content
    assert text in content
    assert "wagtail-userbar" not in content
    assert ("govuk-breadcrumbs" in content) is (kind != "home")


@pytest.mark.parametrize(
    "make",
    [
        lambda: factories.organisation_page(live=False),
        lambda: factories.guide_page(live=False),
        lambda: factories.procedure_page(live=False),
    ],
    ids=["organisation", "guide", "procedure"],
)
def test_drafts_are_not_served(client: Client, db: None, make: Callable[[], Page]) -> None:
    """A page that has never been published is not found."""
    page = make()
    assert client.get(page.get_url()).status_code == 404


def test_breadcrumbs_lead_back_through_live_pages(client: Client, db: None) -> None:
    """A guide's breadcrumbs go home, to the partners and to its organisation."""
    guide = factories.guide_page(
        factories.organisation_page(OrganisationFactory(name="Goldsmiths Primary"))
    )
    content = client.get(guide.url).content.decode()
    breadcrumbs = content[
        content.index("govuk-breadcrumbs") : content.index(
            "</nav>", 1 + content.index("govuk-breadcrumbs")
        )
    ]
    assert 'href="/">Home</a>' in breadcrumbs
    assert 'href="/partners/">Partner organisations</a>' in breadcrumbs
    assert ">Goldsmiths Primary</a>" in breadcrumbs
    assert guide.title not in breadcrumbs


def test_breadcrumbs_leave_out_a_draft_page(client: Client, db: None) -> None:
    """A live guide under an organisation page still in draft has no breadcrumb to the draft."""
    organisation_page = factories.organisation_page(
        OrganisationFactory(name="Goldsmiths Primary"), live=False
    )
    guide = factories.guide_page(organisation_page)
    response = client.get(guide.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="/partners/">Partner organisations</a>' in content
    assert ">Goldsmiths Primary</a>" not in content


# The home page ---------------------------------------------------------------------------------


def test_home_page_offers_the_ways_in(client: Client, db: None) -> None:
    """Signed out, the home page has the urgent numbers, the routes, a search and sign-in."""
    content = client.get("/").content.decode()
    assert "Worried about a child?" in content
    assert EMERGENCY in content
    assert 'href="/where-to-escalate/"' in content
    assert 'href="/procedures/"' in content
    assert 'href="/partners/"' in content
    assert 'action="/search/"' in content
    assert '<label class="govuk-label govuk-label--m" for="site-search">' in content
    assert 'name="q"' in content
    assert 'href="/courses/">Find and book safeguarding courses</a>. You need to sign in' in content


# Organisations ---------------------------------------------------------------------------------


def test_organisation_index_groups_organisations_by_sector(client: Client, db: None) -> None:
    """Partners are listed under their sector, each with a line about them."""
    school = factories.organisation_page(
        OrganisationFactory(name="Goldsmiths Primary", sector=Sector.SCHOOL),
        summary="A primary school in New Cross.",
    )
    factories.organisation_page(OrganisationFactory(name="Lewisham Police", sector=Sector.POLICE))
    content = client.get(factories.organisation_index().url).content.decode()
    assert content.index(">Police</h2>") < content.index("Lewisham Police")
    assert content.index("Lewisham Police") < content.index(">School</h2>")
    assert content.index(">School</h2>") < content.index("Goldsmiths Primary")
    assert f'href="{school.url}"' in content
    assert "A primary school in New Cross." in content


def test_organisation_page_links_to_its_guide_and_procedures(client: Client, db: None) -> None:
    """An organisation's page leads to its guide and lists its own procedures."""
    organisation_page = factories.organisation_page(website="https://agency.example/")
    guide = factories.guide_page(organisation_page)
    procedure = factories.procedure_page(organisation_page, title="Lone working")
    content = client.get(organisation_page.url).content.decode()
    assert f'href="{guide.url}">{guide.title}</a>' in content
    assert f'href="{procedure.url}">Lone working</a>' in content
    assert 'href="https://agency.example/"' in content
    assert "Designated safeguarding lead" in content
    assert "has not published an escalation guide" not in content


def test_organisation_without_a_guide_says_so(client: Client, db: None) -> None:
    """Without a guide, the page says so and points to the route finder and the front door."""
    organisation_page = factories.organisation_page(OrganisationFactory(name="Riverside Nursery"))
    factories.guide_page(live=False, parent=organisation_page)
    content = client.get(organisation_page.url).content.decode()
    assert "Riverside Nursery has not published an escalation guide yet." in content
    assert 'href="/where-to-escalate/"' in content
    assert 'href="tel:02083146660"' in content


# Guides ----------------------------------------------------------------------------------------


def test_guide_always_says_call_999(client: Client, db: None) -> None:
    """The 999 warning comes from the template, before any of the guide's own content."""
    guide = factories.guide_page(summary="For staff at the nursery.")
    content = client.get(guide.url).content.decode()
    assert EMERGENCY in content
    assert content.index(EMERGENCY) < content.index("If the concern is urgent")


def test_guide_sets_out_its_stages_in_order(client: Client, db: None) -> None:
    """Each stage has its number, who to go to, how to reach them and its timescale."""
    guide = factories.guide_page(
        stages=[
            factories.stage("Talk to the practitioner", amount=1),
            factories.stage("Talk to the team manager", amount=3, unit=TimescaleUnit.HOURS),
            factories.stage(
                "Talk to the head of service", amount=None, unit=TimescaleUnit.IMMEDIATELY
            ),
        ]
    )
    content = client.get(guide.url).content.decode()
    positions = [
        content.index(text)
        for text in (
            "Stage 1</span> Talk to the practitioner",
            "Within 1 working day",
            "Stage 2</span> Talk to the team manager",
            "Within 3 hours",
            "Stage 3</span> Talk to the head of service",
            "Timescale:</strong> Immediately",
        )
    ]
    assert positions == sorted(positions)
    assert 'href="tel:02083146660"' in content
    assert 'href="mailto:duty@agency.example"' in content
    assert "18001 020 8314 6660" in content


def test_guide_shows_its_owner_and_review_dates(client: Client, db: None) -> None:
    """Readers see who owns the guide, when it was reviewed and when it is next due."""
    next_review = TODAY + timedelta(days=200)
    guide = factories.guide_page(
        review_owner_title="Head of Safeguarding and Quality Assurance",
        **factories.review_dates(next_review=next_review),
    )
    content = client.get(guide.url).content.decode()
    assert "Head of Safeguarding and Quality Assurance" in content
    assert guide.last_reviewed.strftime("%-d %B %Y") in content
    assert next_review.strftime("%-d %B %Y") in content


def test_guide_links_to_the_route_finder_from_its_organisation(client: Client, db: None) -> None:
    """The route finder opens with the guide's organisation already chosen."""
    organisation = OrganisationFactory(slug="lewisham-police")
    guide = factories.guide_page(factories.organisation_page(organisation))
    content = client.get(guide.url).content.decode()
    assert 'href="/where-to-escalate/?from=lewisham-police"' in content


@pytest.mark.parametrize(
    ("days_to_review", "overdue"),
    [(-1, True), (-200, True), (0, False), (10, False), (300, False)],
)
def test_overdue_banner_shows_only_after_the_review_date(
    client: Client, db: None, days_to_review: int, overdue: bool
) -> None:
    """A guide past its review date warns readers it may be out of date; one in date does not."""
    next_review = TODAY + timedelta(days=days_to_review)
    guide = factories.guide_page(
        factories.organisation_page(OrganisationFactory(name="Riverside Nursery")),
        **factories.review_dates(next_review=next_review),
    )
    content = client.get(guide.url).content.decode()
    due = f"This guide was due for review on {next_review.strftime('%-d %B %Y')}."
    assert (due in content) is overdue
    assert ("check with Riverside Nursery's safeguarding lead" in content) is overdue
    assert ("govuk-notification-banner" in content) is overdue


@pytest.mark.parametrize("stages", [3, 6])
def test_guide_is_served_in_the_same_queries_however_long(
    client: Client, db: None, django_assert_num_queries: Any, stages: int
) -> None:
    """A signed-out reader's guide costs the same queries with three stages or six."""
    guide = factories.guide_page(
        stages=[factories.stage(f"Stage called {number}") for number in range(stages)]
    )
    client.get(guide.url)  # The first request caches the site's root paths; this is the next.
    with django_assert_num_queries(GUIDE_PAGE_QUERIES):
        response = client.get(guide.url)
    assert response.content.decode().count('class="app-stages__item"') == stages


# Procedures ------------------------------------------------------------------------------------


def test_procedure_index_lists_the_partnerships_procedures(client: Client, db: None) -> None:
    """The index lists partnership procedures, not organisations' own, and leads to guides."""
    factories.procedure_page(title="Information sharing protocol")
    factories.procedure_page(factories.organisation_page(), title="Lone working")
    content = client.get(factories.procedure_index().url).content.decode()
    assert "Information sharing protocol" in content
    assert "When and how to share information to keep children safe." in content
    assert "Lone working" not in content
    assert 'href="/partners/"' in content
    assert 'href="/where-to-escalate/"' in content


@pytest.mark.parametrize(("days_to_review", "overdue"), [(-1, True), (0, False)])
def test_overdue_procedure_says_so(
    client: Client, db: None, days_to_review: int, overdue: bool
) -> None:
    """A partnership procedure past its review date warns readers too."""
    next_review = TODAY + timedelta(days=days_to_review)
    procedure = factories.procedure_page(**factories.review_dates(next_review=next_review))
    content = client.get(procedure.url).content.decode()
    due = f"This procedure was due for review on {next_review.strftime('%-d %B %Y')}."
    assert (due in content) is overdue
    assert "Partnership business manager" in content
    assert EMERGENCY in content
