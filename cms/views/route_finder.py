""" "Where do I escalate?": two organisations' escalation routes side by side, and as a poster.

Public, no sign-in: anyone working with children in the borough may need it, and it shows
only what the organisations have published.

Choices made here:

* The form is sent with GET (`?from=<slug>&to=<slug>`), so a result can be bookmarked, shared
  and turned into a poster with the same query.
* A query with only `from` comes from a guide page's link: it preselects that organisation and
  shows no errors (an unknown `from` on its own is ignored, as a stale link would be). The form
  counts as sent once `to` is in the query.
* Choosing the same organisation twice is allowed: disagreements happen within one
  organisation too (two teams of the same service). The page then shows that one route, with a
  sentence saying so.
* The poster with bad input (unknown organisation, one without a live guide, a missing field)
  redirects to the route finder with the same `from` and `to`, where the error messages say
  what is wrong. Nothing is rendered or stored.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from cms.forms.route_finder import RouteFinderForm
from cms.models.settings import SafeguardingContacts
from cms.selectors.routes import EscalationRoutes, escalation_routes, guides_by_organisation
from config.pdf import render_pdf

# The only query parameters the route finder reads; anything else in a link is dropped.
QUERY_FIELDS = ("from", "to")


@require_safe
def route_finder_view(request: HttpRequest) -> HttpResponse:
    """The form and, once both organisations are chosen, their routes side by side."""
    guides = guides_by_organisation()
    routes: EscalationRoutes | None = None
    if "to" in request.GET:
        form = RouteFinderForm(request.GET, guides=guides)
        if form.is_valid():
            routes = escalation_routes(own=form.own_guide, theirs=form.their_guide)
    else:
        preselected = request.GET.get("from", "")
        form = RouteFinderForm(
            initial={"from": preselected} if preselected in guides else {}, guides=guides
        )
    return render(
        request,
        "cms/route_finder.html",
        {
            "form": form,
            "routes": routes,
            "guides_available": bool(guides),
            "query": _query(request),
        },
    )


@require_safe
def route_poster_view(request: HttpRequest) -> HttpResponse:
    """The routes as an A4 PDF for a staff room wall."""
    guides = guides_by_organisation()
    form = RouteFinderForm(request.GET, guides=guides)
    if not form.is_valid():
        query = _query(request)
        return redirect(reverse("cms:route_finder") + (f"?{query}" if query else ""))
    routes = escalation_routes(own=form.own_guide, theirs=form.their_guide)
    site_url = settings.SITE_URL.rstrip("/")
    pdf = render_pdf(
        "cms/route_poster.html",
        {
            "routes": routes,
            "contacts": SafeguardingContacts.load(request_or_site=request),
            "printed_on": timezone.localdate(),
            "site_url": site_url,
            "finder_url": f"{site_url}{reverse('cms:route_finder')}?{_query(request)}",
            "PARTNERSHIP_NAME": settings.PARTNERSHIP_NAME,
        },
    )
    # Slugs already, but slugified again: the name goes into a header between quotes.
    own, theirs = slugify(form.cleaned_data["from"]), slugify(form.cleaned_data["to"])
    filename = f"escalation-routes-{own}-{theirs}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _query(request: HttpRequest) -> str:
    """The route finder's own parameters from this request, ready to put after a "?"."""
    return urlencode([(name, request.GET[name]) for name in QUERY_FIELDS if name in request.GET])
