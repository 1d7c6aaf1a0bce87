"""Views for organisations' people. Thin: parse input, check permission, call selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from organisations.enums import MembershipKind
from organisations.models import Organisation
from organisations.permissions import (
    can_view_people_of,
    kinds_manageable_in,
    organisations_with_people_visible_to,
)
from organisations.selectors import people_in_organisation

PEOPLE_PER_PAGE = 50  # a screenful that still reads well with a screen reader


@login_required
def organisation_index(request: HttpRequest) -> HttpResponse:
    organisations = organisations_with_people_visible_to(request.user).order_by("name")
    if not organisations.exists():
        raise Http404
    return render(request, "organisations/organisation_index.html", {"organisations": organisations})


@login_required
def people_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_view_people_of(request.user, organisation):
        # Not 403: do not confirm which organisations exist to people outside them.
        raise Http404
    kind = request.GET.get("kind") or None
    if kind not in (None, *MembershipKind.values):
        kind = None
    people = people_in_organisation(viewer=request.user, organisation=organisation, kind=kind)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "page": page,
        "kind": kind,
        "kinds": MembershipKind.choices,
        "manageable_kinds": kinds_manageable_in(request.user, organisation),
    }
    return render(request, "organisations/people_list.html", context)
