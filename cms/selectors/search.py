"""Site search over the published pages. Only live, public pages are ever found.

Wagtail's search index holds each page's own row, which is what is live: a draft saved on a
live page is kept as a revision and not indexed, and a page never published is indexed but
filtered out here with `live()`. See docs/search.md for the backends and how the index is kept
up to date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from wagtail.models import Page, Site

from cms.models.pages import (
    EscalationGuidePage,
    OrganisationPage,
    ProcedurePage,
    ReviewedPage,
)
from organisations.models import Organisation

# Long enough for any real question ("who do I escalate to at the hospital out of hours"),
# short enough that nobody can make the database work through a pasted document.
QUERY_MAX_LENGTH = 200

# What each kind of page is called in the results; any other page is just a page.
PAGE_KINDS: dict[type[Model], str] = {
    EscalationGuidePage: "Escalation guide",
    ProcedurePage: "Procedure",
    OrganisationPage: "Organisation",
}
OTHER_PAGE_KIND = "Page"


@dataclass(frozen=True)
class SearchResult:
    """One page found, with what the results list shows of it."""

    page: Page
    kind: str
    organisation_name: str
    summary: str


def pages_matching(*, query: str, site: Site | None) -> Any:
    """Live, public pages of `site` matching `query`, best match first, as a lazy search result
    to paginate (each page of results is two queries, plus one a kind of page found).

    Every word must match (Wagtail's default "and"), in a page's title, summary or content,
    StreamField blocks included.
    """
    pages = Page.objects.live().public()
    if site is not None:
        pages = pages.in_site(site)
    return pages.specific().search(_plain_words(query))


def _plain_words(query: str) -> str:
    """The query with double quotes taken out. Words are searched as plain words, never as
    search syntax; the SQLite backend puts each word in double quotes without escaping any
    inside it, so a stray quote would be an error rather than a search."""
    return " ".join(query.replace('"', " ").split())


def search_results_describe(pages: Iterable[Page]) -> list[SearchResult]:
    """The pages (specific) as results: kind in words, organisation and summary. One query for
    the organisations of all the guides and procedures."""
    pages = list(pages)
    organisation_ids = {
        page.organisation_id
        for page in pages
        if isinstance(page, ReviewedPage) and page.organisation_id is not None
    }
    names = dict(
        Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name")
        if organisation_ids
        else []
    )
    results = []
    for page in pages:
        organisation_id = getattr(page, "organisation_id", None)
        results.append(
            SearchResult(
                page=page,
                kind=PAGE_KINDS.get(type(page), OTHER_PAGE_KIND),
                organisation_name=(
                    names.get(organisation_id, "") if isinstance(page, ReviewedPage) else ""
                ),
                summary=getattr(page, "summary", "") or getattr(page, "intro", "") or "",
            )
        )
    return results
