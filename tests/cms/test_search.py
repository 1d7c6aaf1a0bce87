"""Site search (/search/?q=): anyone finds live, public pages by their words, StreamField
content included; drafts, unpublished changes and private pages are never found.

`TestSearch` runs on the database the suite runs on (SQLite's full-text search locally);
`TestSearchOnPostgres` runs the same tests on PostgreSQL's full-text search, as in production.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from cms.models import EscalationGuidePage
from cms.selectors.search import QUERY_MAX_LENGTH
from tests.accounts.factories import UserFactory
from tests.cms.factories import (
    guide_page,
    organisation_page,
    procedure_page,
    publish,
    stage,
    standard_page,
)
from tests.organisations.factories import OrganisationFactory

SEARCH_URL = reverse("cms:search")


def search(client: Client, query: str, **params: Any) -> Any:
    response = client.get(SEARCH_URL, {"q": query, **params})
    assert response.status_code == 200
    return response


def quoted(text: str) -> str:
    """The search words as the results heading shows them, in curly single quotes."""
    return f"\u2018{text}\u2019"


def found(response: Any) -> list[str]:
    """Titles of the pages found, in order."""
    return [result.page.title for result in response.context["results"]]


def police_guide(**fields: Any) -> EscalationGuidePage:
    police = organisation_page(OrganisationFactory.create(name="Metropolitan Police South East"))
    return guide_page(
        police,
        title="How to escalate a concern at the Metropolitan Police",
        stages=[
            stage("Talk to the officer in the case", role="Investigating officer"),
            stage("Talk to their supervisor", role="Detective sergeant"),
            stage("Talk to the public protection unit", role="Detective inspector"),
        ],
        **fields,
    )


@pytest.mark.django_db
class TestSearch:
    def test_the_form_alone_without_a_query(self, client: Client) -> None:
        """Anyone may open it; with nothing (or only spaces) to search for, it shows the form."""
        police_guide()
        for params in ({}, {"q": ""}, {"q": "   "}):
            response = client.get(SEARCH_URL, params)

            assert response.status_code == 200
            html = response.content.decode()
            assert '<label class="govuk-label govuk-label--l" for="search-q">' in html
            assert "Search guides and procedures</label>" in html
            assert 'name="q" type="search" value=""' in html
            assert ">Search</button>" in html
            assert "results" not in response.context
            assert "result for" not in html
            assert "results for" not in html

    def test_a_guides_stage_roles_are_found(self, client: Client) -> None:
        """Searching a job title finds the guide whose stage names it, shown as a guide of its
        organisation, with its summary, linked."""
        guide = police_guide()
        guide_page(title="How to escalate a concern at the hospital")

        response = search(client, "detective sergeant")

        assert found(response) == ["How to escalate a concern at the Metropolitan Police"]
        [result] = response.context["results"]
        assert result.kind == "Escalation guide"
        assert result.organisation_name == "Metropolitan Police South East"
        html = response.content.decode()
        assert f"1 result for {quoted('detective sergeant')}" in html
        assert f'<a class="govuk-link" href="{guide.url}">{guide.title}</a>' in html
        assert "Escalation guide, Metropolitan Police South East" in html
        assert "For staff whose safeguarding concern is not being acted on." in html

    def test_procedures_and_organisations_are_found(self, client: Client) -> None:
        procedure_page(
            title="Information sharing protocol",
            summary="When to share information about a child without consent.",
        )
        organisation_page(
            OrganisationFactory.create(name="Lewisham Children's Social Care"),
            summary="Social workers for children in need and their families in Lewisham.",
        )

        procedures = search(client, "consent")
        organisations = search(client, "social workers")

        assert [(r.kind, r.organisation_name) for r in procedures.context["results"]] == [
            ("Procedure", "")
        ]
        assert "When to share information about a child without consent." in (
            procedures.content.decode()
        )
        assert [r.kind for r in organisations.context["results"]] == ["Organisation"]
        assert found(organisations) == ["Lewisham Children's Social Care"]

    def test_a_draft_is_found_only_once_published(self, client: Client) -> None:
        guide = guide_page(live=False, summary="For the flibbertigibbet team.")

        assert found(search(client, "flibbertigibbet")) == []
        publish(EscalationGuidePage.objects.get(pk=guide.pk))
        assert found(search(client, "flibbertigibbet")) == [guide.title]

    def test_changes_saved_as_a_draft_are_not_found_until_published(self, client: Client) -> None:
        """The live page is found by what readers see, not by the words of an unpublished edit."""
        guide = police_guide()
        draft = EscalationGuidePage.objects.get(pk=guide.pk)
        draft.summary = "Now covering the kerfuffle unit too."
        draft.save_revision()

        assert found(search(client, "kerfuffle")) == []
        assert found(search(client, "detective sergeant")) == [guide.title]
        publish(draft)
        assert found(search(client, "kerfuffle")) == [guide.title]

    def test_unpublished_and_private_pages_are_not_found(self, client: Client) -> None:
        """Nor are pages below a private one."""
        taken_down = procedure_page(title="Withdrawn wombat procedure")
        taken_down.unpublish()
        private = standard_page(title="Wombat working group", slug="working-group")
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        hidden_organisation = organisation_page()
        guide_page(hidden_organisation, summary="The wombat team's guide.")
        PageViewRestriction.objects.create(
            page=hidden_organisation, restriction_type=PageViewRestriction.LOGIN
        )
        procedure_page(title="Wombat welfare procedure")

        assert found(search(client, "wombat")) == ["Wombat welfare procedure"]

    def test_no_results_suggests_what_to_try(self, client: Client) -> None:
        police_guide()

        response = search(client, "zzyzx")

        html = response.content.decode()
        assert f"0 results for {quoted('zzyzx')}" in html
        assert "There are no guides or procedures that match your search." in html
        assert "check your spelling" in html
        assert "try fewer words" in html
        assert f'href="{reverse("cms:route_finder")}">route finder</a>' in html

    def test_every_word_must_match(self, client: Client) -> None:
        """Fewer words find more: a page must have all of them."""
        police_guide()

        assert found(search(client, "detective sergeant hospital")) == []
        assert len(found(search(client, "detective"))) == 1

    def test_the_query_is_shown_back_safely(self, client: Client) -> None:
        response = search(client, '<script>alert("hi")</script>')

        html = response.content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;" in html

    @pytest.mark.parametrize(
        "query",
        ['"', "'", "*", "detective*", "(", ")", "-police", "NEAR(", "AND", "OR NOT", ":", "^", "%"],
    )
    def test_search_syntax_is_not_an_error(self, client: Client, query: str) -> None:
        """Characters that mean something to a full-text engine are searched as plain text."""
        police_guide()

        search(client, query)

    def test_a_query_too_long_is_refused_plainly(self, client: Client) -> None:
        police_guide()
        words = ("detective sergeant " * 20)[: QUERY_MAX_LENGTH + 1]

        refused = search(client, words)
        accepted = search(client, words[:QUERY_MAX_LENGTH])

        html = refused.content.decode()
        assert "results" not in refused.context
        assert "There is a problem" in html
        assert f"Search for {QUERY_MAX_LENGTH} characters or fewer." in html
        assert "govuk-input--error" in html
        assert html.count("<title>Error: ") == 1
        assert found(accepted) == ["How to escalate a concern at the Metropolitan Police"]

    def test_results_come_20_a_page(self, client: Client) -> None:
        index = organisation_page()
        for number in range(21):
            procedure_page(index, title=f"Quokka procedure {number}", slug=f"quokka-{number}")

        first = search(client, "quokka")
        second = search(client, "quokka", page=2)

        assert len(found(first)) == 20
        assert len(found(second)) == 1
        assert set(found(first)).isdisjoint(found(second))
        assert f"21 results for {quoted('quokka')}" in first.content.decode()
        assert 'href="?q=quokka&amp;page=2"' in first.content.decode()
        assert 'href="?q=quokka&amp;page=1"' in second.content.decode()

    def test_signed_in_people_search_the_same_pages(self, client: Client) -> None:
        guide = police_guide()
        draft = guide_page(live=False, summary="Also detective sergeant.")
        client.force_login(UserFactory.create())

        assert found(search(client, "detective sergeant")) == [guide.title]
        assert draft.title not in found(search(client, "detective sergeant"))

    def test_a_search_takes_the_same_queries_however_many_pages_it_finds(
        self, client: Client
    ) -> None:
        """Guides and procedures each fetched together, their organisations in one query."""

        def make(first: int, last: int) -> None:
            """Pages number `first` to `last`: guides and procedures in turn."""
            for number in range(first, last + 1):
                if number % 2:
                    guide_page(summary="Ask the ocelot team.")
                else:
                    procedure_page(organisation_page(), summary="The ocelot procedure.")

        def queries() -> tuple[int, int]:
            with CaptureQueriesContext(connection) as captured:
                response = search(client, "ocelot")
            return len(captured), len(found(response))

        make(1, 3)
        search(client, "ocelot")  # caches what every request shares: the site, the settings
        three = queries()
        make(4, 10)
        ten = queries()

        assert three[1] == 3
        assert ten[1] == 10
        assert three[0] == ten[0]


@pytest.mark.postgres
class TestSearchOnPostgres(TestSearch):
    """The same, on PostgreSQL's full-text search."""

    def test_the_postgres_backend_is_used(self) -> None:
        from wagtail.search.backends import get_search_backend

        assert type(get_search_backend()).__name__ == "PostgresSearchBackend"
