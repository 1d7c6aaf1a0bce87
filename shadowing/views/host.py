"""The host's page (requests to answer, checks to do, the calendar of visits, feedback to give
and the opportunities offered) and an organisation's placements, for its coordinators and the
partnership team. Anyone else gets a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from organisations.models import Organisation
from organisations.permissions import is_partnership_team
from shadowing.permissions import coordinated_organisations
from shadowing.selectors.host import can_open_host_page, host_page, organisation_placements


@login_required
@require_http_methods(["GET", "HEAD"])
def host_overview(request: HttpRequest) -> HttpResponse:
    if not can_open_host_page(request.user):
        raise Http404
    return render(request, "shadowing/host.html", {"page": host_page(request.user)})


@login_required
@require_http_methods(["GET", "HEAD"])
def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request.user
    if is_partnership_team(viewer):
        organisation = get_object_or_404(Organisation, slug=slug)
    else:
        organisation = get_object_or_404(coordinated_organisations(viewer), slug=slug)
    return render(
        request,
        "shadowing/organisation.html",
        {"page": organisation_placements(viewer, organisation)},
    )
