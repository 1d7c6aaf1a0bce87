"""Site search: anyone, signed in or not, searches the live, public pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.models import Site

from cms.selectors.search import QUERY_MAX_LENGTH, pages_matching, search_results_describe

RESULTS_PER_PAGE = 20  # a screenful of titles and summaries that still reads well aloud


def search_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    """The search form, and the results when there is something to search for.

    An empty search shows the form alone; one too long is refused with a message and searches
    nothing.
    """
    query = " ".join(request.GET.get("q", "").split())
    context: dict[str, object] = {"query": query}
    if len(query) > QUERY_MAX_LENGTH:
        context["error"] = f"Search for {QUERY_MAX_LENGTH} characters or fewer."
    elif query:
        matching = pages_matching(query=query, site=Site.find_for_request(request))
        page = Paginator(matching, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            searched=True,
            page=page,
            results=search_results_describe(page.object_list),
            page_query=urlencode({"q": query}),
        )
    return render(request, "cms/search.html", context)
